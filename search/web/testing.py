"""Helpers for testing the search API and site: an in-process WSGI client, a live server.

Like `click.testing`, shipped with the package so every test (and anyone embedding the app)
drives it the same way.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import unquote_to_bytes
from wsgiref.types import WSGIApplication
from wsgiref.util import setup_testing_defaults

from search.web.server import create_server


@dataclass
class WSGIResponse:
    """What an app answered: status code, headers (names lower-cased) and body."""

    status: int
    headers: dict[str, str]
    body: bytes
    status_line: str = ""
    raw_headers: list[tuple[str, str]] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


def call_wsgi(
    app: WSGIApplication, target: str, method: str = "GET", query_string: str | None = None
) -> WSGIResponse:
    """Send one request to a WSGI app in this process, as a server would pass it.

    `target` is the request target as sent on the wire (`/api/search?q=a%20b`); the path is
    percent-decoded into PATH_INFO like waitress does, the query string left encoded.
    """
    path, _, query = target.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query if query_string is None else query_string,
        "wsgi.input": BytesIO(b""),
    }
    setup_testing_defaults(environ)
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = status
        captured["headers"] = headers
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    headers = list(captured["headers"])
    return WSGIResponse(
        status=int(captured["status"].split()[0]),
        headers={k.lower(): v for k, v in headers},
        body=body,
        status_line=captured["status"],
        raw_headers=headers,
    )


@contextmanager
def running_server(app: WSGIApplication, threads: int = 4) -> Iterator[str]:
    """Run the app on waitress on a free local port; yields its base URL."""
    server = create_server(app, "127.0.0.1", 0, threads)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # Close from inside the server's own loop: closing its sockets from this thread
        # would pull them from under a running select(). Seen once under xdist: the wake-up
        # pipe was already gone (EBADF), so the loop cannot be reached; close it from here.
        try:
            server.trigger.pull_trigger(server.close)
        except OSError:
            with contextlib.suppress(OSError):  # its own close meets the same gone pipe
                server.close()
        thread.join(timeout=5)
