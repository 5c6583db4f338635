"""The current index of a running server: reopened when a build switches it, never mid-request.

Every request leases a searcher of the current build and gives it back. When the pointer
file names a new build, the new one is opened first and swapped in; the old one is closed
when its last lease comes back. Searchers are pooled per build and used by one thread at a
time (Whoosh searchers are not safe to share).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from search.engine import EngineIndex, EngineSearcher, IndexReadError, open_engine_index
from search.store.builds import current_name, read_prefixes

log = logging.getLogger(__name__)

MAX_IDLE_SEARCHERS = 16


class NoIndexError(Exception):
    """There is no usable index yet."""

    def __init__(self, index_dir: Path) -> None:
        super().__init__(
            f"no search index in {index_dir}: run `fastpath build` (or `fastpath index`) first"
        )
        self.index_dir = index_dir


@dataclass(eq=False)
class _Build:
    name: str
    index: EngineIndex
    idle: list[EngineSearcher] = field(default_factory=list)
    prefixes: tuple[tuple[str, str], ...] = ()
    active: int = 0
    retired: bool = False
    closed: bool = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for searcher in self.idle:
            searcher.close()
        self.idle.clear()
        self.index.close()


@dataclass(frozen=True, slots=True)
class Lease:
    """A searcher of one build, for the length of one request."""

    build: str
    searcher: EngineSearcher
    prefixes: tuple[tuple[str, str], ...] = ()  # the families' typed prefixes (HL7, Code)


class LiveIndex:
    """The current build under an index folder, checked for a switch at most every interval."""

    def __init__(
        self,
        index_dir: Path,
        check_interval: float = 1.0,
        opener: Callable[[Path], EngineIndex] = open_engine_index,
    ) -> None:
        self.index_dir = index_dir
        self.check_interval = check_interval
        self._opener = opener
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._current: _Build | None = None
        self._last_check = float("-inf")
        self._failed: str | None = None
        self._unreadable: set[str] = set()
        self._closed = False
        self.refresh()

    @property
    def build_name(self) -> str | None:
        """The name of the build requests are served from now."""
        current = self._current
        return current.name if current else None

    def refresh(self, wait: bool = True) -> bool:
        """Switch to the build the pointer names, if it is new and opens; True if switched.

        With wait=False, return at once if another thread is already checking.
        """
        if not self._refresh_lock.acquire(blocking=wait):
            return False
        try:
            self._last_check = time.monotonic()
            name = current_name(self.index_dir)
            current = self._current
            if name is None or self._closed or (current and current.name == name):
                return False
            if name == self._failed:
                return False
            try:
                index = self._opener(self.index_dir / name)
                first = index.searcher()  # proves the build opens before it is swapped in
            except Exception as e:  # a pruned or damaged build: keep serving the old one
                self._failed = name
                log.warning(
                    "cannot open index build %s, still serving %s: %s",
                    name,
                    current.name if current else "nothing",
                    e,
                )
                return False
            with self._lock:
                old, self._current = (
                    self._current,
                    _Build(name, index, [first], prefixes=read_prefixes(self.index_dir / name)),
                )
                close_old = old is not None and old.active == 0
                if old is not None:
                    old.retired = True
            if old is not None and close_old:
                old.close()
            log.info("search index: serving %s", name)
            return True
        finally:
            self._refresh_lock.release()

    def _refresh_if_due(self) -> None:
        if time.monotonic() - self._last_check < self.check_interval:
            return
        # With nothing to serve meanwhile, wait for the check; otherwise let one thread do it.
        self.refresh(wait=self._current is None)

    @contextmanager
    def lease(self) -> Iterator[Lease]:
        """A searcher of the current build; NoIndexError when there is none yet."""
        self._refresh_if_due()
        with self._lock:
            build = self._current
            if build is None or self._closed:
                raise NoIndexError(self.index_dir)
            build.active += 1
            searcher = build.idle.pop() if build.idle else None
        healthy = False
        try:
            if searcher is None:
                searcher = build.index.searcher()
            yield Lease(build.name, searcher, build.prefixes)
            healthy = True
        except IndexReadError as e:
            self._report_unreadable(build.name, e)
            raise
        finally:
            self._give_back(build, searcher, healthy)

    def _report_unreadable(self, name: str, error: IndexReadError) -> None:
        """Log a damaged build once, not once per request (each is answered 503)."""
        with self._lock:
            first = name not in self._unreadable
            self._unreadable.add(name)
        if first:
            log.error("%s (%s: %s)", error, type(error.cause).__name__, error.cause)

    def _give_back(self, build: _Build, searcher: EngineSearcher | None, healthy: bool) -> None:
        with self._lock:
            build.active -= 1
            keep = (
                healthy
                and searcher is not None
                and not build.retired
                and len(build.idle) < MAX_IDLE_SEARCHERS
            )
            if keep and searcher is not None:
                build.idle.append(searcher)
            close_build = build.retired and build.active == 0
        if searcher is not None and not keep:
            searcher.close()
        if close_build:
            build.close()

    def close(self) -> None:
        """Stop serving: close the current build once no request is using it."""
        with self._lock:
            self._closed = True
            build = self._current
            if build is None:
                return
            build.retired = True
            close_now = build.active == 0
        if close_now:
            build.close()
