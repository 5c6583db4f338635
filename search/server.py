"""Running the app on waitress: pure Python, production-grade, and at home on Windows."""

from __future__ import annotations

from typing import Any
from wsgiref.types import WSGIApplication

from waitress.server import create_server as waitress_server

# Only event posts carry a body, and those are capped far lower (search/feedback/events.py).
SERVER_OPTIONS: dict[str, Any] = {
    "ident": "fastpath",
    "max_request_body_size": 64 * 1024,
    "max_request_header_size": 64 * 1024,
}


def create_server(
    app: WSGIApplication, host: str = "127.0.0.1", port: int = 0, threads: int = 4
) -> Any:
    """A waitress server bound to host:port (0: any free port), ready to `run()`.

    Its threads cap how many requests are worked on at once; OSError if it cannot bind.
    """
    return waitress_server(app, host=host, port=port, threads=threads, **SERVER_OPTIONS)
