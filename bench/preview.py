"""Author preview: from saving a tree to the updated page being served (and shown).

`fastpath preview TREE` runs as a child; the tree's title is changed on disk and the
preview page is polled until the new title appears. Optionally, a headless Chromium with
the page open measures the same thing as an author sees it: the livereload script notices
the rebuild and reloads the page.
"""

from __future__ import annotations

import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import VENV_BIN, child_env, free_port, interrupt

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SETTLE_S = 1.0  # between edits, so each save is its own rebuild
EDIT_TIMEOUT_S = 60.0
_TITLE = re.compile(r"^title: .*$", re.MULTILINE)


@dataclass(slots=True)
class PreviewResult:
    startup_s: float
    served_s: list[float] = field(default_factory=list)  # save -> new page served (HTTP poll)
    browser_s: list[float] = field(default_factory=list)  # save -> new page shown in Chromium
    browser_note: str = ""


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (OSError, urllib.error.URLError):
        return ""


def _retitle(tree_file: Path, original: str, title: str) -> None:
    tree_file.write_text(_TITLE.sub(f'title: "{title}"', original, count=1), encoding="utf-8")


def _wait_served(url: str, text: str, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if text in _fetch(url):
            return True
        time.sleep(0.01)
    return False


def _browser_edits(url: str, tree_file: Path, original: str, edits: int) -> list[float]:
    from playwright.sync_api import Error, sync_playwright

    latencies: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        for _ in range(edits):
            time.sleep(SETTLE_S)
            title = f"Browser edit {uuid.uuid4().hex[:8]}"
            started = time.perf_counter()
            _retitle(tree_file, original, title)
            shown = float("inf")
            while time.perf_counter() - started < EDIT_TIMEOUT_S:
                try:
                    if title in page.evaluate("document.title"):
                        shown = time.perf_counter() - started
                        break
                except Error:  # the page is being reloaded
                    pass
                time.sleep(0.01)
            latencies.append(shown)
        browser.close()
    return latencies


def run_preview_benchmark(
    project: Path, config: Path, tree_file: Path, edits: int, browser: bool, log: Path
) -> PreviewResult:
    """Start the preview, wait for the first page, then time each saved edit."""
    original = tree_file.read_text(encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/preview/"
    argv = [str(VENV_BIN / "fastpath"), "preview", str(tree_file), "-f", str(config)]
    started = time.perf_counter()
    with log.open("w") as err:
        proc = subprocess.Popen(
            [*argv, "--port", str(port)],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=child_env(),
        )
    try:
        if not _wait_served(url, "data-fp-tree", 600):
            raise RuntimeError(f"fastpath preview did not serve {url}:\n{log.read_text()[-2000:]}")
        result = PreviewResult(startup_s=time.perf_counter() - started)
        for _ in range(edits):
            time.sleep(SETTLE_S)
            title = f"Edited title {uuid.uuid4().hex[:8]}"
            saved = time.perf_counter()
            _retitle(tree_file, original, title)
            if _wait_served(url, title, EDIT_TIMEOUT_S):
                result.served_s.append(time.perf_counter() - saved)
            else:
                result.served_s.append(float("inf"))
        if browser and CHROMIUM.exists():
            try:
                result.browser_s = _browser_edits(url, tree_file, original, edits)
            except Exception as e:  # Playwright missing or Chromium refusing to start
                result.browser_note = f"browser not measured: {type(e).__name__}: {e}"
        elif browser:
            result.browser_note = f"browser not measured: no {CHROMIUM}"
        return result
    finally:
        tree_file.write_text(original, encoding="utf-8")
        interrupt(proc, 15)
