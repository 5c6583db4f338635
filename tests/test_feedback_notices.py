"""The notices file: read, checked with exact positions, checked by `fastpath check`."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from tests_paths import DATA, SITE_TREES

from builder.check import check_paths, find_tree_files
from builder.notices import load_notices, notices_js


def every_tree() -> list:  # type: ignore[type-arg]
    return check_paths([SITE_TREES]).trees


def test_every_problem_at_its_place() -> None:
    notices, problems = load_notices(DATA / "every-problem.yaml", "n.yaml", every_tree())
    found = [(p.pos.line, p.pos.col, p.level.value, p.rule) for p in problems]
    assert found == [
        (3, 31, "error", "unknown-system"),
        (4, 30, "error", "unknown-tree"),
        (5, 23, "warning", "unclaimed-code"),
        (9, 5, "error", "unknown-key"),
        (11, 12, "error", "until-before-from"),
        (13, 11, "error", "bad-date"),
        (14, 12, "error", "bad-date"),
        (15, 14, "error", "wrong-type"),
        (18, 12, "error", "wrong-type"),
        (19, 5, "error", "wrong-type"),
    ]
    messages = {p.rule: p.message for p in problems}
    assert (
        (messages["unknown-system"])
        == 'no system "Fixture viewr" in the knowledge base (did you mean "Fixture viewer"?)'
    )
    assert '(did you mean "fx-images-blank"?)' in messages["unknown-tree"]
    assert messages["unknown-key"] == 'unknown key "mesage" in notice 2 (did you mean "message"?)'
    dates = [p.message for p in problems if p.rule == "bad-date"]
    assert (
        '"from" must be a date and time like 2026-12-03T14:00+01:00, not "tomorrow morning"'
        in dates
    )
    assert [n.reference for n in notices] == ["INC0012345"]
    assert problems[0].format_text().startswith("n.yaml:3:31: error: ")


def test_valid_notices_are_read_in_utc() -> None:
    notices, problems = load_notices(DATA / "valid.yaml", "n.yaml", every_tree())
    assert problems == []
    first = notices[0]
    assert first.starts == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert first.until == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    assert first.current(datetime(2026, 12, 3, 12, 59, tzinfo=UTC))
    assert not first.current(datetime(2026, 12, 3, 13, 0, tzinfo=UTC))
    assert first.to_json()["code_keys"] == ["B702"]
    assert notices[1].starts.tzinfo is UTC  # no offset: the server's time, stored in UTC


def test_static_copy_keeps_what_has_not_expired() -> None:
    notices, _ = load_notices(DATA / "valid.yaml", "n.yaml")
    text = notices_js(notices, datetime(2026, 12, 3, 16, 0, tzinfo=UTC))
    assert text.startswith("window.fastpathNotices = [")
    assert "Network maintenance" in text and "Viewer down" not in text


def test_fastpath_check_reports_the_notices_file(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(SITE_TREES, kb)
    shutil.copy(DATA / "every-problem.yaml", kb / "notices.yaml")
    assert kb / "notices.yaml" not in find_tree_files([kb])  # not read as a tree
    result = check_paths([kb])
    notice_problems = [p for p in result.problems if p.pos.path.endswith("notices.yaml")]
    assert len(notice_problems) == 10
    assert len([p for p in notice_problems if p.level.value == "error"]) == 9


def test_the_bundled_notices_file_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent / "decision_trees"
    result = check_paths([root])
    assert [p for p in result.problems if p.pos.path.endswith("notices.yaml")] == []
    notices, problems = load_notices(root / "notices.yaml", "notices.yaml", result.trees)
    assert problems == [] and notices, "the bundled file shows the format with an example"
