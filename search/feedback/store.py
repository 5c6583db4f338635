"""Events in SQLite: one file, WAL, a versioned schema, written by one background thread.

Requests only put events on a queue; the writer thread takes whatever has queued up and
stores it in one transaction, so a batch is stored whole or not at all, and a request never
waits for the disk. The writer commits at least every `flush_interval` seconds while events
come in: a killed server loses at most that much. `synchronous=NORMAL` in WAL mode keeps the
file consistent through a crash of the process (a power cut may lose the last commits, never
the file).
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import astuple
from pathlib import Path

from search.feedback.events import Event

log = logging.getLogger(__name__)


COLUMNS = (
    "kind",
    "visit",
    "tree",
    "version",
    "node",
    "how",
    "code",
    "fixed",
    "comment",
    "query",
    "results",
    "opened",
)

# Each entry moves the schema one version up (PRAGMA user_version counts them). Never edit
# an entry once released: add one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        received INTEGER NOT NULL,          -- Unix time in whole seconds
        kind TEXT NOT NULL,
        visit TEXT NOT NULL,                -- random per browser tab, not a person
        tree TEXT NOT NULL DEFAULT '',
        version TEXT NOT NULL DEFAULT '',
        node TEXT NOT NULL DEFAULT '',
        how TEXT NOT NULL DEFAULT '',
        code TEXT NOT NULL DEFAULT '',
        fixed INTEGER,
        comment TEXT NOT NULL DEFAULT '',   -- capped; the page warns against patient details
        query TEXT NOT NULL DEFAULT '',     -- capped
        results INTEGER,
        opened INTEGER
    );
    CREATE INDEX events_by_time ON events (received);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The events database cannot be used; the message says why."""


def connect(path: Path) -> sqlite3.Connection:
    """Open the events database (created if missing) at the current schema version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        migrate(conn)
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: cannot use the events database: {e}") from None
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION, one migration per transaction."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the events database has schema version {version}, newer than this "
            f"Fastpath knows ({SCHEMA_VERSION}): upgrade Fastpath"
        )
    for number in range(version, SCHEMA_VERSION):
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]};\n"
                f"PRAGMA user_version = {number + 1};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


_INSERT = (
    f"INSERT INTO events (received, {', '.join(COLUMNS)}) "
    f"VALUES (?, {', '.join('?' * len(COLUMNS))})"
)


def insert_events(conn: sqlite3.Connection, rows: Iterable[tuple[int, Event]]) -> int:
    """Store events in one transaction (all or none); return how many."""
    values = [(received, *astuple(event)) for received, event in rows]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(_INSERT, values)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(values)


class EventStore:
    """Takes events from request threads and writes them from one thread of its own."""

    def __init__(self, path: Path, flush_interval: float = 0.2, max_queued: int = 100_000) -> None:
        self.path = path
        self.flush_interval = flush_interval
        self._conn = connect(path)
        self._queue: queue.Queue[list[tuple[int, Event]] | None] = queue.Queue(max_queued)
        self._thread = threading.Thread(target=self._write_loop, name="events-writer", daemon=True)
        self._thread.start()

    def add(self, events: list[Event]) -> bool:
        """Queue a batch for writing; False (nothing queued) when the writer is too far behind."""
        received = int(time.time())
        try:
            self._queue.put_nowait([(received, e) for e in events])
        except queue.Full:
            return False
        return True

    def flush(self) -> None:
        """Wait until everything queued so far is stored."""
        self._queue.join()

    def close(self) -> None:
        """Store what is queued, stop the writer and close the database."""
        self._queue.put(None)
        self._thread.join()
        self._conn.close()

    def _take_batches(self) -> tuple[list[list[tuple[int, Event]]], bool]:
        """The batches waiting now (blocking for the first); True when asked to stop."""
        first = self._queue.get()
        if first is None:
            self._queue.task_done()
            return [], True
        batches = [first]
        deadline = time.monotonic() + self.flush_interval
        # Let a busy moment fill one transaction, but never hold events longer than the
        # flush interval: that is what a crash can lose.
        while sum(len(b) for b in batches) < 5_000:
            try:
                item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if item is None:
                self._queue.task_done()
                self._write(batches)
                return [], True
            batches.append(item)
        return batches, False

    def _write_loop(self) -> None:
        while True:
            batches, stop = self._take_batches()
            if batches:
                self._write(batches)
            if stop:
                return

    def _write(self, batches: list[list[tuple[int, Event]]]) -> None:
        rows = [row for batch in batches for row in batch]
        try:
            for attempt in range(3):
                try:
                    insert_events(self._conn, rows)
                    break
                except sqlite3.OperationalError:  # locked by a long report read, disk hiccup
                    if attempt == 2:
                        raise
                    time.sleep(0.5)
        except sqlite3.Error:
            log.exception("could not store %d event(s) in %s", len(rows), self.path)
        finally:
            for _ in batches:
                self._queue.task_done()
