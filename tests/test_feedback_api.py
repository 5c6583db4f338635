"""The feedback views in process: events in (and every way they are refused), notices, report."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedback_support import EXAMPLES, VISIT, batch, post
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.feedback.notice_board import NoticeBoard
from search.feedback.ratelimit import RateLimiter
from search.feedback.report import Catalog
from search.feedback.store import EventStore
from search.feedback.views import FeedbackViews
from search.web.testing import call_wsgi

TOKEN = "s3cret-token"


def stored(db: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT kind, visit, tree, node, comment FROM events").fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "events.sqlite3"


@pytest.fixture
def store(db: Path) -> Iterator[EventStore]:
    store = EventStore(db)
    yield store
    store.close()


def make_views(
    db: Path, store: EventStore | None, tmp_path: Path, rate: float = 0, token: str | None = TOKEN
) -> FeedbackViews:
    return FeedbackViews(
        db,
        store,
        NoticeBoard(tmp_path / "notices.yaml", check_interval=0),
        Catalog,
        token,
        RateLimiter(per_address=rate, total=0),
    )


@pytest.fixture
def views(db: Path, store: EventStore, tmp_path: Path) -> FeedbackViews:
    return make_views(db, store, tmp_path)


def test_every_kind_is_accepted_and_stored(
    views: FeedbackViews, store: EventStore, db: Path
) -> None:
    response = post(views, batch(*EXAMPLES.values()))
    assert response.status == 202, response.body
    assert response.json() == {"accepted": len(EXAMPLES)}
    store.flush()
    assert sorted(row[0] for row in stored(db)) == sorted(EXAMPLES)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b'{"events": [{"kind": "telemetry", "visit": "00"}]}', 400),
        (batch(EXAMPLES["step"], {**EXAMPLES["flag"], "ip": "10.1.2.3"}), 400),
        (batch(EXAMPLES["resolved"], {**EXAMPLES["flag"], "comment": "x" * 501}), 400),
        (b'{"events": [' + b'{"kind": "step"},' * 2000 + b"1]}", 413),
    ],
)
def test_refused_batches_store_nothing(
    views: FeedbackViews, store: EventStore, db: Path, body: bytes, status: int
) -> None:
    response = post(views, body)
    assert response.status == status
    assert "error" in response.json()
    store.flush()
    assert stored(db) == []


def test_other_refusals(views: FeedbackViews, store: EventStore, db: Path) -> None:
    good = batch(EXAMPLES["step"])
    assert post(views, good, content_type="text/plain").status == 415
    assert post(views, good, content_type="application/x-www-form-urlencoded").status == 415
    other_site = {"HTTP_ORIGIN": "https://evil.example", "HTTP_HOST": "fastpath.example"}
    assert post(views, good, headers=other_site).status == 403
    assert post(views, good, headers={"HTTP_SEC_FETCH_SITE": "cross-site"}).status == 403
    same_site = {"HTTP_ORIGIN": "http://fastpath.example", "HTTP_HOST": "fastpath.example"}
    assert post(views, good, headers=same_site).status == 202
    assert call_wsgi(views, "/api/events").status == 405
    store.flush()
    assert len(stored(db)) == 1


def test_a_flood_from_one_address_gets_429(db: Path, store: EventStore, tmp_path: Path) -> None:
    views = make_views(db, store, tmp_path, rate=1)  # burst of 3, then 1 a second
    answers = [post(views, batch(EXAMPLES["step"])).status for _ in range(10)]
    assert answers[:3] == [202, 202, 202]
    assert answers.count(429) >= 6
    refused = post(views, batch(EXAMPLES["step"]))
    assert refused.status == 429 and refused.headers["retry-after"] == "1"
    assert post(views, batch(EXAMPLES["step"]), address="10.0.0.2").status == 202
    store.flush()
    assert len(stored(db)) == answers.count(202) + 1


def test_recording_off(db: Path, tmp_path: Path) -> None:
    views = make_views(db, None, tmp_path)
    assert call_wsgi(views, "/api/events/config").json() == {"recording": False}
    assert post(views, batch(EXAMPLES["step"])).status == 503
    assert not db.exists()


def test_recording_on_says_so(views: FeedbackViews) -> None:
    assert call_wsgi(views, "/api/events/config").json() == {"recording": True}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=4)
                | st.dictionaries(st.sampled_from(["events", "kind", "visit", "node"]), inner)
            ),
            max_leaves=12,
        ).map(lambda v: json.dumps(v).encode()),
        st.sampled_from(list(EXAMPLES.values())).flatmap(
            lambda e: st.dictionaries(st.sampled_from(sorted(e)), st.text(max_size=8)).map(
                lambda changes: batch({**e, **changes})
            )
        ),
    )
)
def test_no_body_causes_a_500_or_half_a_batch(
    views: FeedbackViews, store: EventStore, db: Path, body: bytes
) -> None:
    before = len(stored(db)) if db.exists() else 0
    response = post(views, body)
    assert response.status in (202, 400, 413), response.body
    store.flush()
    after = len(stored(db))
    expected = response.json()["accepted"] if response.status == 202 else 0
    assert after - before == expected


NOTICES = """\
notices:
  - message: PACS is down for everyone. Do not reboot.
    systems: [PACS viewer]
    codes: ["0xA702"]
    from: 2000-01-01T00:00:00+00:00
    until: 2999-01-01T00:00:00+00:00
    reference: INC0012345
  - message: Over long ago.
    from: 2000-01-01T00:00:00+00:00
    until: 2000-01-02T00:00:00+00:00
