"""`fastpath serve --workers N`: processes sharing one port, following index switches together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from served import FASTPATH, ServeProcess, serve_process

from builder.check import check_paths
from builder.model import Tree
from search.store.builds import current_name
from search.store.publish import build_index
from search.web import workers

DATA = Path(__file__).parent / "data" / "search"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork (POSIX)")


@pytest.fixture(scope="module")
def trees() -> list[Tree]:
    return check_paths([DATA / "trees"]).trees


def _workers_seen(url: str, attempts: int = 200) -> set[int]:
    """Worker ids answering /api/health on fresh connections, until two are seen."""
    seen: set[int] = set()
    for _ in range(attempts):
        seen.add(requests.get(f"{url}/api/health", timeout=5).json()["worker"])
        if len(seen) >= 2:
            break
    return seen


@contextmanager
def _two_workers(
    trees: list[Tree], tmp_path: Path
) -> Iterator[tuple[ServeProcess, Path, set[int]]]:
    """`fastpath serve --workers 2` on an index of the test trees; its two workers' ids."""
    index_dir = tmp_path / "index"
    build_index(trees, index_dir)
    with serve_process(DATA / "site", index_dir, "--workers", "2") as server:
        seen = _workers_seen(server.url)
        assert len(seen) == 2 and server.process.pid not in seen
        yield server, index_dir, seen


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_two_workers_answer_and_a_rebuild_under_load_fails_no_request(
    trees: list[Tree], tmp_path: Path
) -> None:
    with _two_workers(trees, tmp_path) as (server, index_dir, workers):
        errors, answered = _load_during_rebuilds(server, trees, index_dir)
        final = current_name(index_dir)
        # Every worker has followed the pointer to the last build.
        followed = {
            requests.get(f"{server.url}/api/health", timeout=5).json()["index"] for _ in range(20)
        }
        pids = list(workers)
        code = server.stop(signal.SIGINT, group=True)  # Ctrl+C in a terminal
    assert errors == []
    assert answered > 30
    assert followed == {final}
    assert code == 0
    assert not any(_alive(pid) for pid in pids)


def _load_during_rebuilds(
    server: ServeProcess, trees: list[Tree], index_dir: Path
) -> tuple[list[str], int]:
    stop = threading.Event()
    errors: list[str] = []
    answered = [0]

    def client() -> None:
        while not stop.is_set():
            try:  # a fresh connection each time, so both workers get requests
                code = requests.get(f"{server.url}/api/search", params={"q": "0xA801"}, timeout=10)
                words = requests.get(
                    f"{server.url}/api/search", params={"q": "images black"}, timeout=10
                )
                if code.status_code != 200 or code.json()["results"][0]["step"] != "single-study":
                    errors.append(f"code search: {code.status_code} {code.text[:200]}")
                if words.status_code != 200 or not words.json()["results"]:
                    errors.append(f"word search: {words.status_code} {words.text[:200]}")
                answered[0] += 2
            except Exception as e:  # a dropped connection is a failed request too
                errors.append(f"{type(e).__name__}: {e}")

    clients = [threading.Thread(target=client) for _ in range(3)]
    for thread in clients:
        thread.start()
    try:
        for _ in range(6):
            build_index(trees, index_dir)
            time.sleep(0.4)
        time.sleep(1.5)  # longer than a worker's check interval: all have switched
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
    return errors, answered[0]


def test_a_worker_that_dies_is_replaced(trees: list[Tree], tmp_path: Path) -> None:
    with _two_workers(trees, tmp_path) as (server, _, first):
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        replaced: set[int] = set()
        for _ in range(100):  # bounded: the parent looks every 0.2 s
            replaced = _workers_seen(server.url) - first
            if replaced:
                break
            time.sleep(0.1)
        code = server.stop(signal.SIGTERM)  # what `kill` or a service manager sends
    assert replaced, server.log
    assert f"worker {victim} exited (killed by SIGKILL); starting another" in server.log
    assert code == 0
    assert not any(_alive(pid) for pid in first | replaced)


def test_workers_of_a_server_killed_outright_stop_and_free_the_port(
    trees: list[Tree], tmp_path: Path
) -> None:
    with _two_workers(trees, tmp_path) as (server, _, seen):
        os.kill(server.process.pid, signal.SIGKILL)  # no SIGTERM: the parent cannot pass it on
        server.process.wait()
        for _ in range(100):  # bounded: each worker looks for its parent every 0.05 s
            if not any(_alive(pid) for pid in seen):
                break
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in seen), "workers outlived their parent"
        port = int(server.url.rsplit(":", 1)[1])
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))  # nobody listens on the port any more


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_is_one_clear_line(tmp_path: Path, workers: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        where = ["--port", str(port), "--site", str(DATA / "site")]
        done = subprocess.run(
            [
                str(FASTPATH),
                "serve",
                *where,
                "--index",
                str(tmp_path / "index"),
                "--workers",
                workers,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        f"cannot listen on 127.0.0.1:{port}: Address already in use "
        "(another program uses it: try --port 8080)"
    )
    assert "Traceback" not in done.stderr


def test_workers_that_keep_dying_stop_the_server_with_a_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "MAX_RESTARTS", 3)

    def broken(sock: socket.socket) -> None:
        raise RuntimeError("cannot start")  # in the forked worker: logged, exit code 1

    with workers.listen("127.0.0.1", 0) as sock, pytest.raises(workers.WorkersFailed) as failed:
        workers.run_workers(sock, 2, broken)
    assert str(failed.value).startswith("workers died 4 times in 60 s")


def test_one_process_stops_cleanly_on_sigterm(trees: list[Tree], tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(trees, index_dir)
    with serve_process(DATA / "site", index_dir, "--workers", "1") as server:
        answered = requests.get(f"{server.url}/api/health", timeout=5).json()["worker"]
        code = server.stop(signal.SIGTERM)
    assert answered == server.process.pid
    assert code == 0
