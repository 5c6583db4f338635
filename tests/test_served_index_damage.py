"""A build changed on disk while it is served (`cp` or `rsync --inplace` over the live folder)."""

from __future__ import annotations

import os
from pathlib import Path

import requests
from served import serve_process

from builder.check import check_paths
from search.store.builds import current_build
from search.store.publish import build_index

DATA = Path(__file__).parent / "data" / "search"


def test_a_truncated_segment_leaves_the_server_up_and_search_answering_503(
    tmp_path: Path,
) -> None:
    index_dir = tmp_path / "index"
    build_index(check_paths([DATA / "trees"]).trees, index_dir)
    build = current_build(index_dir)
    assert build is not None
    with serve_process(DATA / "site", index_dir, "--workers", "1") as server:
        before = requests.get(f"{server.url}/api/search", params={"q": "images black"}, timeout=5)
        assert before.status_code == 200 and before.json()["results"]
        for segment in build.glob("*.seg"):
            os.truncate(segment, 100)
        answers = [
            requests.get(f"{server.url}/api/search", params={"q": q}, timeout=5)
            for q in ("vpn", "login slow", "0xA801", "printer", "vpn")
        ]
        site = requests.get(f"{server.url}/", timeout=5)
        health = requests.get(f"{server.url}/api/health", timeout=5)
        assert server.process.poll() is None, server.log
    assert site.status_code == 200
    assert {a.status_code for a in answers} == {503}, [a.text for a in answers]
    assert all("cannot be read" in a.json()["error"] for a in answers)
    assert health.status_code == 503
    assert server.log.count("cannot be read") == 1, server.log