"""


def test_notices_are_current_ones_and_follow_the_file(views: FeedbackViews, tmp_path: Path) -> None:
    assert call_wsgi(views, "/api/notices").json() == {"notices": []}
    (tmp_path / "notices.yaml").write_text(NOTICES, encoding="utf-8")
    notices = call_wsgi(views, "/api/notices").json()["notices"]
    assert [n["message"] for n in notices] == ["PACS is down for everyone. Do not reboot."]
    assert notices[0]["code_keys"] == ["A702"]
    assert notices[0]["reference"] == "INC0012345"
    assert notices[0]["until"] == "2999-01-01T00:00:00+00:00"
    # A broken edit keeps the last good notices up.
    (tmp_path / "notices.yaml").write_text(NOTICES.replace("until:", "untill:", 1), "utf-8")
    assert len(call_wsgi(views, "/api/notices").json()["notices"]) == 1
    (tmp_path / "notices.yaml").write_text("notices: []\n", encoding="utf-8")
    assert call_wsgi(views, "/api/notices").json() == {"notices": []}


def test_report_needs_the_token(views: FeedbackViews, store: EventStore) -> None:
    post(views, batch({**EXAMPLES["flag"], "comment": "<img src=x onerror=alert(1)>"}))
    missing = call_wsgi(views, "/report")
    assert missing.status == 401 and "needs the report token" in missing.body.decode()
    assert call_wsgi(views, "/report?token=wrong").status == 401
    page = call_wsgi(views, f"/report?token={TOKEN}")
    assert page.status == 200
    text = page.body.decode()
    assert "Steps flagged" in text and "fx-images-blank" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img" not in text
    assert page.headers["cache-control"] == "no-store"
    assert call_wsgi(views, "/report?token=" + TOKEN + "&since=yesterday").status == 400


def test_report_takes_a_bearer_header(views: FeedbackViews) -> None:
    def get(token: str) -> int:
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        return post(views, b"", "/report", method="GET", headers=auth).status

    assert get(TOKEN) == 200
    assert get(TOKEN + "x") == 401


def test_no_token_no_report_page(db: Path, store: EventStore, tmp_path: Path) -> None:
    views = make_views(db, store, tmp_path, token=None)
    assert call_wsgi(views, "/report").status == 404
    assert call_wsgi(views, "/report?token=").status == 404


def test_stored_visit_is_the_one_sent(views: FeedbackViews, store: EventStore, db: Path) -> None:
    post(views, batch(EXAMPLES["step"]))
    store.flush()
    assert stored(db)[0][1] == VISIT
