"""A server facing hostile or careless clients: idle connections, waitress's own errors."""

from __future__ import annotations

import contextlib
import logging
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from builder.check import check_paths
from search.store.publish import build_index
from search.web.app import create_app
from search.web.security import SECURITY_HEADERS
from search.web.server import QueueDepthSummary, summarise_queue_logs
from search.web.testing import call_wsgi, running_server

DATA = Path(__file__).parent / "data" / "search"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("index")
    build_index(check_paths([DATA / "trees"]).trees, folder)
    return folder


@pytest.fixture
def url(index_dir: Path) -> Iterator[str]:
    app = create_app(DATA / "site", index_dir, check_interval=0.05)
    with running_server(app.wsgi, threads=4) as base:
        yield base
    app.close()


def _address(base: str) -> tuple[str, int]:
    parts = urlsplit(base)
    return parts.hostname or "", parts.port or 80


def _raw(base: str, request: bytes) -> tuple[int, dict[str, str]]:
    """Send bytes as they are; the status and headers (lower-cased names) of the answer."""
    with socket.create_connection(_address(base), timeout=5) as conn:
        conn.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(head[0].split()[1]), headers


def test_a_hundred_idle_connections_do_not_lock_out_a_new_visitor(url: str) -> None:
    with contextlib.ExitStack() as held:
        for _ in range(100):
            conn = held.enter_context(socket.create_connection(_address(url), timeout=5))
            conn.sendall(b"GET /api/search?q=A7")  # and never finish the request
        # A bound, not a speed measure: with waitress's default limit of 100 connections
        # the visitor is not even accepted until the idle ones time out (120 s).
        response = requests.get(f"{url}/api/health", timeout=2)
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"NONSENSE\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", 413),
    ],
    ids=["bad-request-line", "bad-content-length", "headers-too-large", "body-too-large"],
)
def test_waitress_error_answers_carry_the_security_headers(
    url: str, request_bytes: bytes, status: int
) -> None:
    got, headers = _raw(url, request_bytes)
    assert got == status
    for name, value in SECURITY_HEADERS:
        assert headers.get(name.lower()) == value, name


@pytest.mark.parametrize("limit", ["5%0A", "5%0D%0A", "%0A5", "5%20", "+5", "05%00"])
def test_a_limit_with_anything_around_the_number_is_refused(index_dir: Path, limit: str) -> None:
    app = create_app(DATA / "site", index_dir)
    try:
        response = call_wsgi(app.wsgi, f"/api/search?q=vpn&limit={limit}")
    finally:
        app.close()
    assert response.status == 400
    assert "limit must be a whole number" in response.json()["error"]


def test_a_limit_with_a_trailing_newline_is_refused_over_the_wire(url: str) -> None:
    response = requests.get(f"{url}/api/search?q=vpn&limit=5%0A", timeout=5)
    assert response.status_code == 400


def test_queue_depth_warnings_are_summarised(caplog: pytest.LogCaptureFixture) -> None:
    summarise_queue_logs()
    queue = logging.getLogger("waitress.queue")
    with caplog.at_level(logging.WARNING, logger="waitress.queue"):
        for depth in range(1, 2001):
            queue.warning("Task queue depth is %d", depth % 700)
    lines = [r.getMessage() for r in caplog.records if r.name == "waitress.queue"]
    assert len(lines) <= 1


def test_a_queue_summary_says_how_many_lines_it_stands_for() -> None:
    now = [0.0]
    summary = QueueDepthSummary(interval=10.0, clock=lambda: now[0])

    def record(depth: int) -> logging.LogRecord:
        return logging.LogRecord(
            "waitress.queue", logging.WARNING, "", 0, "Task queue depth is %d", (depth,), None
        )

    first = record(3)
    assert summary.filter(first)
    passed = []
    for depth in (5, 40, 7):
        now[0] += 1.0
        passed.append(summary.filter(record(depth)))
    now[0] += 10.0
    last = record(2)
    assert passed == [False, False, False] and summary.filter(last)
    assert last.getMessage() == (
        "Task queue depth is 2 (deepest 40; 4 warnings summarised, one line per 10 s)"
    )
    other = logging.LogRecord("waitress.queue", logging.WARNING, "", 0, "other", None, None)
    assert summary.filter(other)


@pytest.mark.skipif(sys.platform == "win32", reason="no open-file limit to raise on Windows")
def test_the_open_file_limit_is_raised_to_fit_the_connection_limit() -> None:
    # In a child process: the limit is per process, and this one is the test runner's.
    code = (
        "import resource\n"
        "from search.web.server import SERVER_OPTIONS, allow_open_files\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
        "allow_open_files()\n"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0], hard,"
        " SERVER_OPTIONS['connection_limit'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    soft, hard, connections = (int(v) for v in done.stdout.split())
    assert soft > connections or soft == hard
