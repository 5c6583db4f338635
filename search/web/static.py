"""Serving the built MkDocs site: WhiteNoise does the file serving, this module only configures it.

The site folder is looked up on every request (`autorefresh`; the `site` symlink is resolved
once per request), so a rebuilt site is served without a restart and a file replaced by a
rebuild is never sent with stale headers.
WhiteNoise refuses non-canonical URLs (`..`, backslashes) and paths outside the folder.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from wsgiref.headers import Headers
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from whitenoise import WhiteNoise

NOT_FOUND_PAGE = "404.html"
KEPT_BUILD_APPS = 4  # one app per site build folder; builds switch rarely


def _no_cache_for_pages(headers: Headers, path: str, url: str) -> None:
    """Pages change with every build; assets keep WhiteNoise's short max-age."""
    if path.endswith(".html"):
        headers["Cache-Control"] = "no-cache"


# Files whose name carries a hash of their content (the theme's bundle.a5f9d56c.min.js) can
# never change under the same name: browsers keep them for a year without asking again.
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$")


def _is_fingerprinted(path: str, url: str) -> bool:
    return _FINGERPRINTED.search(url) is not None


def not_found_app(site_dir: Path) -> WSGIApplication:
    """A 404 for anything that is not a site file: the site's 404 page if it has one."""

    def not_found(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            body = (site_dir / NOT_FOUND_PAGE).read_bytes()
            content_type = "text/html; charset=utf-8"
        except OSError:
            body = b"Not found\n"
            content_type = "text/plain; charset=utf-8"
        start_response(
            "404 Not Found",
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-cache"),
            ],
        )
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    return not_found


# Pages are not compressed at build time (thousands of them, each rebuilt often); compressing
# one on the way out costs well under a millisecond and saves most of its bytes on a phone.
PAGE_GZIP_LEVEL = 6
PAGE_GZIP_MIN_BYTES = 1_000


def compress_pages(app: WSGIApplication) -> WSGIApplication:
    """Gzip HTML responses for clients that accept it (WhiteNoise serves the rest)."""

    def compressing(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        accepts = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers, exc_info]
            return lambda data: None

        body = app(environ, capture)
        status, headers, exc_info = captured
        names = {name.lower(): value for name, value in headers}
        if (
            not accepts
            or environ.get("REQUEST_METHOD") == "HEAD"
            or not names.get("content-type", "").startswith("text/html")
            or "content-encoding" in names
        ):
            start_response(status, headers, exc_info)
            return body
        try:
            data = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        kept = [(n, v) for n, v in headers if n.lower() not in ("content-length", "vary")]
        vary = ", ".join(filter(None, [names.get("vary"), "Accept-Encoding"]))
        if len(data) >= PAGE_GZIP_MIN_BYTES:
            data = gzip.compress(data, PAGE_GZIP_LEVEL, mtime=0)
            kept.append(("Content-Encoding", "gzip"))
        start_response(status, [*kept, ("Vary", vary), ("Content-Length", str(len(data)))])
        return [data]

    return compressing


def _whitenoise(root: Path) -> WSGIApplication:
    app: WSGIApplication = WhiteNoise(
        not_found_app(root),
        root=str(root),
        index_file=True,
        autorefresh=True,
        allow_all_origins=False,
        add_headers_function=_no_cache_for_pages,
        immutable_file_test=_is_fingerprinted,
    )
    return app


def site_app(site_dir: Path) -> WSGIApplication:
    """The static site: `index.html` for folder URLs, a 404 for everything else; pages
    compressed for browsers that accept it.

    `site_dir` may be a symlink a build swaps to a new folder: it is resolved once per
    request, so a request reads one build throughout (headers and body of the same file).
    """
    by_build: dict[str, WSGIApplication] = {}

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        root = os.path.realpath(site_dir)
        served = by_build.get(root)
        if served is None:
            if len(by_build) >= KEPT_BUILD_APPS:
                by_build.clear()
            served = by_build[root] = compress_pages(_whitenoise(Path(root)))
        return served(environ, start_response)

    return app
