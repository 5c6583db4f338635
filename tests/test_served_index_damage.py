"""A build changed on disk while it is served (`cp` or `rsync --inplace` over the live folder)."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
import requests
from served import serve_process

from builder.check import check_paths
from search.engine import IndexReadError, open_engine_index
from search.store.builds import current_build
from search.store.live import LiveIndex
from search.store.publish import build_index
from search.web.api import JsonRoute, SearchAPI, json_app
from search.web.testing import call_wsgi

DATA = Path(__file__).parent / "data" / "search"
QUERIES = ("images black", "vpn", "login slow", "0xA801", "printer")


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    build_index(check_paths([DATA / "trees"]).trees, folder)
    return folder


def _answers(url: str) -> list[tuple[int, object]]:
    found = []
    for q in QUERIES:
        response = requests.get(f"{url}/api/search", params={"q": q}, timeout=5)
        found.append((response.status_code, response.json()))
    return found


def test_truncating_then_deleting_a_served_build_changes_no_answer(index_dir: Path) -> None:
    build = current_build(index_dir)
    assert build is not None
    # No answer cache: every answer below is read from the index again.
    args = ("--workers", "1", "--cache-size", "0")
    with serve_process(DATA / "site", index_dir, *args) as server:
        before = _answers(server.url)
        for segment in build.iterdir():
            os.truncate(segment, min(100, segment.stat().st_size))
        truncated = _answers(server.url)
        shutil.rmtree(build)
        deleted = _answers(server.url)
        site = requests.get(f"{server.url}/", timeout=5)
        alive = server.process.poll() is None
    assert alive, server.log
    assert site.status_code == 200
    assert all(status == 200 for status, _ in before)
    assert truncated == before and deleted == before


def test_a_server_started_on_a_damaged_build_stays_up_and_says_so(index_dir: Path) -> None:
    build = current_build(index_dir)
    assert build is not None
    for segment in build.glob("*.seg"):
        os.truncate(segment, 100)
    with serve_process(DATA / "site", index_dir, "--workers", "1") as server:
        search = requests.get(f"{server.url}/api/search", params={"q": "vpn"}, timeout=5)
        site = requests.get(f"{server.url}/", timeout=5)
        alive = server.process.poll() is None
    assert alive and site.status_code == 200
    assert search.status_code == 503
    assert "no search index" in search.json()["error"]
    assert f"cannot open index build {build.name}" in server.log


class _UnreadableSearcher:
    """A searcher whose files went bad after the build opened."""

    def find_codes(self, keys: tuple[str, ...], system: str | None = None) -> list[object]:
        raise IndexReadError(Path("index-1"), EOFError("short read"))

    find_words = find_codes

    def document_count(self) -> int:
        raise IndexReadError(Path("index-1"), EOFError("short read"))

    def close(self) -> None:
        pass


class _UnreadableIndex:
    def searcher(self) -> _UnreadableSearcher:
        return _UnreadableSearcher()

    def close(self) -> None:
        pass


def test_an_unreadable_build_is_answered_503_and_logged_once(
    index_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    opened = []

    def opener(folder: Path) -> object:
        opened.append(open_engine_index(folder))  # the build is real; its reads fail
        return _UnreadableIndex()

    live = LiveIndex(index_dir, opener=opener)  # type: ignore[arg-type]
    api = SearchAPI(live, cache_size=0)
    wsgi = json_app({"/api/search": JsonRoute(api.search), "/api/health": JsonRoute(api.health)})
    with caplog.at_level(logging.ERROR):
        answers = [call_wsgi(wsgi, f"/api/search?q={q}") for q in ("vpn", "0xA801", "vpn")]
        health = call_wsgi(wsgi, "/api/health")
    live.close()
    for index in opened:
        index.close()
    assert [a.status for a in answers] == [503, 503, 503]
    assert all("cannot be read" in a.json()["error"] for a in answers)
    assert "fastpath build" in answers[0].json()["error"]
    assert (health.status, health.json()["status"]) == (503, "unreadable")
    logged = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(logged) == 1 and "EOFError: short read" in logged[0].getMessage()
