"""Running the app on waitress: pure Python, production-grade, and at home on Windows.

Waitress's defaults suit a server behind a proxy on an intranet; `fastpath serve --host
0.0.0.0` faces every client directly, so its limits are chosen for that here (see
`SERVER_OPTIONS`), and waitress's own error answers (400, 413, 431, 500) carry the same
security headers as the app's.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
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


def allow_open_files(connections: int = SERVER_OPTIONS["connection_limit"]) -> int:
    """Raise this process's soft limit on open files to fit the connection limit (POSIX).

    Many systems start processes with a soft limit of 1,024: a connection limit of 1,000 plus
    the site's files would meet it and refuse connections with EMFILE. Returns the new limit.
    """
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 256  # the site's files, the index, logs, pipes
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return int(soft)


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


class QueueDepthSummary(logging.Filter):
    """At most one "Task queue depth is N" line per interval, saying how many it stands for.

    Waitress logs one for every request that waits for a thread: under load that is
    thousands of lines a second, burying everything else in the log.
    """

    def __init__(self, interval: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._held = 0
        self._deepest = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Task queue depth"):
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        depth = args[0] if args and isinstance(args[0], int) else 0
        with self._lock:
            self._held += 1
            self._deepest = max(self._deepest, depth)
            now = self._clock()
            if now - self._last < self.interval:
                return False
            held, deepest = self._held, self._deepest
            self._last, self._held, self._deepest = now, 0, 0
        record.msg = (
            "Task queue depth is %d (deepest %d; %d warnings summarised, one line per %g s)"
        )
        record.args = (depth, deepest, held, self.interval)
        return True


def summarise_queue_logs(interval: float = 10.0) -> None:
    """Make waitress's queue warnings a summary line per interval (once per process)."""
    logger = logging.getLogger("waitress.queue")
    if not any(isinstance(f, QueueDepthSummary) for f in logger.filters):
        logger.addFilter(QueueDepthSummary(interval))


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
    summarise_queue_logs()
    channels: dict[int, Any] = {}
    server = waitress_server(app, map=channels, threads=threads, **where, **SERVER_OPTIONS)
    for dispatcher in list(channels.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = SecuredChannel
    return server
