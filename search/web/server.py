"""Running the app on waitress: pure Python, production-grade, and at home on Windows.

Waitress's defaults suit a server behind a proxy on an intranet; `fastpath serve --host
0.0.0.0` faces every client directly, so its limits are chosen for that here (see
`SERVER_OPTIONS`), and waitress's own error answers (400, 413, 431, 500) carry the same
security headers as the app's.
"""

from __future__ import annotations

import socket
from typing import Any
from wsgiref.types import WSGIApplication

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.server import create_server as waitress_server
from waitress.task import ErrorTask

from search.web.security import SECURITY_HEADERS

SERVER_OPTIONS: dict[str, Any] = {
    "ident": "fastpath",
    # Only GET requests are answered: a large body is never needed.
    "max_request_body_size": 64 * 1024,
    "max_request_header_size": 64 * 1024,
    # An idle connection costs a socket and a few KB, so allow many: with waitress's default
    # of 100, a hundred connections that send half a request lock every visitor out.
    "connection_limit": 1000,
    # ... and close idle ones (silent, or stuck mid-request) soon: the default is 120 s.
    # Browsers reopen a closed keep-alive connection without the user noticing.
    "channel_timeout": 15,
    "cleanup_interval": 5,
    # select() cannot watch descriptors numbered 1024 or more; poll() has no such ceiling.
    "asyncore_use_poll": True,
}


class SecuredErrorTask(ErrorTask):  # type: ignore[misc]  # waitress has no type hints
    """Waitress's own error answer (bad request, too large, app crashed), with our headers."""

    def execute(self) -> None:
        names = {name.lower() for name, _ in SECURITY_HEADERS}
        self.response_headers[:] = [
            (k, v) for k, v in self.response_headers if k.lower() not in names
        ]
        self.response_headers.extend(SECURITY_HEADERS)
        super().execute()


class SecuredChannel(HTTPChannel):  # type: ignore[misc]  # waitress has no type hints
    """A connection whose error answers carry the security headers."""

    error_task_class = SecuredErrorTask


def create_server(
    app: WSGIApplication,
    host: str = "127.0.0.1",
    port: int = 0,
    threads: int = 4,
    sock: socket.socket | None = None,
) -> Any:
    """A waitress server bound to host:port (0: any free port), ready to `run()`.

    Given a listening `sock` (shared by worker processes), it serves that instead of binding.
    Its threads cap how many requests are worked on at once; OSError if it cannot bind.
    """
    where: dict[str, Any] = (
        {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
    )
    channels: dict[int, Any] = {}
    server = waitress_server(app, map=channels, threads=threads, **where, **SERVER_OPTIONS)
    for dispatcher in list(channels.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = SecuredChannel
    return server
