"""The site on a phone on a poor line: headless Chromium with network and CPU throttling.

Chromium's DevTools protocol slows the line (`Network.emulateNetworkConditions`) and the CPU
(`Emulation.setCPUThrottlingRate`). Each page is opened in a fresh browser profile (first
visit: nothing cached), then again in a new tab of the same profile (repeat visit). Measured:
bytes over the wire, requests, and the time from navigation until the page does its job
(the first answer button is mounted and a click on it moves the walk on; the code box shows
the step for an exact code; the code index shows its table).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.api_bench import fastpath_server
from bench.measure import child_env, free_port, interrupt
from bench.preview import CHROMIUM, CHROMIUM_ARGS

DOWN_BPS = 1_600_000 / 8  # about 1.6 Mbit/s, a weak mobile line
UP_BPS = 750_000 / 8
LATENCY_MS = 150
CPU_SLOWDOWN = 4
VIEWPORT = {"width": 390, "height": 844}
TIMEOUT_MS = 60_000


@dataclass(slots=True)
class Visit:
    page: str
    visit: str  # "first" or "repeat"
    bytes: int
    requests: int
    ready_s: float  # navigation -> the page does its job
    note: str = ""


@dataclass(slots=True)
class PhoneResult:
    visits: list[Visit] = field(default_factory=list)
    code_box_api_ms: float = 0.0
    code_box_static_ms: float = 0.0
    note: str = ""


class _Traffic:
    """Bytes and requests seen by one tab (from the DevTools protocol)."""

    def __init__(self, cdp: Any) -> None:
        self.bytes = 0
        self.requests = 0
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.loadingFinished", self._finished)

    def _request(self, _: dict[str, Any]) -> None:
        self.requests += 1

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes += int(event.get("encodedDataLength", 0))


def _throttled_tab(context: Any) -> tuple[Any, _Traffic]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": DOWN_BPS,
            "uploadThroughput": UP_BPS,
        },
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return page, _Traffic(cdp)


def _walk_ready(page: Any) -> None:
    """The first answer button is there, and clicking it moves the walk on."""
    current = ".fastpath section.fp-step.fp-current"
    button = page.wait_for_selector(f"{current} button.fp-answer", timeout=TIMEOUT_MS)
    before = page.eval_on_selector(current, "s => s.id")
    button.click(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "id => { const s = document.querySelector('.fastpath section.fp-step.fp-current');"
        " return s && s.id !== id; }",
        arg=before,
        polling="raf",
        timeout=TIMEOUT_MS,
    )


def _deep_link_ready(page: Any) -> None:
    """The linked step is the current one, with its controls mounted."""
    page.wait_for_selector(".fastpath section.fp-step.fp-current", timeout=TIMEOUT_MS)
    page.wait_for_selector(".fastpath .fp-toolbar button", timeout=TIMEOUT_MS)


def _codes_ready(page: Any) -> None:
    page.wait_for_selector(".fp-codes-index table a", timeout=TIMEOUT_MS)


def _type_code(page: Any, code: str, mounted: bool = True) -> float:
    """Milliseconds from the last key of an exact code to its step in the results; typed
    once the box's script is running, or (mounted=False) as soon as the box shows."""
    selector = "form[data-fp-mounted] #fp-q" if mounted else "#fp-q"
    box = page.wait_for_selector(selector, timeout=TIMEOUT_MS)
    box.fill(code[:-1])
    started = time.perf_counter()
    box.press(code[-1])
    page.wait_for_function(
        "code => [...document.querySelectorAll('.fp-result-list .fp-result-code')]"
        ".some(e => e.textContent === code)",
        arg=code,
        polling="raf",
        timeout=TIMEOUT_MS,
    )
    return (time.perf_counter() - started) * 1000


def _home_ready(code: str) -> Any:
    def ready(page: Any) -> None:
        _type_code(page, code, mounted=False)

    return ready


def _visit(context: Any, name: str, visit: str, url: str, ready: Any) -> Visit:
    page, traffic = _throttled_tab(context)
    started = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    ready(page)
    elapsed = time.perf_counter() - started
    # Bytes of everything the page fetches by itself, also after its load event.
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    page.close()
    return Visit(name, visit, traffic.bytes, traffic.requests, elapsed)


@contextmanager
def _static_server(site: Path) -> Iterator[int]:
    """The site on a plain static server: no search API."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=child_env(),
    )
    try:
        time.sleep(0.5)
        yield port
    finally:
        interrupt(proc, 5)


def _targets(site: Path) -> tuple[str, str, str]:
    """A tree page, a code deep link, and its code, read from the built code index."""
    codes = (site / "codes" / "index.html").read_text(encoding="utf-8")
    link = re.search(r'href="\.\./(trees/[^"?]+)\?code=([^"#]+)(#step-[^"]+)"', codes)
    if link is None:
        raise RuntimeError("no code deep link in the code index")
    tree, code, anchor = link.groups()
    from urllib.parse import unquote

    return tree, f"{tree}?code={code}{anchor}", unquote(code)


def run_phone_benchmark(site: Path, index: Path, work: Path) -> PhoneResult:
    """Every page, first and repeat visit, on the throttled profile."""
    from playwright.sync_api import sync_playwright

    tree, deep_link, code = _targets(site)
    pages = [
        ("home page (type a code)", "", _home_ready(code)),
        ("tree page", tree, _walk_ready),
        ("code deep link", deep_link, _deep_link_ready),
        ("code index", "codes/", _codes_ready),
    ]
    result = PhoneResult()
    log = work / "phone-serve.log"
    with fastpath_server(site, index, log) as (port, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        base = f"http://127.0.0.1:{port}/"
        for name, path, ready in pages:
            context = browser.new_context(viewport=VIEWPORT)
            for visit in ("first", "repeat"):
                result.visits.append(_visit(context, name, visit, base + path, ready))
            context.close()
        context = browser.new_context(viewport=VIEWPORT)
        page, _ = _throttled_tab(context)
        page.goto(base, timeout=TIMEOUT_MS)
        result.code_box_api_ms = _type_code(page, code)
        context.close()
        with _static_server(site) as static_port:
            context = browser.new_context(viewport=VIEWPORT)
            page, _ = _throttled_tab(context)
            page.goto(f"http://127.0.0.1:{static_port}/", timeout=TIMEOUT_MS)
            result.code_box_static_ms = _type_code(page, code)
            context.close()
        browser.close()
    return result
