"""Feedback work measured in a child process: `python -m bench.feedback_tasks TASK ARGS...`.

    fill DB TREES_DIR COUNT   write COUNT synthetic events (spread over 90 days) into DB
    report DB TREES_DIR       build the report: the catalog of the trees, then the queries

Prints one JSON object (see bench.tasks for the convention).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

CHUNK = 20_000
SPREAD_S = 90 * 86400


def fill(db: str, trees_dir: str, count: str) -> dict[str, Any]:
    """Bulk-write synthetic events, one transaction per chunk (as the server's writer does)."""
    from bench.feedback_events import synthetic_events
    from builder.check import check_paths
    from search.feedback.events import parse_event
    from search.feedback.store import connect, insert_events

    trees = check_paths([Path(trees_dir)]).trees
    conn = connect(Path(db))
    events = synthetic_events(trees, int(count))
    now = int(time.time())
    started = time.perf_counter()
    written = 0
    while written < int(count):
        chunk = list(itertools.islice(events, min(CHUNK, int(count) - written)))
        received = now - SPREAD_S + SPREAD_S * written // int(count)
        written += insert_events(conn, [(received, parse_event(e)) for e in chunk])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"work_s": time.perf_counter() - started, "events": written}


def report(db: str, trees_dir: str) -> dict[str, Any]:
    """The report over every event: the trees' catalog, then the database queries."""
    from search.feedback.report import build_report, load_catalog

    started = time.perf_counter()
    catalog = load_catalog(Path(trees_dir))
    loaded = time.perf_counter()
    result = build_report(Path(db), catalog)
    done = time.perf_counter()
    return {
        "work_s": done - started,
        "catalog_s": loaded - started,
        "queries_s": done - loaded,
        "trees": len(result.trees),
    }


TASKS: dict[str, Callable[..., dict[str, Any]]] = {"fill": fill, "report": report}


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in TASKS:
        raise SystemExit(f"usage: python -m bench.feedback_tasks {{{','.join(TASKS)}}} ARGS...")
    sys.stdout.write(json.dumps(TASKS[argv[0]](*argv[1:])) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
