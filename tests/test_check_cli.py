"""`fastpath check` as authors and CI run it: output lines, order, exit codes."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RunFastpath = Callable[..., Any]  # the run_fastpath fixture of conftest.py

REPO = Path(__file__).resolve().parent.parent
DATA = Path("tests/data")
VALID = DATA / "valid"
INVALID = DATA / "invalid"
TODAY = ("--today", "2026-11-29")

LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>[1-9]\d*):(?P<col>[1-9]\d*): "
    r"(?P<level>error|warning): (?P<message>.+) \[(?P<rule>[a-z0-9]+(-[a-z0-9]+)*)\]$"
)
SUMMARY = re.compile(r"^\d+ file\(s\), \d+ tree\(s\): \d+ error\(s\), \d+ warning\(s\)$")

ID_MISMATCH_TEXT = (
    "tests/data/invalid/id-mismatch.yaml:2:5: error: "
    'id "monitor-flicker" does not match the file name "id-mismatch"; '
    "rename the file to monitor-flicker.yaml or set id: id-mismatch [id-mismatch]"
)
STALE_REVIEW_TEXT = (
    "tests/data/invalid/stale-review.yaml:6:11: warning: "
    "last reviewed 2024-06-30, 882 days ago (limit 365); "
    "review the tree and update the date [stale-review]"
)


def keys(lines: list[str]) -> list[tuple[str, int, int]]:
    """(path, line, col) of each output line, failing on a line of the wrong form."""
    out = []
    for text in lines:
        m = LINE.match(text)
        assert m, f"not a problem line: {text!r}"
        out.append((m["path"], int(m["line"]), int(m["col"])))
    return out


def test_valid_trees_pass_silently(run_fastpath: RunFastpath) -> None:
    run = run_fastpath("check", str(VALID), *TODAY)
    assert run.exit_code == 0
    assert run.stdout == ""
    assert run.stderr == "2 file(s), 2 tree(s): 0 error(s), 0 warning(s)\n"


def test_text_lines_are_exact(run_fastpath: RunFastpath) -> None:
    run = run_fastpath(
        "check", str(INVALID / "stale-review.yaml"), str(INVALID / "id-mismatch.yaml"), *TODAY
    )
    assert run.exit_code == 1
    assert run.lines == [ID_MISMATCH_TEXT, STALE_REVIEW_TEXT]
    assert run.stderr == "2 file(s), 2 tree(s): 1 error(s), 1 warning(s)\n"


def test_github_annotations_are_exact(run_fastpath: RunFastpath) -> None:
    run = run_fastpath(
        "check",
        "--format",
        "github",
        str(INVALID / "id-mismatch.yaml"),
        str(INVALID / "stale-review.yaml"),
        *TODAY,
    )
    assert run.exit_code == 1
    assert run.lines == [
        "::error file=tests/data/invalid/id-mismatch.yaml,line=2,col=5,title=id-mismatch::"
        'id "monitor-flicker" does not match the file name "id-mismatch"; '
        "rename the file to monitor-flicker.yaml or set id: id-mismatch [id-mismatch]",
        "::warning file=tests/data/invalid/stale-review.yaml,line=6,col=11,title=stale-review::"
        "last reviewed 2024-06-30, 882 days ago (limit 365); "
        "review the tree and update the date [stale-review]",
    ]


def test_github_format_covers_every_problem(run_fastpath: RunFastpath) -> None:
    text = run_fastpath("check", str(INVALID), *TODAY)
    github = run_fastpath("check", "--format", "github", str(INVALID), *TODAY)
    assert github.exit_code == text.exit_code == 1
    annotation = re.compile(
        r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([a-z0-9-]+)::(.+) \[\5\]$"
    )
    converted = []
    for line in github.lines:
        m = annotation.match(line)
        assert m, line
        level, path, row, col, rule, message = m.groups()
        converted.append(f"{path}:{row}:{col}: {level}: {message} [{rule}]")
    assert converted == text.lines


def test_all_problems_of_all_files_at_once(run_fastpath: RunFastpath) -> None:
    run = run_fastpath("check", str(INVALID), *TODAY)
    assert run.exit_code == 1
    found = [LINE.match(line) for line in run.lines]
    assert all(found), run.lines
    rules = {m["rule"] for m in found if m}
    files = {m["path"] for m in found if m}
    # file-too-large.yaml only breaks its rule under a smaller --max-bytes.
    every_rule = {p.stem if p.is_file() else p.name for p in (REPO / INVALID).iterdir()}
    assert rules == every_rule - {"file-too-large"}
    quiet = {
        "file-too-large.yaml",
        "broken-link/vpn-wont-connect.yaml",
        "duplicate-code/duplicate-code.yaml",  # named in the warning on the second place
        "duplicate-tree-id/a/duplicate-tree-id.yaml",  # the first use of the id is fine
        # Each folder case is a knowledge base of its own, with its own contacts file (never
        # read as a tree); its trees are fine, the problem is in the file or the first tree.
        "broken-link/contacts.yaml",
        "duplicate-code/contacts.yaml",
        "duplicate-phone/display-fails-qa.yaml",
        "missing-contacts/b-no-sound.yaml",
        "unused-contact/viewer-frozen.yaml",
        "system-slug-clash/slug-clash-first.yaml",  # the first spelling of the system is fine
        "unknown-family/families.yaml",  # registries the trees beside them are read with
        "family-undecided/families.yaml",
    }
    on_disk = {
        p.relative_to(REPO / INVALID).as_posix()
        for p in (REPO / INVALID).rglob("*.yaml")
        if p.is_file()
    }
    assert files == {f"{INVALID.as_posix()}/{name}" for name in on_disk - quiet}
    # Every problem test_check_rules.py lists for each case, file-too-large's aside.
    # The outside link is reported, not counted as a file read.
    assert len(run.lines) == 57
    assert run.stderr == "41 file(s), 33 tree(s): 54 error(s), 3 warning(s)\n"


def test_lines_sorted_by_file_then_numeric_line_and_column(run_fastpath: RunFastpath) -> None:
    # Files given in reverse order; wrong-type.yaml has lines 5..23, so string order of
    # line numbers ("12" < "5") would differ from the numeric order required.
    names = ["wrong-type", "unknown-key", "missing-key", "invalid-id", "cycle-no-exit"]
    run = run_fastpath("check", *(str(INVALID / f"{n}.yaml") for n in names), *TODAY)
    found = keys(run.lines)
    assert found == sorted(found)
    assert [path.rsplit("/", 1)[1] for path, _, _ in found] == [
        "cycle-no-exit.yaml",
        *["invalid-id.yaml"] * 4,
        *["missing-key.yaml"] * 2,
        *["unknown-key.yaml"] * 2,
        *["wrong-type.yaml"] * 6,
    ]
    assert [line for path, line, _ in found if path.endswith("wrong-type.yaml")] == [
        5,
        7,
        12,
        18,
        22,
        23,
    ]


def test_summary_goes_to_stderr_only(run_fastpath: RunFastpath) -> None:
    run = run_fastpath("check", str(INVALID / "dead-end.yaml"), *TODAY)
    assert run.exit_code == 1
    assert len(run.lines) == 1
    assert LINE.match(run.lines[0])
    assert [line for line in run.stderr.splitlines() if line] == [
        "1 file(s), 1 tree(s): 1 error(s), 0 warning(s)"
    ]
    assert SUMMARY.match(run.stderr.strip())


def test_warning_alone_exits_0(run_fastpath: RunFastpath) -> None:
    run = run_fastpath("check", str(INVALID / "stale-review.yaml"), *TODAY)
    assert run.exit_code == 0
    assert run.lines == [STALE_REVIEW_TEXT]


def test_strict_turns_a_warning_into_failure(run_fastpath: RunFastpath) -> None:
    run = run_fastpath("check", "--strict", str(INVALID / "stale-review.yaml"), *TODAY)
    assert run.exit_code == 1
    assert run.lines == [STALE_REVIEW_TEXT]
    assert run.stderr == "1 file(s), 1 tree(s): 0 error(s), 1 warning(s)\n"


def test_strict_on_clean_trees_exits_0(run_fastpath: RunFastpath) -> None:
    assert run_fastpath("check", "--strict", str(VALID), *TODAY).exit_code == 0


def test_max_review_age(run_fastpath: RunFastpath) -> None:
    path = str(INVALID / "stale-review.yaml")
    assert run_fastpath("check", "--strict", "--max-review-age", "1000", path, *TODAY).lines == []
    run = run_fastpath("check", "--max-review-age", "30", str(VALID / "expert-basic.yaml"), *TODAY)
    assert run.lines == [
        "tests/data/valid/expert-basic.yaml:6:11: warning: last reviewed 2026-10-15, 45 days ago "
        "(limit 30); review the tree and update the date [stale-review]"
    ]


def test_max_bytes(run_fastpath: RunFastpath) -> None:
    path = INVALID / "file-too-large.yaml"
    size = (REPO / path).stat().st_size
    run = run_fastpath("check", "--max-bytes", "64", str(path), *TODAY)
    assert run.exit_code == 1
    assert run.lines == [
        f"{path.as_posix()}:1:1: error: file is {size:,} bytes, over the 64-byte limit "
        "for a tree [file-too-large]"
    ]
    assert run_fastpath("check", "--max-bytes", str(size), str(path), *TODAY).exit_code == 0


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["check", "tests/data/no-such-folder"], "does not exist"),
        (["check", "--format", "xml", str(VALID)], "'xml' is not one of"),
        (["check", "--frobnicate", str(VALID)], "No such option '--frobnicate'"),
        (["check", "--today", "29/11/2026", str(VALID)], "use a date like 2026-11-01"),
        (["check", "--max-bytes", "0", str(VALID)], "--max-bytes"),
        (["check", "--max-review-age", "many", str(VALID)], "--max-review-age"),
    ],
)
def test_usage_errors_exit_2(run_fastpath: RunFastpath, args: list[str], complaint: str) -> None:
    run = run_fastpath(*args)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert complaint in run.stderr
    assert "Traceback" not in run.stderr


def test_no_path_and_no_trees_folder_is_a_usage_error(
    run_fastpath: RunFastpath, tmp_path: Path
) -> None:
    run = run_fastpath("check", cwd=tmp_path)
    assert run.exit_code == 2
    assert "no paths given and no decision_trees/ folder here" in run.stderr


def test_default_path_is_decision_trees(run_fastpath: RunFastpath, tmp_path: Path) -> None:
    trees = tmp_path / "decision_trees" / "dictation"
    trees.mkdir(parents=True)
    for tree in (REPO / VALID).glob("*.yaml"):
        shutil.copy(tree, trees)
    team = '  {0}:\n    name: {0}\n    phone: "ext. {1}"\n    hours: "24/7"\n'
    contacts = trees.parent / "contacts.yaml"
    contacts.write_text(
        "teams:\n" + team.format("dictation-oncall", 1) + team.format("service-desk", 2)
    )
    run = run_fastpath("check", *TODAY, cwd=tmp_path)
    assert run.exit_code == 0
    assert run.stderr == "2 file(s), 2 tree(s): 0 error(s), 0 warning(s)\n"

    shutil.copy(REPO / INVALID / "dead-end.yaml", trees)
    with contacts.open("a") as more:
        more.write(team.format("pacs-oncall", 3))
    run = run_fastpath("check", *TODAY, cwd=tmp_path)
    assert run.exit_code == 1
    assert keys(run.lines) == [("decision_trees/dictation/dead-end.yaml", 16, 3)]


def test_bundled_trees_pass(run_fastpath: RunFastpath) -> None:
    # Checked as CI checks it, on the real date: review dates of bundled trees move forward
    # with every review, so a pinned date would call the newest ones "in the future".
    run = run_fastpath("check", "decision_trees")
    assert run.stdout == ""
    assert run.exit_code == 0
