"""A small HTTP load generator: N keep-alive clients, bounded in requests and in time.

    python -m bench.http_load --port 8000 --clients 32 --requests 20000 --seconds 15 Q.json

Each client is a thread with its own `http.client` connection, sending GET
/api/search?q=... for the queries in the file (a JSON list of strings) one after another.
It stops at the request count or the time limit, whichever comes first, and prints one JSON
object: requests, errors (non-200 answers and failed connections), seconds, requests/s,
p50 and p99 latency in milliseconds. Run it in its own process, so that it does not share an
interpreter (and a GIL) with the server.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import threading
import time
from pathlib import Path
from urllib.parse import quote

from bench.measure import percentile


class _Budget:
    """Hands out request slots until the count or the deadline runs out."""

    def __init__(self, requests: int, seconds: float) -> None:
        self._left = requests
        self._deadline = time.perf_counter() + seconds
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0 or time.perf_counter() >= self._deadline:
                return False
            self._left -= 1
            return True


def _client(
    host: str,
    port: int,
    paths: list[str],
    offset: int,
    budget: _Budget,
    latencies: list[float],
    errors: list[int],
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    for path in itertools.islice(itertools.cycle(paths), offset, None):
        if not budget.take():
            break
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
        except (OSError, http.client.HTTPException):
            errors.append(0)
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        latencies.append(time.perf_counter() - started)
    conn.close()


def run_load(
    host: str, port: int, queries: list[str], clients: int, requests: int, seconds: float
) -> dict[str, float]:
    """Run the clients to the end of the budget; the numbers the module docstring lists."""
    paths = [f"/api/search?q={quote(q, safe='')}" for q in queries]
    budget = _Budget(requests, seconds)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[int] = []
    threads = [
        threading.Thread(
            target=_client,
            args=(host, port, paths, i * len(paths) // clients, budget, latencies[i], errors),
            daemon=True,
        )
        for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = [t for per_client in latencies for t in per_client]
    return {
        "clients": clients,
        "requests": len(merged),
        "errors": len(errors),
        "seconds": elapsed,
        "rps": len(merged) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(merged, 50) * 1000,
        "p99_ms": percentile(merged, 99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", type=Path, help="JSON list of query strings")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    queries = json.loads(args.queries.read_text(encoding="utf-8"))
    result = run_load(args.host, args.port, queries, args.clients, args.requests, args.seconds)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
