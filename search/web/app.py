"""The WSGI app of `fastpath serve`: the search API under /api/, the static site elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from search.feedback.views import FeedbackViews
from search.service import DEFAULT_SIZE as DEFAULT_CACHE_SIZE
from search.store.live import LiveIndex
from search.web.api import JsonRoute, SearchAPI, json_app
from search.web.security import is_suspicious_path, with_security_headers
from search.web.static import not_found_app, site_app


@dataclass(frozen=True, slots=True)
class FastpathApp:
    """The app to hand to a WSGI server, and the live index to close when it stops."""

    wsgi: WSGIApplication
    live: LiveIndex

    def close(self) -> None:
        self.live.close()


def create_app(
    site_dir: Path,
    index_dir: Path,
    check_interval: float = 1.0,
    cache_size: int = DEFAULT_CACHE_SIZE,
    feedback: FeedbackViews | None = None,
) -> FastpathApp:
    """Serve the built site and search its index, picking up rebuilds of both."""
    live = LiveIndex(index_dir, check_interval)
    search = SearchAPI(live, cache_size)
    # Every endpoint, in one table: add a new one here.
    api = json_app(
        {
            "/api/search": JsonRoute(search.search),
            "/api/health": JsonRoute(search.health),
        }
    )
    site = site_app(site_dir)
    not_found = not_found_app(site_dir)

    def route(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", "")) or "/"
        if is_suspicious_path(path):
            return not_found(environ, start_response)
        if feedback is not None and feedback.handles(path):
            return feedback(environ, start_response)
        if path == "/api" or path.startswith("/api/"):
            return api(environ, start_response)
        return site(environ, start_response)

    return FastpathApp(with_security_headers(route), live)
