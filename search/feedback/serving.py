"""What `fastpath serve` adds for feedback: the event store, the notices, the views."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.notices import NOTICES_FILE
from search.feedback.notice_board import NoticeBoard
from search.feedback.ratelimit import RateLimiter
from search.feedback.report import load_catalog
from search.feedback.store import EventStore
from search.feedback.views import FeedbackViews


@dataclass(frozen=True, slots=True)
class Feedback:
    """The views to route to, and the store to close when the server stops."""

    views: FeedbackViews
    store: EventStore | None

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


@dataclass(frozen=True, slots=True)
class FeedbackSettings:
    """How a server records events and where it finds notices (`fastpath serve` options)."""

    trees_dir: Path = Path("decision_trees")
    events_db: Path = Path(".fastpath/events.sqlite3")
    record: bool = True
    report_token: str | None = None
    events_rate: float = 20


def start_feedback(
    trees_dir: Path,
    events_db: Path,
    record: bool = True,
    report_token: str | None = None,
    events_rate: float = 20,
) -> Feedback:
    """Open the store (when recording) and read the notices; StoreError if the db is unusable.

    Each server process opens its own (SQLite serialises the writers of several workers).
    """
    store = EventStore(events_db) if record else None
    views = FeedbackViews(
        events_db,
        store,
        NoticeBoard(trees_dir / NOTICES_FILE),
        lambda: load_catalog(trees_dir),
        report_token,
        RateLimiter(per_address=events_rate),
    )
    return Feedback(views, store)
