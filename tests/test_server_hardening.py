"""A server facing hostile or careless clients."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from builder.check import check_paths
from search.store.publish import build_index
from search.web.app import create_app
from search.web.testing import running_server

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


def test_a_hundred_idle_connections_do_not_lock_out_a_new_visitor(url: str) -> None:
    with contextlib.ExitStack() as held:
        for _ in range(100):
            conn = held.enter_context(socket.create_connection(_address(url), timeout=5))
            conn.sendall(b"GET /api/search?q=A7")  # and never finish the request
        # A bound, not a speed measure: with waitress's default limit of 100 connections
        # the visitor is not even accepted until the idle ones time out (120 s).
        response = requests.get(f"{url}/api/health", timeout=2)
        assert response.status_code == 200
