"""The notices a running server shows: the file re-read whenever it changes.

A file with errors is not taken: the last good notices stay up and the problems are logged,
so a typo made during an outage never takes the outage notice down.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from builder.notices import Notice, load_notices

log = logging.getLogger(__name__)


class NoticeBoard:
    """Current notices from one file, looked at again at most every `check_interval` s."""

    def __init__(self, path: Path, check_interval: float = 1.0) -> None:
        self.path = path
        self.check_interval = check_interval
        self._notices: list[Notice] = []
        self._stamp: tuple[int, int] | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._refresh()

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _refresh(self) -> None:
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        notices, problems = load_notices(self.path, str(self.path))
        errors = [p for p in problems if p.level.value == "error"]
        for problem in errors:
            log.warning("notices not updated: %s", problem.format_text())
        if not errors:
            self._notices = notices
            log.info("notices: %d read from %s", len(notices), self.path)

    def current(self, now: datetime | None = None) -> list[Notice]:
        """The notices in force now, the file re-read first if it changed."""
        moment = time.monotonic()
        with self._lock:
            if moment - self._checked >= self.check_interval:
                self._checked = moment
                self._refresh()
            notices = self._notices
        now = now or datetime.now(UTC)
        return [n for n in notices if n.current(now)]
