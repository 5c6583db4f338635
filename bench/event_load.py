"""Event posting under load: N clients post event batches while M clients search.

    python -m bench.event_load --port 8000 --trees DIR --posters 32 --searchers 8 Q.json

Posting clients send what pages send (`{"events": [...]}` with the events of one visit, about
ten); searching clients send GET /api/search?q=... for the queries in the file. Prints one JSON
object: events and batches accepted (202), other answers by status, post and search latency
percentiles, search requests and errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.feedback_events import visit_events
from bench.measure import percentile


def _poster(
    port: int, body_maker: Any, deadline: float, out: dict[str, Any], lock: threading.Lock
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, statuses, events = [], Counter[int](), 0
    while time.perf_counter() < deadline:
        batch = body_maker()
        body = json.dumps({"events": batch}).encode()
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/events", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
            if response.status == 202:
                events += len(batch)
        except (OSError, http.client.HTTPException):
            statuses[0] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append(time.perf_counter() - started)
    conn.close()
    with lock:
        out["post_latencies"].extend(latencies)
        out["statuses"].update(statuses)
        out["events"] += events


def _searcher(
    port: int, paths: list[str], deadline: float, out: dict[str, Any], lock: threading.Lock
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors, i = [], 0, random.randrange(len(paths))
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            conn.request("GET", paths[i % len(paths)])
            response = conn.getresponse()
            response.read()
            errors += response.status != 200
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append(time.perf_counter() - started)
        i += 1
    conn.close()
    with lock:
        out["search_latencies"].extend(latencies)
        out["search_errors"] += errors


def run_event_load(
    port: int, trees_dir: Path, queries: list[str], posters: int, searchers: int, seconds: float
) -> dict[str, Any]:
    """Run both kinds of client for `seconds`; the numbers the module docstring lists."""
    from builder.check import check_paths
    from builder.tree_version import tree_version

    trees = check_paths([trees_dir]).trees
    versions = {t.id: tree_version(t) for t in trees}
    rng = random.Random(5)
    rng_lock = threading.Lock()

    def body_maker() -> list[dict[str, Any]]:
        with rng_lock:
            return visit_events(trees, rng, versions)[:50]

    paths = [f"/api/search?q={quote(q, safe='')}" for q in queries]
    out: dict[str, Any] = {
        "post_latencies": [],
        "statuses": Counter(),
        "events": 0,
        "search_latencies": [],
        "search_errors": 0,
    }
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_poster, args=(port, body_maker, deadline, out, lock))
        for _ in range(posters)
    ] + [
        threading.Thread(target=_searcher, args=(port, paths, deadline, out, lock))
        for _ in range(searchers)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    posts, searches = out["post_latencies"], out["search_latencies"]
    return {
        "seconds": elapsed,
        "events_accepted": out["events"],
        "events_per_s": out["events"] / elapsed,
        "batches": len(posts),
        "statuses": {str(k): v for k, v in sorted(out["statuses"].items())},
        "post_p50_ms": percentile(posts, 50) * 1000,
        "post_p99_ms": percentile(posts, 99) * 1000,
        "searches": len(searches),
        "search_errors": out["search_errors"],
        "search_rps": len(searches) / elapsed,
        "search_p50_ms": percentile(searches, 50) * 1000,
        "search_p99_ms": percentile(searches, 99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", type=Path, help="JSON list of query strings")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--trees", type=Path, required=True)
    parser.add_argument("--posters", type=int, default=32)
    parser.add_argument("--searchers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    result = run_event_load(
        args.port, args.trees, queries, args.posters, args.searchers, args.seconds
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
