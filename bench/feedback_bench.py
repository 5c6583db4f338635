"""Feedback under load: events accepted while others search, the database's size, the report.

    .venv/bin/python bench/feedback_bench.py --quick      # on its own: 200 trees, 100,000 events
    .venv/bin/python bench/feedback_bench.py              # 2,000 trees, 1,000,000 events

`bench/run.py` runs it too, after the API rows. Prints a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_bench import fastpath_server
from bench.measure import VENV_BIN, Measured, run_measured
from bench.report import table

POSTERS = 32
SEARCHERS = 8
SIZE_SAMPLE = 100_000


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    baseline: dict[str, Any]  # searchers only
    load: dict[str, Any]  # posters and searchers at once
    stored: int  # events in the database after the server stopped
    mb_per_100k: float
    report_events: int
    report_cli: Measured  # `fastpath report` as a user runs it
    report_task: Measured  # the same work timed inside the process


def _event_load(
    port: int, trees_dir: Path, queries: Path, posters: int, seconds: float
) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.event_load", str(queries), "--port", str(port)]
    argv += ["--trees", str(trees_dir), "--posters", str(posters)]
    argv += ["--searchers", str(SEARCHERS), "--seconds", str(seconds)]
    return run_measured(argv).data


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        count: int = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        return count


def _size_mb(db: Path) -> float:
    files = [db, db.with_name(db.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def _task(*args: str | Path | int) -> Measured:
    return run_measured([sys.executable, "-m", "bench.feedback_tasks", *map(str, args)])


def run_feedback_benchmark(
    site_dir: Path,
    index_dir: Path,
    trees_dir: Path,
    queries: Path,
    work: Path,
    seconds: float,
    report_events: int,
    progress: Any = print,
) -> FeedbackResult:
    """Serve with recording on; search alone, then search while 32 clients post events."""
    db = work / "served-events.sqlite3"
    extra = ("--events-db", str(db), "--events-rate", "0", "--trees", str(trees_dir))
    with fastpath_server(site_dir, index_dir, work / "serve-feedback.log", extra=extra) as (
        port,
        _,
    ):
        progress(f"feedback: searching alone, then with {POSTERS} clients posting events")
        _event_load(port, trees_dir, queries, 4, 2)  # warm-up
        baseline = _event_load(port, trees_dir, queries, 0, seconds)
        before = _count(db)
        load = _event_load(port, trees_dir, queries, POSTERS, seconds)
    stored = _count(db) - before  # the server stored what it had queued when it stopped

    progress(f"feedback: database size per {SIZE_SAMPLE:,} events")
    sized = work / "size-events.sqlite3"
    _task("fill", sized, trees_dir, SIZE_SAMPLE)
    mb = _size_mb(sized) * 100_000 / _count(sized)

    progress(f"feedback: `fastpath report` over {report_events:,} events")
    big = work / "report-events.sqlite3"
    _task("fill", big, trees_dir, report_events)
    cli = run_measured(
        [str(VENV_BIN / "fastpath"), "report", "--events-db", str(big), "--trees", str(trees_dir)]
    )
    task = _task("report", big, trees_dir)
    return FeedbackResult(baseline, load, stored, mb, _count(big), cli, task)


def feedback_table(result: FeedbackResult) -> str:
    """The benchmark rows, as Markdown."""
    load, base = result.load, result.baseline
    refused = {k: v for k, v in load["statuses"].items() if k != "202"}
    lost = load["events_accepted"] - result.stored
    t = result.report_task.data
    rows = [
        [
            f"events accepted/s, {POSTERS} clients posting while {SEARCHERS} search",
            f"{load['events_per_s']:,.0f}/s ({load['batches']:,} requests, p99 "
            f"{load['post_p99_ms']:.0f} ms; refused: {refused or 'none'})",
        ],
        [
            "events accepted = events stored",
            f"{load['events_accepted']:,} accepted, {result.stored:,} stored: "
            + ("0 lost" if lost == 0 else f"**{lost:,} lost**"),
        ],
        [
            f"search p99, {SEARCHERS} clients, while events are written",
            f"{load['search_p99_ms']:.0f} ms ({load['search_rps']:.0f} requests/s; "
            f"alone: p99 {base['search_p99_ms']:.0f} ms, {base['search_rps']:.0f}/s; "
            f"errors {load['search_errors']})",
        ],
        ["database size per 100,000 events", f"{result.mb_per_100k:.1f} MB"],
        [
            f"`fastpath report` over {result.report_events:,} events",
            f"{result.report_cli.wall_s:.1f} s in all (queries {t['queries_s']:.1f} s, "
            f"reading the trees {t['catalog_s']:.1f} s; peak RSS "
            f"{result.report_cli.peak_mb:.0f} MB)",
        ],
    ]
    return table(["feedback", "measured"], rows)


def main(argv: list[str] | None = None) -> None:
    from bench.api_bench import query_files
    from bench.generate import generate_kb
    from bench.measure import run_task
    from bench.queries import make_queries
    from bench.sites import fastpath_project

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 trees, 100,000 events, 5 s")
    parser.add_argument("--trees", type=int)
    parser.add_argument("--events", type=int, help="events for the report timing")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args(argv)
    size = args.trees or (200 if args.quick else 2000)
    events = args.events or (100_000 if args.quick else 1_000_000)
    seconds = args.seconds or (5.0 if args.quick else 15.0)
    with tempfile.TemporaryDirectory(prefix="fastpath-feedback-") as tmp:
        work = args.keep or Path(tmp)
        project = work / f"kb-{size}"
        print(f"generating and building {size} trees", file=sys.stderr)
        kb = generate_kb(project / "decision_trees", size, 2026)
        config = fastpath_project(project)
        run_task("fastpath-build", config, project / "site", project / "index", cwd=project)
        queries = query_files(make_queries(kb, 2000, 200), work)["mixed"]
        result = run_feedback_benchmark(
            project / "site",
            project / "index",
            kb.trees_dir,
            queries,
            work,
            seconds,
            events,
            lambda m: print(m, file=sys.stderr),
        )
        print(feedback_table(result))
        if args.keep:
            (work / "feedback.json").write_text(json.dumps(result.load, indent=2))


if __name__ == "__main__":
    main()
