"""Serving the built MkDocs site: WhiteNoise does the file serving, this module only configures it.

The site folder is looked up on every request (`autorefresh`; the `site` symlink is resolved
once per request), so a rebuilt site is served without a restart and a file replaced by a
rebuild is never sent with stale headers.
WhiteNoise refuses non-canonical URLs (`..`, backslashes) and paths outside the folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from wsgiref.headers import Headers
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from whitenoise import WhiteNoise

NOT_FOUND_PAGE = "404.html"
KEPT_BUILD_APPS = 4  # one app per site build folder; builds switch rarely


def _no_cache_for_pages(headers: Headers, path: str, url: str) -> None:
    """Pages change with every build; assets keep WhiteNoise's short max-age."""
    if path.endswith(".html"):
        headers["Cache-Control"] = "no-cache"


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


def _whitenoise(root: Path) -> WSGIApplication:
    app: WSGIApplication = WhiteNoise(
        not_found_app(root),
        root=str(root),
        index_file=True,
        autorefresh=True,
        allow_all_origins=False,
        add_headers_function=_no_cache_for_pages,
    )
    return app


def site_app(site_dir: Path) -> WSGIApplication:
    """The static site: `index.html` for folder URLs, a 404 for everything else.

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
            served = by_build[root] = _whitenoise(Path(root))
        return served(environ, start_response)

    return app
