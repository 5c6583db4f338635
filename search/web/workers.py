"""Several server processes sharing one port (POSIX): the parent listens, forks, supervises.

The parent binds the listening socket, then forks the workers; each runs its own app and
waitress on the inherited socket, and the kernel hands every new connection to one of them.
Each worker's live index follows the index folder's pointer by itself, so a new build is
picked up by all of them without a failed request. The parent serves nothing: it starts a
worker again when one dies, and on SIGINT (Ctrl+C) or SIGTERM stops them all, letting
requests in progress finish.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from types import FrameType

from search.parent import end_with_parent

log = logging.getLogger(__name__)

# A worker that dies is started again, unless workers keep dying: then something is wrong
# with the setup (not a passing fault), and a loop of restarts would only hide it.
MAX_RESTARTS = 10
RESTART_WINDOW = 60.0
STOP_TIMEOUT = 15.0
_POLL = 0.2


class WorkersFailed(Exception):
    """The workers kept dying; the message says how often."""


def can_fork() -> bool:
    """True where worker processes can be forked (POSIX); Windows serves from one process."""
    return hasattr(os, "fork")


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def listen(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A listening TCP socket on host:port (0: any free port); OSError if it cannot bind."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=backlog)


def run_workers(sock: socket.socket, count: int, work: Callable[[socket.socket], None]) -> None:
    """Run `work(sock)` in `count` forked processes until SIGINT or SIGTERM; then stop them.

    Raises WorkersFailed when workers die more than MAX_RESTARTS times in RESTART_WINDOW s.
    """
    stopping: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    children: set[int] = set()
    deaths: deque[float] = deque()
    try:
        for _ in range(count):
            children.add(_fork(sock, work))
        while not stopping:
            for pid, code in _reap(children):
                if stopping:  # a Ctrl+C reached the workers first: do not replace them
                    break
                now = time.monotonic()
                deaths.append(now)
                while deaths and deaths[0] < now - RESTART_WINDOW:
                    deaths.popleft()
                if len(deaths) > MAX_RESTARTS:
                    raise WorkersFailed(
                        f"workers died {len(deaths)} times in {RESTART_WINDOW:g} s "
                        "(see the log above); stopping"
                    )
                log.warning("worker %d exited (%s); starting another", pid, _describe(code))
                children.add(_fork(sock, work))
            time.sleep(_POLL)
    finally:
        _stop_all(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _fork(sock: socket.socket, work: Callable[[socket.socket], None]) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    # The worker: Ctrl+C and SIGTERM end waitress's loop, which lets requests finish. A
    # parent killed outright (kill -9) cannot stop its workers: they stop themselves, or
    # they would hold the port with nobody to supervise them.
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        stop_on_sigterm()
        end_with_parent(parent, lambda: os.kill(os.getpid(), signal.SIGTERM))
        work(sock)
    except (KeyboardInterrupt, SystemExit):
        pass
    except BaseException:
        log.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        sys.stderr.flush()
        # Never return into the parent's code (its loop, its atexit handlers).
        os._exit(code)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def stop_on_sigterm() -> None:
    """Make SIGTERM (`kill`, a service manager) end waitress's loop like Ctrl+C does, letting
    requests in progress finish, instead of killing the process outright."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_signal)


def _reap(children: set[int]) -> list[tuple[int, int]]:
    """The workers that have exited since the last look, with their exit codes."""
    gone = []
    for pid in list(children):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            children.discard(pid)
            gone.append((pid, os.waitstatus_to_exitcode(status)))
    return gone


def _describe(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def _stop_all(children: set[int]) -> None:
    """SIGTERM every worker, wait for them, SIGKILL any still running after STOP_TIMEOUT."""
    for pid in children:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while children and time.monotonic() < deadline:
        _reap(children)
        time.sleep(0.05)
    for pid in children:
        log.warning("worker %d did not stop in %g s; killing it", pid, STOP_TIMEOUT)
        _signal(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    children.clear()


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone; reaped below
        os.kill(pid, sig)
