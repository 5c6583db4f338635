"""`fastpath preview`: one tree in the real theme, rebuilt on save, problems on the page."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_project import GOLDEN_TREES, write_site

FASTPATH = Path(sys.executable).with_name("fastpath")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def wait_for(url: str, pattern: str, seconds: float = 30) -> str:
    """The page once it matches; fails after `seconds` (a bound, not a speed claim)."""
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if re.search(pattern, last):
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never matched {pattern!r}; last page:\n{last[-2000:]}")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    trees = tmp_path / "trees"
    shutil.copytree(GOLDEN_TREES, trees)
    config = write_site(tmp_path, trees)
    tree = trees / "sample" / "printer-jams.yaml"
    port = free_port()
    proc = subprocess.Popen(
        [str(FASTPATH), "preview", str(tree), "-f", str(config), "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        yield f"http://127.0.0.1:{port}/preview/", tree
    finally:
        proc.terminate()
        proc.wait(10)


def test_preview_shows_the_tree_and_follows_saves(preview: tuple[str, Path]) -> None:
    url, tree = preview
    page = wait_for(url, r'data-fp-tree="printer-jams"')
    assert 'id="step-open-tray"' in page
    tree.write_text(tree.read_text().replace("title: Film printer jams", "title: Printer jammed"))
    wait_for(url, r"Printer jammed")


def test_preview_lists_problems_instead_of_failing(preview: tuple[str, Path]) -> None:
    url, tree = preview
    wait_for(url, r'data-fp-tree="printer-jams"')
    tree.write_text(tree.read_text().replace("next: fixed", "next: fixd"))
    page = wait_for(url, r"fp-preview-problems")
    assert "did you mean &#34;fixed&#34;" in page or 'did you mean "fixed"' in page
    assert "this tree would not be published" in page


def test_preview_reads_codes_with_the_knowledge_base_families() -> None:
    from builder.check import CheckOptions
    from builder.preview_trees import load_preview

    root = Path(__file__).resolve().parent.parent / "decision_trees"
    preview = load_preview(root / "dicom" / "dicom-store-failed.yaml", root, CheckOptions())
    tree = preview.tree
    assert preview.problems == [] and tree is not None
    codes = {c.code: c for c, _ in tree.all_codes()}
    assert (codes["0xA700"].family, codes["0xA700"].family_name) == ("dicom-status", "DICOM status")
