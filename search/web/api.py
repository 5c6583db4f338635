"""The JSON search API: `GET /api/search?q=&limit=&system=` and `GET /api/health`.

    /api/search?q=0xA700   -> {"query", "normalised", "ambiguous", "results": [{"title",
                              "tree", "tree_title", "system", "step", "url", "matched_code",
                              "code_message", "snippet", "score", "kind", "exact",
                              "family", "family_name", "step_title", "label"}]}

`exact` marks a hit on the code itself (not a looser form or a status range); `ambiguous`
is true when several steps claim the code exactly (the same digits in two families, or a
Device Manager code in two systems): offer the hits' `label`s as a choice, do not jump.
    /api/health            -> {"status": "ok", "documents": N, "index": "<build name>",
                              "worker": <process id of the worker that answered>}

`url` is relative to the site root; `snippet` is plain text (escape it when showing it);
`limit` is 1..50 (default 10); `system` (optional) keeps one system's trees.

Every answer is JSON. A bad request is a 400 that says what to change, a missing index (or
one whose files changed on disk while served) a 503 that says how to build one; nothing a
client sends can cause a 500.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from search.engine import IndexReadError
from search.query import QueryError
from search.service import DEFAULT_LIMIT, MAX_LIMIT, ResultCache, search_index
from search.service import DEFAULT_SIZE as DEFAULT_CACHE_SIZE
from search.store.live import LiveIndex, NoIndexError

log = logging.getLogger(__name__)

MAX_PARAMETERS = 20
MAX_SYSTEM_LENGTH = 100
_LIMIT = re.compile(r"[0-9]{1,3}")

_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class BadRequest(Exception):
    """The request cannot be answered as sent; the message tells the client why."""


def _decode(text: str) -> str:
    """One form-encoded name or value: `+` is a space, %XX are UTF-8 bytes."""
    raw = text.replace("+", " ").encode("latin-1", "replace")
    return unquote_to_bytes(raw).decode("utf-8", "replace")


def _parameters(environ: WSGIEnvironment) -> dict[str, str]:
    """Query-string parameters, UTF-8 decoded; the first value of a repeated name wins.

    Parsed here rather than with `parse_qsl`, which fails on non-ASCII bytes.
    """
    fields = [f for f in str(environ.get("QUERY_STRING", "")).split("&") if f]
    if len(fields) > MAX_PARAMETERS:
        raise BadRequest(f"too many parameters (at most {MAX_PARAMETERS})")
    params: dict[str, str] = {}
    for field in fields:
        name, _, value = field.partition("=")
        params.setdefault(_decode(name), _decode(value))
    return params


def _limit(params: dict[str, str]) -> int:
    """The limit as sent (its range is checked with the rest of the search)."""
    text = params.get("limit", "")
    if text == "":
        return DEFAULT_LIMIT
    # fullmatch: `$` would also match before a trailing newline (`limit=5%0A`).
    if not _LIMIT.fullmatch(text):
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


Answer = tuple[int, dict[str, Any]]
"""A view's answer: HTTP status and the JSON body."""


class SearchAPI:
    """The JSON views of the search: each takes the request and returns an `Answer`."""

    def __init__(self, live: LiveIndex, cache_size: int = DEFAULT_CACHE_SIZE) -> None:
        self.live = live
        self.cache = ResultCache(cache_size) if cache_size > 0 else None

    def search(self, environ: WSGIEnvironment) -> Answer:
        """`GET /api/search?q=&limit=&system=`."""
        try:
            params = _parameters(environ)
            if "q" not in params:
                raise BadRequest("missing parameter q: /api/search?q=0xA700")
            limit = _limit(params)
            system = params.get("system", "")[:MAX_SYSTEM_LENGTH] or None
            results = search_index(self.live, params["q"], limit, system, self.cache)
        except (BadRequest, QueryError) as e:
            return 400, {"error": str(e)}
        except (NoIndexError, IndexReadError) as e:
            return 503, {"error": str(e)}
        return 200, results.to_json()

    def health(self, environ: WSGIEnvironment) -> Answer:
        """`GET /api/health`: whether an index is being served, and which."""
        try:
            with self.live.lease() as lease:
                count = lease.searcher.document_count()
                return 200, {
                    "status": "ok",
                    "documents": count,
                    "index": lease.build,
                    "worker": os.getpid(),
                }
        except NoIndexError as e:
            return 503, {"status": "no-index", "documents": 0, "index": None, "error": str(e)}
        except IndexReadError as e:
            build = e.folder.name
            return 503, {"status": "unreadable", "documents": 0, "index": build, "error": str(e)}


JsonView = Callable[[WSGIEnvironment], Answer]


@dataclass(frozen=True, slots=True)
class JsonRoute:
    """An API endpoint: the view and the methods it answers."""

    view: JsonView
    methods: tuple[str, ...] = ("GET", "HEAD")


def json_app(routes: Mapping[str, JsonRoute]) -> WSGIApplication:
    """A WSGI app answering the routes (path -> route) in JSON, and every other path with 404.

    Nothing a client sends gets a traceback: an unexpected error is logged and answered 500.
    """

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET"))
        path = str(environ.get("PATH_INFO", ""))
        headers: list[tuple[str, str]] = []
        route = routes.get(path)
        try:
            if route is None:
                status, body = 404, {"error": f"no such API endpoint: {path[:100]}"}
            elif method not in route.methods:
                status, body = 405, {"error": f"use {' or '.join(route.methods)}"}
                headers.append(("Allow", ", ".join(route.methods)))
            else:
                status, body = route.view(environ)
        except Exception:  # the last line of defence: log it, answer in JSON
            log.exception("API failed on %s", path[:100])
            status, body = 500, {"error": "internal error; the server log has the details"}
        return _respond(start_response, status, body, headers, method == "HEAD")

    return app


def _respond(
    start_response: StartResponse,
    status: int,
    body: dict[str, Any],
    headers: list[tuple[str, str]],
    head: bool,
) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(
        f"{status} {_REASONS[status]}",
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            *headers,
        ],
    )
    return [] if head else [data]
