"""Loading trees: every plain scalar stays a string, and every value knows where it is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from builder.check import CheckOptions, check_paths, load_tree
from builder.model import Kind, Pos, Tree
from builder.yamlsource import Mark, YMap, YScalar, YSeq, load_file, parse_yaml

REPO = Path(__file__).resolve().parent.parent
VALID = Path("tests/data/valid")
INVALID = Path("tests/data/invalid")
ALL_KINDS = VALID / "all-node-kinds.yaml"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Problems and positions name files relative to the working folder."""
    monkeypatch.chdir(REPO)


@pytest.fixture
def all_kinds() -> Tree:
    tree, problems = load_tree(ALL_KINDS)
    assert problems == []
    assert tree is not None
    return tree


def test_valid_trees_have_no_problems() -> None:
    result = check_paths([VALID], CheckOptions(today=date(2026, 11, 29)))
    assert result.problems == []
    assert sorted(t.id for t in result.trees) == ["all-node-kinds", "expert-basic"]


def test_every_node_kind_is_read(all_kinds: Tree) -> None:
    kinds = {node_id: node.kind for node_id, node in all_kinds.nodes.items()}
    assert kinds == {
        "mic-plugged": Kind.QUESTION,
        "reconnect": Kind.STEP,
        "restart-client": Kind.QUESTION,
        "fixed": Kind.RESOLUTION,
        "call-dictation": Kind.ESCALATION,
    }
    escalation = all_kinds.nodes["call-dictation"]
    assert escalation.contact == "dictation-oncall"
    assert escalation.include == ["error code", "time it happened", "microphone model"]
    assert all_kinds.nodes["reconnect"].next == "mic-plugged"
    assert all_kinds.nodes["restart-client"].answers[2].next == "tree:expert-basic"


def test_plain_scalars_stay_strings(all_kinds: Tree) -> None:
    assert [c.code for c in all_kinds.codes] == ["0122", "0x0000B100"]  # not 82
    assert [c.code for c in all_kinds.nodes["reconnect"].codes] == ["0xA700"]  # not 42752
    assert [a.label for a in all_kinds.nodes["mic-plugged"].answers] == ["Yes", "No"]
    assert all_kinds.symptoms == ["Microphone light goes off", "12:30"]  # not 750 (base 60)
    assert all_kinds.title == "Dictation microphone stops at 12:30"


def test_booleans_and_dates_are_typed_by_the_format(all_kinds: Tree) -> None:
    assert all_kinds.reviewed == date(2026, 11, 1)
    assert all_kinds.nodes["restart-client"].basic is False
    tree, _ = load_tree(VALID / "expert-basic.yaml")
    assert tree is not None
    question = tree.nodes["logged-in"]
    assert question.basic is True
    assert [a.expert for a in question.answers] == [True, False]


def test_yes_is_not_a_boolean() -> None:
    _, problems = load_tree(INVALID / "wrong-type.yaml")
    basic = [p for p in problems if p.pos.line == 12]
    assert [(p.pos.col, p.rule, p.message) for p in basic] == [
        (12, "wrong-type", '"basic" must be true or false, not "yes"')
    ]


def test_quoted_true_is_not_a_boolean() -> None:
    _, problems = load_tree(INVALID / "wrong-type.yaml")
    expert = [p for p in problems if p.pos.line == 18]
    assert [p.message for p in expert] == ['"expert" must be true or false, not "true"']


def test_positions_of_values(all_kinds: Tree) -> None:
    path = ALL_KINDS.as_posix()
    assert all_kinds.path == path
    assert all_kinds.id_pos == Pos(path, 2, 5)
    assert all_kinds.reviewed_pos == Pos(path, 15, 11)
    assert all_kinds.start_pos == Pos(path, 16, 8)
    assert [c.pos for c in all_kinds.codes] == [Pos(path, 10, 11), Pos(path, 12, 11)]
    reconnect = all_kinds.nodes["reconnect"]
    assert reconnect.pos == Pos(path, 27, 3)  # a node is where its id is written
    assert reconnect.next_pos == Pos(path, 29, 11)
    assert reconnect.codes[0].pos == Pos(path, 31, 15)
    answers = all_kinds.nodes["restart-client"].answers
    assert [a.pos for a in answers] == [Pos(path, 38, 9), Pos(path, 40, 9), Pos(path, 42, 9)]
    assert [a.next_pos for a in answers] == [
        Pos(path, 39, 15),
        Pos(path, 41, 15),
        Pos(path, 43, 15),
    ]


def test_parse_yaml_marks_are_one_based() -> None:
    root = parse_yaml(ALL_KINDS.read_text(encoding="utf-8"))
    assert root.mark == Mark(2, 1)  # line 1 is a comment
    items = {key.value: (key, value) for key, value in root.items}
    key, value = items["id"]
    assert (key.mark, value.mark) == (Mark(2, 1), Mark(2, 5))
    _, symptoms = items["symptoms"]
    assert isinstance(symptoms, YSeq)
    assert symptoms.mark == Mark(7, 3)
    assert [(s.mark, s.value) for s in symptoms.items if isinstance(s, YScalar)] == [
        (Mark(7, 5), "Microphone light goes off"),
        (Mark(8, 5), "12:30"),
    ]
    _, nodes = items["nodes"]
    assert isinstance(nodes, YMap)
    assert nodes.mark == Mark(18, 3)


def test_parse_yaml_keeps_scalar_text_and_style() -> None:
    root = parse_yaml(ALL_KINDS.read_text(encoding="utf-8"))
    items = {key.value: value for key, value in root.items}
    codes = items["codes"]
    assert isinstance(codes, YSeq)
    code_values = [
        value
        for entry in codes.items
        if isinstance(entry, YMap)
        for key, value in entry.items
        if key.value == "code"
    ]
    assert [(c.value, c.plain) for c in code_values if isinstance(c, YScalar)] == [
        ("0122", True),
        ("0x0000B100", False),
    ]


def test_parse_yaml_records_duplicate_keys() -> None:
    root = load_file(INVALID / "duplicate-key.yaml")
    assert [(d.value, d.mark) for d in root.duplicates] == [("title", Mark(5, 1))]
    # The first value is the one kept as the tree's title.
    tree, _ = load_tree(INVALID / "duplicate-key.yaml")
    assert tree is not None
    assert tree.title == "Keyboard shortcuts do nothing"


def test_parse_yaml_records_duplicate_node_ids() -> None:
    root = load_file(INVALID / "duplicate-node.yaml")
    nodes = dict((k.value, v) for k, v in root.items)["nodes"]
    assert isinstance(nodes, YMap)
    assert [(d.value, d.mark) for d in nodes.duplicates] == [("fixed", Mark(18, 3))]
    tree, _ = load_tree(INVALID / "duplicate-node.yaml")
    assert tree is not None
    assert tree.nodes["fixed"].text == "The CD was imported."
