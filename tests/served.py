"""`fastpath serve` in its own process, for tests that may see it crash or that need workers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

FASTPATH = Path(sys.executable).parent / "fastpath"
_SERVING = re.compile(r"on http://[^:]+:(\d+)/")


@dataclass
class ServeProcess:
    """A running `fastpath serve`: its process, its base URL and what it has logged so far."""

    process: subprocess.Popen[str]
    url: str
    lines: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20, group: bool = False) -> int:
        """Send the signal (to all its processes, like a terminal's Ctrl+C, if `group`) and
        wait for the exit; the exit code."""
        if self.process.poll() is None:
            if group:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        return self.process.returncode


@contextmanager
def serve_process(site: Path, index_dir: Path, *args: str) -> Iterator[ServeProcess]:
    """Start `fastpath serve --port 0` on loopback; yield once it answers; stop it after."""
    process = subprocess.Popen(
        [
            str(FASTPATH),
            "serve",
            "--port",
            "0",
            "--site",
            str(site),
            "--index",
            str(index_dir),
            *list(args),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # Its own process group: a Ctrl+C in the terminal running the tests is not its.
        start_new_session=True,
    )
    served = ServeProcess(process, "")
    # Read the log as it comes, so a chatty server never blocks on a full pipe.
    reader = threading.Thread(target=_collect, args=(process, served.lines), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not served.url and time.monotonic() < deadline and process.poll() is None:
            match = _SERVING.search(served.log)
            served.url = f"http://127.0.0.1:{match.group(1)}" if match else ""
            time.sleep(0.05)
        assert served.url, f"the server did not start: {served.log}"
        _wait_until_up(served.url)
        yield served
    finally:
        served.stop()
        reader.join(timeout=5)


def _collect(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        lines.append(line)


def _wait_until_up(url: str) -> None:
    for _ in range(100):
        try:
            requests.get(f"{url}/api/health", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
