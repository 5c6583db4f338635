"""The author's loop: `fastpath check FILE...` sees the whole knowledge base, reports the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder.check import check_paths

RunFastpath = Callable[..., Any]

REPO = Path(__file__).resolve().parent.parent
KB = Path("tests/data/authoring/kb")


def found(paths: list[Path]) -> list[tuple[str, int, str]]:
    result = check_paths([REPO / p for p in paths])
    return [(Path(p.pos.path).name, p.pos.line, p.rule) for p in result.problems]


def test_the_documented_loop_passes_a_tree_that_links_to_another(
    run_fastpath: RunFastpath,
) -> None:
    # pacs-priors-missing links to tree:dicom-retrieve-failed, which is not named.
    run = run_fastpath("check", "decision_trees/pacs/pacs-priors-missing.yaml")
    assert (run.exit_code, run.stdout) == (0, "")
    assert run.stderr == "1 file(s), 1 tree(s): 0 error(s), 0 warning(s)\n"


def test_a_named_file_is_checked_against_the_rest_of_its_knowledge_base() -> None:
    # priors-missing links to tree:store-failed and claims a code store-failed claims too;
    # store-failed's own unknown key is not this file's problem.
    assert found([KB / "pacs" / "priors-missing.yaml"]) == [
        ("priors-missing.yaml", 12, "duplicate-code")
    ]


def test_the_duplicate_is_reported_in_whichever_file_is_named() -> None:
    assert found([KB / "pacs" / "store-failed.yaml"]) == [
        ("store-failed.yaml", 12, "duplicate-code"),
        ("store-failed.yaml", 19, "unknown-key"),
    ]


def test_the_whole_knowledge_base_reports_each_problem_once() -> None:
    assert found([KB]) == [
        ("store-failed.yaml", 12, "duplicate-code"),
        ("store-failed.yaml", 19, "unknown-key"),
    ]


def test_a_duplicate_names_both_places() -> None:
    (problem, _) = check_paths([REPO / KB]).problems
    assert problem.message.startswith(
        'code "0xA700" of family dicom-status is already claimed by priors-missing#retrieve'
    )
    assert "priors-missing.yaml:12:15" in problem.message
    assert "(here: store-failed#retry)" in problem.message


def test_the_same_digits_in_two_families_and_a_device_code_in_two_systems_are_fine() -> None:
    result = check_paths([REPO / KB])
    codes = {c.code: c for t in result.trees for c, _ in t.all_codes()}
    assert (codes["0x204"].family, codes["0x204"].key) == ("dicom-status", "204")
    # Code 43 is claimed by Monitors and by Dictation: the family is unique per system.
    claims = [(t.system, c.family, c.key) for t in result.trees for c, _ in t.all_codes()]
    assert ("Monitors", "device-manager", "43") in claims
    assert ("Dictation", "device-manager", "43") in claims
    assert all(p.rule != "duplicate-code" or "Code 43" not in p.message for p in result.problems)


def test_a_device_code_twice_in_one_system_is_an_error(tmp_path: Path) -> None:
    for name in ("families.yaml", "monitors/monitor-black.yaml"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text((REPO / KB / name).read_text("utf-8"), "utf-8")
    text = (REPO / KB / "dictation" / "microphone-missing.yaml").read_text("utf-8")
    (tmp_path / "monitors" / "microphone-missing.yaml").write_text(
        text.replace("system: Dictation", "system: Monitors"), "utf-8"
    )
    (problem,) = check_paths([tmp_path]).problems
    assert (problem.rule, problem.level.value) == ("duplicate-code", "error")
    assert 'code "Code 43" of family device-manager' in problem.message


def test_a_changed_registry_is_checked_with_every_tree(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(REPO / KB, tmp_path / "kb")
    families = tmp_path / "kb" / "families.yaml"
    families.write_text(families.read_text("utf-8").replace("prefixes: [Code]", "prefixes: []"))
    result = check_paths([families])
    undecided = sorted(
        Path(p.pos.path).name for p in result.problems if p.rule == "family-undecided"
    )
    assert undecided == ["microphone-missing.yaml", "monitor-black.yaml"]
