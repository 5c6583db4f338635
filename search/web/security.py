"""Headers every response carries, and the paths that are refused before anything looks.

The Content-Security-Policy fits a Material for MkDocs site served from one origin:
- script-src needs 'unsafe-inline': Material writes small inline scripts into every page
  (`__md_scope`/`__md_get` in the head, palette and tab state in the body) and re-runs
  inline scripts of page content after instant navigation, so per-page hashes would not
  hold across pages. 'unsafe-eval' is never allowed.
- style-src needs 'unsafe-inline' for the theme's and Mermaid's inline styles.
- img-src/font-src allow data: URIs (the theme's icons are inline SVG data).
Scripts from other origins (a CDN copy of Mermaid, web fonts) are blocked: the site must
carry its own copies, which it needs anyway to work offline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

if TYPE_CHECKING:
    from _typeshed import OptExcInfo

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


def with_security_headers(app: WSGIApplication) -> WSGIApplication:
    """Wrap an app so that every response, error pages included, carries the headers."""
    names = {name.lower() for name, _ in SECURITY_HEADERS}

    def secured(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
        ) -> Callable[[bytes], object]:
            kept = [(k, v) for k, v in headers if k.lower() not in names]
            return start_response(status, kept + list(SECURITY_HEADERS), exc_info)

        return app(environ, start)

    return secured


def is_suspicious_path(path: str) -> bool:
    """True for request paths no site file can have: traversal, backslashes, NUL bytes.

    The static layer refuses these too; saying no first keeps them away from the file
    system altogether.
    """
    if "\\" in path or "\x00" in path or "%" in path:
        return True
    segments = path.split("/")
    return any(segment in (".", "..") for segment in segments)
