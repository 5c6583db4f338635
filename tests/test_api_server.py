"""The real thing: waitress on a free port, rebuilt indexes under load, raw hostile paths."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner

from builder.check import check_paths
from builder.model import Tree
from fastpath.cli import main
from search.store.builds import current_build
from search.store.publish import build_index
from search.web.app import create_app
from search.web.security import SECURITY_HEADERS
from search.web.testing import running_server

DATA = Path(__file__).parent / "data" / "search"


@pytest.fixture(scope="module")
def trees() -> list[Tree]:
    return check_paths([DATA / "trees"]).trees


@pytest.fixture
def served(trees: list[Tree], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    index_dir = tmp_path / "index"
    build_index(trees, index_dir)
    app = create_app(DATA / "site", index_dir, check_interval=0.05)
    with running_server(app.wsgi, threads=4) as url:
        yield url, index_dir
    app.close()


def raw_get(base: str, target: str) -> tuple[int, bytes]:
    """GET with the request target sent exactly as written (no client-side normalising)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_server_answers_the_api_and_the_site_with_security_headers(
    served: tuple[str, Path],
) -> None:
    url, _ = served
    api = requests.get(f"{url}/api/search", params={"q": "0xA801"}, timeout=5)
    page = requests.get(f"{url}/trees/pacs-viewer/pacs-images-not-loading/", timeout=5)
    missing = requests.get(f"{url}/nope", timeout=5)
    assert api.json()["results"][0]["matched_code"] == "0xA801"
    assert (page.status_code, missing.status_code) == (200, 404)
    for response in (api, page, missing):
        for name, value in SECURITY_HEADERS:
            assert response.headers[name] == value


@pytest.mark.parametrize(
    "target",
    [
        "/../outside-site.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/outside-site.txt",
        "/%2e%2e%2foutside-site.txt",
        "/assets/%2e%2e/%2e%2e/outside-site.txt",
        "/..%5coutside-site.txt",
        "/%5c..%5coutside-site.txt",
        "/..\\outside-site.txt",
        "/%252e%252e/outside-site.txt",
        "//etc/passwd",
        "/index.html%00",
    ],
)
def test_path_traversal_over_the_wire_is_a_404(served: tuple[str, Path], target: str) -> None:
    status, body = raw_get(served[0], target)
    assert status == 404, status
    assert b"SECRET" not in body and b"root:" not in body


def test_rebuilding_the_index_under_load_fails_no_request(
    served: tuple[str, Path], trees: list[Tree]
) -> None:
    url, index_dir = served
    stop = threading.Event()
    errors: list[str] = []
    served_builds: set[str] = set()
    counts = [0]

    def client() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                code = session.get(f"{url}/api/search", params={"q": "0xA801"}, timeout=10)
                words = session.get(f"{url}/api/search", params={"q": "imgaes black"}, timeout=10)
                health = session.get(f"{url}/api/health", timeout=10)
                if code.status_code != 200 or code.json()["results"][0]["step"] != "single-study":
                    errors.append(f"code search: {code.status_code} {code.text[:200]}")
                if words.status_code != 200 or not words.json()["results"]:
                    errors.append(f"word search: {words.status_code} {words.text[:200]}")
                if health.status_code != 200:
                    errors.append(f"health: {health.status_code} {health.text[:200]}")
                else:
                    served_builds.add(health.json()["index"])
                counts[0] += 3
            except Exception as e:  # a dropped connection is a failed request too
                errors.append(f"{type(e).__name__}: {e}")

    clients = [threading.Thread(target=client) for _ in range(3)]
    for thread in clients:
        thread.start()
    try:
        runner = CliRunner()
        for round_ in range(12):
            if round_ % 4 == 3:
                result = runner.invoke(
                    main, ["index", str(DATA / "trees"), "--out", str(index_dir)]
                )
                assert result.exit_code == 0, result.output
            else:
                build_index(trees, index_dir)
            time.sleep(0.1)
        before_failure = current_build(index_dir)
        failed = runner.invoke(main, ["index", str(DATA / "broken"), "--out", str(index_dir)])
        assert failed.exit_code == 1
        assert current_build(index_dir) == before_failure
        time.sleep(0.3)
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
    assert errors == []
    assert counts[0] > 30
    assert len(served_builds) > 3, "the server followed the rebuilds"
    final = requests.get(f"{url}/api/health", timeout=5).json()["index"]
    assert before_failure is not None and final == before_failure.name
