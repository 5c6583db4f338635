"""Tests generated from the bundled knowledge base itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.check import CheckResult, check_paths
from builder.expert import expert_path
from builder.model import Tree
from search.service import search_index
from search.store.live import LiveIndex
from search.store.publish import build_index

TREES = Path(__file__).resolve().parent.parent / "decision_trees"
RESULT: CheckResult = check_paths([TREES])
CLAIMS = [(tree, code, node_id) for tree in RESULT.trees for code, node_id in tree.all_codes()]


def typed_forms(code: str) -> list[str]:
    """The code as written, in lower case, and the short form people type."""
    if re.search(r"[xX]{2,}$", code):  # a status range: people type one code in it
        short = "0x" + re.sub(r"[xX]", "7", code)
    elif re.match(r"^0[xX]", code):
        short = code[2:]
    elif re.search(r"[\s\-_]", code):
        short = re.sub(r"[\s\-_]+", "", code)
    else:
        short = f"error {code}"
    return [code, code.lower(), short]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIndex]:
    out = tmp_path_factory.mktemp("kb-index")
    build_index(RESULT.trees, out)
    index = LiveIndex(out)
    yield index
    index.close()


def test_strict_check_is_clean() -> None:
    assert [p.format_text() for p in RESULT.problems] == []


def test_size_of_the_knowledge_base() -> None:
    systems = {t.system for t in RESULT.trees}
    assert len(RESULT.trees) >= 25
    assert len({c.code for _, c, _ in CLAIMS}) >= 150
    assert len(systems) >= 10


@pytest.mark.parametrize("tree", RESULT.trees, ids=lambda t: t.id)
def test_expert_path_lands_on_a_non_basic_step(tree: Tree) -> None:
    assert tree.nodes[tree.start].basic, "every bundled tree starts with basic checks"
    path = expert_path(tree)
    assert path.skipped and not path.loops
    assert not tree.nodes[path.landing].basic


@pytest.mark.parametrize(
    ("tree", "code", "node_id"), CLAIMS, ids=[f"{t.id}:{c.code}" for t, c, _ in CLAIMS]
)
def test_every_code_is_the_top_hit_as_people_type_it(
    live: LiveIndex, tree: Tree, code: object, node_id: str
) -> None:
    written = code.code  # type: ignore[attr-defined]
    for query in typed_forms(written):
        found = search_index(live, query)
        assert found.hits, f"nothing found for {query!r}"
        claim = (tree.id, node_id, written)
        if found.ambiguous:  # the same digits in two families: offered as a choice
            assert claim in [(h.tree, h.step, h.matched_code) for h in found.hits if h.exact], query
        else:
            top = found.hits[0]
            assert (top.tree, top.step, top.matched_code) == claim, query


def test_device_manager_codes_that_depend_on_the_device_ask_which_device() -> None:
    # A Device Manager code means the same for every device; a microphone with Code 43 must
    # not land on graphics-card advice, so these codes land on the question that sorts by device.
    claims = {c.code: (t, n) for t, c, n in CLAIMS if c.family == "device-manager"}
    device_trees = {
        "tree:monitor-not-detected",
        "tree:dictation-microphone-not-detected",
        "tree:usb-device-error",
    }
    for code in ("Code 10", "Code 22", "Code 28", "Code 31", "Code 43", "Code 45"):
        assert code in claims, f"{code} is not claimed in the device-manager family"
        tree, node_id = claims[code]
        targets = {answer.next for answer in tree.nodes[node_id].answers}
        assert device_trees <= targets, code
