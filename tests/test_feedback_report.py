"""The report over a known set of events: rates per tree and version, drop-offs, flags,
searches; and `fastpath report` printing it."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests_paths import SITE_TREES

from fastpath.cli import main
from search.feedback.events import parse_event
from search.feedback.report import Catalog, TreeInfo, build_report, parse_since
from search.feedback.store import connect, insert_events

V1, V2 = "1111aaaa", "2222bbbb"
NOW = int(time.time())
LONG_AGO = NOW - 40 * 86400


def visit(letter: str) -> str:
    return letter * 16


def tree_events(letter: str, version: str, *steps: str, **extra: Any) -> list[dict[str, Any]]:
    """`step:x`, `resolved:x`, `flag:x:comment`... as events of one visit of tree t1."""
    events = []
    for item in steps:
        kind, node, *rest = item.split(":")
        event = {
            "kind": kind,
            "visit": visit(letter),
            "tree": "t1",
            "version": version,
            "node": node,
        }
        if kind == "fixed_it":
            event["fixed"] = rest[0] == "yes"
        if kind == "flag" and rest:
            event["comment"] = rest[0]
        event.update(extra.get(kind, {}))
        events.append(event)
    return events


def search(query: str, results: int, opened: bool = False) -> dict[str, Any]:
    return {
        "kind": "search",
        "visit": visit("5"),
        "query": query,
        "results": results,
        "opened": opened,
    }


EVENTS = [
    *tree_events(
        "a",
        V1,
        "tree_started:start",
        "step:start",
        "step:q2",
        "step:fix",
        "resolved:fix",
        "fixed_it:fix:yes",
        "flag:q2:the menu moved",
        tree_started={"how": "code", "code": "0xB702"},
    ),
    *tree_events(
        "b",
        V1,
        "tree_started:start",
        "step:start",
        "step:q2",
        "step:branch-b",
        "left:branch-b",
        "flag:q2",
        tree_started={"how": "search"},
    ),
    *tree_events(
        "c",
        V1,
        "tree_started:start",
        "step:start",
        "skip_ahead:call",
        "step:call",
        "escalated:call",
        tree_started={"how": "navigation"},
    ),
    *tree_events(
        "d", V1, "tree_started:start", "step:start", "left:start", tree_started={"how": "link"}
    ),
    *tree_events(
        "f", V1, "tree_started:start", "step:start", "step:q2", tree_started={"how": "navigation"}
    ),
    *tree_events(
        "e",
        V2,
        "tree_started:start",
        "step:start",
        "step:fix",
        "resolved:fix",
        "fixed_it:fix:no",
        tree_started={"how": "navigation"},
    ),
    search("0xBEEF", 0),
    search("0XBEEF", 0),
    search("images black", 0),
    search("0xB702", 1, opened=True),
    search("B7FF", 0),
]

CATALOG = Catalog(
    {"t1": TreeInfo("Tree one", "Team T", {"q2": "Second question", "start": "First"})},
    frozenset({"B702", "B7XX"}),
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.sqlite3"
    conn = connect(path)
    insert_events(conn, [(NOW, parse_event(e)) for e in EVENTS])
    old = {"kind": "resolved", "visit": visit("0"), "tree": "t1", "version": V1, "node": "fix"}
    insert_events(conn, [(LONG_AGO, parse_event(old))])
    conn.close()
    return path


def test_rates_per_tree_and_version(db: Path) -> None:
    report = build_report(db, CATALOG, since=parse_since("7d"))
    (v1, v2) = report.trees
    assert (v1.tree, v1.title, v1.owner, v1.version) == ("t1", "Tree one", "Team T", V1)
    assert (v1.visits, v1.resolved, v1.escalated, v1.left) == (5, 1, 1, 3)
    assert (v1.resolved_pct, v1.escalated_pct, v1.left_pct) == (20.0, 20.0, 60.0)
    assert (v1.fixed_yes, v1.fixed_no, v1.skipped_ahead) == (1, 0, 1)
    assert (v2.version, v2.visits, v2.resolved_pct, v2.fixed_no) == (V2, 1, 100.0, 1)


def test_drop_offs_count_against_the_visits_that_reached_the_step(db: Path) -> None:
    report = build_report(db, CATALOG, since=parse_since("7d"))
    drops = [(d.node, d.step, d.reached, d.ended, d.ended_pct) for d in report.drop_offs]
    assert drops == [
        ("branch-b", "branch-b", 1, 1, 100.0),
        ("q2", "Second question", 3, 1, 33.3),
        ("start", "First", 5, 1, 20.0),
    ]


def test_flags_with_comments_and_owner(db: Path) -> None:
    (flag,) = build_report(db, CATALOG).flags
    assert (flag.tree, flag.node, flag.step, flag.owner, flag.count) == (
        "t1",
        "q2",
        "Second question",
        "Team T",
        2,
    )
    assert flag.comments == ["the menu moved"]


def test_searches(db: Path) -> None:
    report = build_report(db, CATALOG)
    assert (report.searches, report.searches_opened) == (5, 1)
    assert [(s.query, s.count) for s in report.no_result_searches] == [
        ("0xbeef", 2),
        ("b7ff", 1),
        ("images black", 1),
    ]
    # B7FF is covered by a tree claiming B7xx; words are not codes.
    assert [(s.query, s.count) for s in report.unclaimed_codes] == [("0XBEEF", 2)]


def test_filters(db: Path) -> None:
    everything = build_report(db, CATALOG)
    assert everything.trees[0].visits == 6  # the visit of 40 days ago counts too
    assert build_report(db, CATALOG, tree="t2").trees == []
    assert build_report(db, CATALOG, since=parse_since("7d")).trees[0].visits == 5


def test_parse_since() -> None:
    assert parse_since("2026-11-01").isoformat().startswith("2026-11-01")
    for bad in ("last week", "99999999999d", "0001-01-01", "7w"):
        with pytest.raises(ValueError):
            parse_since(bad)


def test_fastpath_report_json_and_table(db: Path) -> None:
    runner = CliRunner()
    args = ["report", "--events-db", str(db), "--trees", str(SITE_TREES), "--since", "7d"]
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["trees"][0]["left_pct"] == 60.0
    # The fixture trees claim 0xB702 but no B7xx family: B7FF is a gap there.
    assert data["unclaimed_codes"] == [
        {"query": "0XBEEF", "count": 2},
        {"query": "B7FF", "count": 1},
    ]
    table = runner.invoke(main, args)
    assert table.exit_code == 0
    assert re.match(r"Fastpath report since \d{4}-\d\d-\d\d \d\d:\d\d UTC\n", table.output)
    assert "RESOLVED%" in table.output and "the menu moved" in table.output
    assert "0XBEEF" in table.output


def test_fastpath_report_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["report", "--events-db", str(tmp_path / "none.sqlite3")])
    assert missing.exit_code == 1 and "no events database" in missing.output
    bad = runner.invoke(main, ["report", "--events-db", str(tmp_path / "x"), "--since", "soon"])
    assert bad.exit_code == 2 and "--since" in bad.output
