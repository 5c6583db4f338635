"""Helpers for the feedback tests: valid events of every kind, posting to the WSGI views."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from io import BytesIO
from pathlib import Path
from typing import Any
from wsgiref.types import WSGIApplication
from wsgiref.util import setup_testing_defaults

from search.web.testing import WSGIResponse

VISIT = "0123456789abcdef0123456789abcdef"
VERSION = "a1b2c3d4e5f6"
TREE = {"visit": VISIT, "tree": "fx-images-blank", "version": VERSION, "node": "cache"}

# One valid event of every kind (tests iterate this: a new kind must be added here).
EXAMPLES: dict[str, dict[str, Any]] = {
    "tree_started": {"kind": "tree_started", **TREE, "how": "code", "code": "0xA801"},
    "step": {"kind": "step", **TREE},
    "skip_ahead": {"kind": "skip_ahead", **TREE},
    "resolved": {"kind": "resolved", **TREE},
    "escalated": {"kind": "escalated", **TREE},
    "left": {"kind": "left", **TREE},
    "fixed_it": {"kind": "fixed_it", **TREE, "fixed": True},
    "flag": {"kind": "flag", **TREE, "comment": "The menu is called Settings now"},
    "search": {"kind": "search", "visit": VISIT, "query": "0xBEEF", "results": 0, "opened": False},
}


def batch(*events: dict[str, Any]) -> bytes:
    return json.dumps({"events": list(events)}).encode()


def post(
    app: WSGIApplication,
    body: bytes,
    path: str = "/api/events",
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
    address: str = "10.0.0.1",
    method: str = "POST",
) -> WSGIResponse:
    """Send a request with a body to the app in this process, as waitress would pass it."""
    path, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": address,
        "wsgi.input": BytesIO(body),
        **(headers or {}),
    }
    setup_testing_defaults(environ)
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    data = b"".join(app(environ, start_response))
    return WSGIResponse(
        int(captured["status"].split()[0]),
        {k.lower(): v for k, v in captured["headers"]},
        data,
    )


FASTPATH = Path(sys.executable).parent / "fastpath"


def start_server(
    tmp_path: Path, *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], int]:
    """`fastpath serve` on a free port over a one-page site; the caller stops it."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    proc = subprocess.Popen(
        [
            str(FASTPATH),
            "serve",
            "--port",
            "0",
            "--site",
            str(site),
            "--index",
            str(tmp_path / "index"),
            "--trees",
            str(tmp_path / "trees"),
            *options,
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep it drained
            return proc, int(found.group(1))
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError("the server did not start")
