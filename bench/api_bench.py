"""The JSON API over HTTP: `fastpath serve` on loopback under 1, 8 and 32 clients."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import (
    VENV_BIN,
    child_env,
    cpu_seconds,
    interrupt,
    process_tree,
    pss_mb,
    run_measured,
    vm_hwm_mb,
)

CODE_SHARE = 0.8  # the mixed workload: most people type the code on their screen
_SERVING = re.compile(r"on http://127\.0\.0\.1:(\d+)/")


@dataclass(frozen=True, slots=True)
class LoadLevel:
    label: str
    clients: int
    queries: str  # "mixed", "codes" or "words"
    cache: bool = True  # the server's answer cache (`fastpath serve --cache-size`)


LEVELS = (
    LoadLevel("mixed", 1, "mixed"),
    LoadLevel("mixed", 8, "mixed"),
    LoadLevel("mixed", 32, "mixed"),
    LoadLevel("codes only", 32, "codes"),
    LoadLevel("words only", 32, "words"),
    # Every answer computed afresh: what a stream of never-seen queries costs.
    LoadLevel("mixed, no answer cache", 32, "mixed", cache=False),
)


# `fastpath serve --workers N`, every answer computed (no answer cache), 32 clients.
WORKER_COUNTS = (1, 2)
WORKERS_LEVEL = LoadLevel("mixed, no answer cache", 32, "mixed", cache=False)


@dataclass(frozen=True, slots=True)
class WorkersRun:
    """One load run against `fastpath serve --workers N`, with the memory of all processes."""

    workers: int
    result: dict[str, Any]
    processes: int
    peak_mb: float  # sum of every process's VmHWM (counts pages shared after fork twice)
    pss_mb: float  # sum of every process's PSS at the end (shared pages split, not doubled)


@dataclass(frozen=True, slots=True)
class ApiResult:
    loads: list[tuple[LoadLevel, dict[str, Any]]]
    server_peak_mb: float
    server_threads: int
    workers: list[WorkersRun]


@contextmanager
def fastpath_server(
    site_dir: Path,
    index_dir: Path,
    log: Path,
    cache: bool = True,
    workers: int = 1,
    extra: tuple[str, ...] = (),
) -> Iterator[tuple[int, int]]:
    """`fastpath serve` on a free loopback port; yields (port, pid), stops it with Ctrl+C."""
    argv = [
        str(VENV_BIN / "fastpath"),
        "serve",
        "--port",
        "0",
        "--site",
        str(site_dir),
        "--index",
        str(index_dir),
        *([] if cache else ["--cache-size", "0"]),
        "--workers",
        str(workers),
        *extra,
    ]
    with log.open("w") as err:
        proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=err, env=child_env(), cwd=site_dir.parent
        )
    try:
        deadline = time.monotonic() + 60
        port = None
        while port is None:
            found = _SERVING.search(log.read_text())
            if found:
                port = int(found.group(1))
            elif proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"fastpath serve did not start:\n{log.read_text()[-2000:]}")
            else:
                time.sleep(0.05)
        yield port, proc.pid
    finally:
        interrupt(proc, 10)


def query_files(queries: dict[str, list[list[Any]]], folder: Path) -> dict[str, Path]:
    """The three workloads as JSON lists of query strings."""
    codes = [q for q, _ in queries["codes"]]
    words = [q for q, _ in queries["words"]]
    rng = random.Random(11)
    mixed = [rng.choice(codes) if rng.random() < CODE_SHARE else rng.choice(words) for _ in codes]
    files = {}
    for name, items in (("mixed", mixed), ("codes", codes), ("words", words)):
        files[name] = folder / f"http-{name}.json"
        files[name].write_text(json.dumps(items), encoding="utf-8")
    return files


def _load(
    port: int, pid: int, file: Path, clients: int, requests: int, seconds: float
) -> dict[str, Any]:
    """One load run; adds the CPU the server (all its processes) and the generator used, in
    % of one core."""
    argv = [sys.executable, "-m", "bench.http_load", str(file), "--port", str(port)]
    argv += ["--clients", str(clients), "--requests", str(requests), "--seconds", str(seconds)]
    processes = process_tree(pid)
    server_before = sum(cpu_seconds(p) for p in processes)
    generator = run_measured(argv)
    result = dict(generator.data)
    server_cpu = sum(cpu_seconds(p) for p in processes) - server_before
    result["server_cpu_pct"] = 100 * server_cpu / generator.wall_s
    result["client_cpu_pct"] = 100 * generator.cpu_s / generator.wall_s
    return result


def run_api_benchmark(
    site_dir: Path,
    index_dir: Path,
    queries: dict[str, list[list[Any]]],
    work: Path,
    requests: int,
    seconds: float,
) -> ApiResult:
    """Warm the server up, then run each load level in a separate generator process.

    The load levels run against one process (`--workers 1`), as `fastpath serve` ran before
    it had workers; then the uncached mixed load against 1 and 2 worker processes.
    """
    files = query_files(queries, work)
    loads: list[tuple[LoadLevel, dict[str, Any]]] = []
    peak = 0.0
    for cache in (True, False):
        log = work / f"serve-cache-{cache}.log"
        with fastpath_server(site_dir, index_dir, log, cache) as (port, pid):
            _load(port, pid, files["mixed"], 8, 500, 30)  # warm-up
            for level in (lv for lv in LEVELS if lv.cache is cache):
                result = _load(port, pid, files[level.queries], level.clients, requests, seconds)
                loads.append((level, result))
            peak = max(peak, vm_hwm_mb(pid))
    runs = [
        _workers_run(site_dir, index_dir, files, work, n, requests, seconds) for n in WORKER_COUNTS
    ]
    return ApiResult(loads, peak, server_threads=4, workers=runs)


def _workers_run(
    site_dir: Path,
    index_dir: Path,
    files: dict[str, Path],
    work: Path,
    workers: int,
    requests: int,
    seconds: float,
) -> WorkersRun:
    log = work / f"serve-workers-{workers}.log"
    level = WORKERS_LEVEL
    with fastpath_server(site_dir, index_dir, log, level.cache, workers) as (port, pid):
        _load(port, pid, files["mixed"], 8, 500, 30)  # warm-up
        result = _load(port, pid, files[level.queries], level.clients, requests, seconds)
        processes = process_tree(pid)
        return WorkersRun(
            workers,
            result,
            len(processes),
            sum(vm_hwm_mb(p) for p in processes),
            sum(pss_mb(p) for p in processes),
        )
