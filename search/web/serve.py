"""`fastpath serve`: the site and the search API, from one process or several, until Ctrl+C."""

from __future__ import annotations

import errno
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from search.feedback.serving import Feedback, FeedbackSettings, start_feedback
from search.feedback.store import StoreError
from search.store.builds import current_name
from search.web.app import FastpathApp, create_app
from search.web.server import allow_open_files, create_server
from search.web.workers import WorkersFailed, can_fork, listen, run_workers, stop_on_sigterm


class ServerFailed(Exception):
    """The server could not start; the message says why."""


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    site_dir: Path = Path("site")
    index_dir: Path = Path(".fastpath/index")
    threads: int = 4
    cache_size: int = 4096
    workers: int = 1
    feedback: FeedbackSettings | None = None  # None: no events, notices or report


def serve(options: ServeOptions, say: Callable[[str], None] = lambda line: None) -> None:
    """Serve until interrupted; `say` gets what a person starting the server should read.

    With more than one worker (and fork, so not on Windows), that many processes share the
    port; otherwise one process serves.
    """
    site_dir, index_dir = options.site_dir, options.index_dir
    if not (site_dir / "index.html").is_file():
        raise ServerFailed(f"no built site in {site_dir}/: run `fastpath build` first")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    allow_open_files()
    if current_name(index_dir) is None:
        say(
            f"warning: no search index in {index_dir} yet; /api/search answers 503 "
            "until `fastpath build` makes one"
        )
    if options.feedback is not None:
        # Open the event store once here, so a database that cannot be used is one clear
        # error before any worker starts (each worker then opens its own).
        _close(None, _open_feedback(options))
    workers = options.workers if can_fork() else 1
    if options.workers > 1 and workers == 1:
        say("note: worker processes need fork (POSIX); serving from one process")
    if workers == 1:
        _serve_in_this_process(options, say)
    else:
        _serve_with_workers(options, workers, say)


def _cannot_listen(options: ServeOptions, e: OSError) -> ServerFailed:
    hint = " (another program uses it: try --port 8080)" if e.errno == errno.EADDRINUSE else ""
    reason = os.strerror(e.errno) if e.errno else str(e)
    return ServerFailed(f"cannot listen on {options.host}:{options.port}: {reason}{hint}")


def _serving(options: ServeOptions, port: int, how: str) -> str:
    return (
        f"Serving {options.site_dir}/ and the search API on http://{options.host}:{port}/ "
        f"({how}Ctrl+C to stop)"
    )


def _open_app(options: ServeOptions) -> tuple[FastpathApp, Feedback | None]:
    """The app of one server process, with its own event store when recording."""
    feedback = _open_feedback(options)
    app = create_app(
        options.site_dir,
        options.index_dir,
        cache_size=options.cache_size,
        feedback=feedback.views if feedback is not None else None,
    )
    return app, feedback


def _close(app: FastpathApp | None, feedback: Feedback | None) -> None:
    if app is not None:
        app.close()
    if feedback is not None:
        feedback.close()


def _open_feedback(options: ServeOptions) -> Feedback | None:
    """The process's event store and views (None without feedback); ServerFailed if the
    database cannot be used."""
    settings = options.feedback
    if settings is None:
        return None
    try:
        return start_feedback(
            settings.trees_dir,
            settings.events_db,
            settings.record,
            settings.report_token,
            settings.events_rate,
        )
    except StoreError as e:
        raise ServerFailed(str(e)) from None


def _serve_in_this_process(options: ServeOptions, say: Callable[[str], None]) -> None:
    app, feedback = _open_app(options)
    try:
        server = create_server(app.wsgi, options.host, options.port, options.threads)
    except OSError as e:
        _close(app, feedback)
        raise _cannot_listen(options, e) from None
    say(_serving(options, getattr(server, "effective_port", options.port), ""))
    stop_on_sigterm()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        _close(app, feedback)


def _serve_with_workers(options: ServeOptions, workers: int, say: Callable[[str], None]) -> None:
    try:
        sock = listen(options.host, options.port)
    except OSError as e:
        raise _cannot_listen(options, e) from None
    say(_serving(options, sock.getsockname()[1], f"{workers} worker processes; "))

    def work(sock: socket.socket) -> None:
        # Opened in the worker, never before the fork: open index files and the event
        # store's connection and writer thread must not be shared between processes.
        app, feedback = _open_app(options)
        server = create_server(app.wsgi, threads=options.threads, sock=sock)
        try:
            server.run()
        finally:
            server.close()
            _close(app, feedback)

    try:
        run_workers(sock, workers, work)
    except WorkersFailed as e:
        raise ServerFailed(str(e)) from None
    finally:
        sock.close()
