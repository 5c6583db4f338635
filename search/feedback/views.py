"""The WSGI views of what comes back from the pages.

    POST /api/events          {"events": [...]} -> 202 {"accepted": N}; 400 bad JSON or event,
                              413 too large, 415 not JSON, 403 from another site,
                              429 too many (Retry-After), 503 recording off or writer behind
    GET  /api/events/config   {"recording": true|false}: whether pages should send events
    GET  /api/notices         {"notices": [...]}: the outage notices in force now
    GET  /report              the report page; needs the token (?token= or a Bearer header)

Nothing about the client (address, user agent, cookies) is stored; the address is only used,
in memory, to share out the rate limit.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from wsgiref.types import StartResponse, WSGIEnvironment

from search.feedback.events import MAX_BODY_BYTES, EventError, parse_batch
from search.feedback.notice_board import NoticeBoard
from search.feedback.ratelimit import RateLimiter
from search.feedback.report import Catalog, build_report, parse_since
from search.feedback.report_page import report_html
from search.feedback.store import EventStore, StoreError

log = logging.getLogger(__name__)

_REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

Response = tuple[int, list[tuple[str, str]], bytes]


def _json(status: int, body: dict[str, Any], *headers: tuple[str, str]) -> Response:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return status, [("Content-Type", "application/json; charset=utf-8"), *headers], data


def _html(status: int, page: str, *headers: tuple[str, str]) -> Response:
    return status, [("Content-Type", "text/html; charset=utf-8"), *headers], page.encode()


def _same_site(environ: WSGIEnvironment) -> bool:
    """False for a request a page of another site made (a forged event)."""
    if str(environ.get("HTTP_SEC_FETCH_SITE", "same-origin")) not in ("same-origin", "none"):
        return False
    origin = str(environ.get("HTTP_ORIGIN", ""))
    if not origin or origin == "null":
        return not origin
    return urlsplit(origin).netloc == str(environ.get("HTTP_HOST", ""))


_TOKEN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Fastpath report</title></head>
<body style="font:16px/1.45 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1>Fastpath report</h1><p>{message}</p>{form}</body></html>
"""
_TOKEN_FORM = """<form method="get" action="report"><label>Report token
<input name="token" type="password" autocomplete="current-password" required></label>
<button type="submit">Open the report</button></form>"""


def _message_page(message: str, form: bool = False) -> str:
    """A small page with a message (escaped here) and, for the token, its form."""
    return _TOKEN_PAGE.format(message=escape(message), form=_TOKEN_FORM if form else "")


class FeedbackViews:
    """Events in, notices and the report out."""

    PATHS = frozenset({"/api/events", "/api/events/config", "/api/notices", "/report"})

    def __init__(
        self,
        events_db: Path,
        store: EventStore | None,
        notices: NoticeBoard,
        catalog: Callable[[], Catalog],
        report_token: str | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.events_db = events_db
        self.store = store
        self.notices = notices
        self.catalog = catalog
        self.report_token = report_token or None
        self.limiter = limiter or RateLimiter()
        self._routes: dict[tuple[str, str], Callable[[WSGIEnvironment], Response]] = {
            ("POST", "/api/events"): self.post_events,
            ("GET", "/api/events/config"): self.events_config,
            ("GET", "/api/notices"): self.current_notices,
            ("GET", "/report"): self.report,
        }

    def handles(self, path: str) -> bool:
        """True for the paths these views answer."""
        return path in self.PATHS

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET"))
        path = str(environ.get("PATH_INFO", ""))
        view = self._routes.get(("GET" if method == "HEAD" else method, path))
        try:
            if view is None:
                allowed = ", ".join(m for m, p in self._routes if p == path)
                status, headers, body = _json(405, {"error": f"use {allowed}"}, ("Allow", allowed))
            else:
                status, headers, body = view(environ)
        except Exception:  # the last line of defence: log it, answer in JSON
            log.exception("feedback view failed on %s", path[:100])
            status, headers, body = _json(500, {"error": "internal error; see the server log"})
        start_response(
            f"{status} {_REASONS[status]}",
            [*headers, ("Content-Length", str(len(body))), ("Cache-Control", "no-store")],
        )
        return [] if method == "HEAD" else [body]

    def events_config(self, environ: WSGIEnvironment) -> Response:
        return _json(200, {"recording": self.store is not None})

    def post_events(self, environ: WSGIEnvironment) -> Response:
        if self.store is None:
            return _json(503, {"error": "this server does not record events"})
        if not _same_site(environ):
            return _json(403, {"error": "events are taken only from this site's own pages"})
        content_type = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
        if content_type != "application/json":
            return _json(415, {"error": "send the events as application/json"})
        length_text = str(environ.get("CONTENT_LENGTH", "") or "0")
        if not length_text.isdigit():
            return _json(400, {"error": "a Content-Length is required"})
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            return _json(413, {"error": f"at most {MAX_BODY_BYTES} bytes a request"})
        if not self.limiter.allow(str(environ.get("REMOTE_ADDR", ""))):
            return _json(429, {"error": "too many events; try again shortly"}, ("Retry-After", "1"))
        try:
            body = environ["wsgi.input"].read(length) if length else b""
        except OSError:  # the client went away mid-body
            return _json(400, {"error": "the body ended early"})
        try:
            events = parse_batch(body)
        except EventError as e:
            return _json(400, {"error": str(e)})
        if not self.store.add(events):
            return _json(503, {"error": "busy storing events; try again"}, ("Retry-After", "1"))
        return _json(202, {"accepted": len(events)})

    def current_notices(self, environ: WSGIEnvironment) -> Response:
        return _json(200, {"notices": [n.to_json() for n in self.notices.current()]})

    def _token_given(self, environ: WSGIEnvironment, params: dict[str, str]) -> str:
        header = str(environ.get("HTTP_AUTHORIZATION", ""))
        if header.lower().startswith("bearer "):
            return header[7:].strip()
        return params.get("token", "")

    def report(self, environ: WSGIEnvironment) -> Response:
        if self.report_token is None:
            return _html(
                404,
                _message_page(
                    "The report page is off on this server: start fastpath serve "
                    "with a report token (FASTPATH_REPORT_TOKEN) to turn it on."
                ),
            )
        params = dict(parse_qsl(str(environ.get("QUERY_STRING", ""))[:2000]))
        given = self._token_given(environ, params)
        if not hmac.compare_digest(given.encode(), self.report_token.encode()):
            message = "That token is not right." if given else "This page needs the report token."
            return _html(401, _message_page(message, form=True), ("WWW-Authenticate", "Bearer"))
        since_text = params.get("since", "").strip()[:40]
        tree = params.get("tree", "").strip()[:100]
        try:
            since = parse_since(since_text) if since_text else None
        except ValueError:
            return _html(400, _message_page("Since: use 7d, 24h or 2026-11-01."))
        if self.store is not None:
            self.store.flush()  # what was just posted shows
        try:
            report = build_report(self.events_db, self.catalog(), since, tree or None)
        except StoreError as e:
            return _html(503, _message_page(str(e)))
        return _html(200, report_html(report, given, since_text, tree), ("X-Robots-Tag", "noindex"))
