"""The API contract and the static site, driven in process through the WSGI app."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import pytest

from builder.check import check_paths
from search.documents import documents_from_trees
from search.store.builds import current_build
from search.store.publish import build_index
from search.web.app import FastpathApp, create_app
from search.web.security import SECURITY_HEADERS
from search.web.static import site_app
from search.web.testing import WSGIResponse, call_wsgi

DATA = Path(__file__).parent / "data" / "search"
SITE = DATA / "site"
PACS = "trees/pacs-viewer/pacs-images-not-loading/"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = check_paths([DATA / "trees"])
    out = tmp_path_factory.mktemp("api") / "index"
    build_index(result.trees, out)
    return out


@pytest.fixture(scope="module")
def app(index_dir: Path) -> Iterator[FastpathApp]:
    app = create_app(SITE, index_dir, check_interval=0)
    yield app
    app.close()


def get(app: FastpathApp, target: str, method: str = "GET") -> WSGIResponse:
    return call_wsgi(app.wsgi, target, method)


def search(app: FastpathApp, query: str, extra: str = "") -> WSGIResponse:
    return get(app, f"/api/search?q={quote(query)}{extra}")


def test_search_answers_with_the_documented_json(app: FastpathApp) -> None:
    response = search(app, "0xA801")
    assert response.status == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert set(data) == {"query", "normalised", "ambiguous", "results"}
    assert (data["query"], data["normalised"]) == ("0xA801", "A801")
    first = data["results"][0]
    assert {"title", "tree", "step", "url", "matched_code", "snippet", "score"} <= set(first)
    assert first["url"] == f"{PACS}?code=0xA801#step-single-study"
    assert (first["tree"], first["step"], first["matched_code"]) == (
        "pacs-images-not-loading",
        "single-study",
        "0xA801",
    )
    assert first["title"] == "Clear the cache for this study"
    assert first["score"] == 1.0


def test_search_reads_utf8_and_plus_signs(app: FastpathApp) -> None:
    data = get(app, "/api/search?q=DCM+0042").json()
    assert data["query"] == "DCM 0042" and data["results"][0]["matched_code"] == "DCM-0042"
    assert search(app, "Bildschirm schwarz ü 画像").json()["query"] == "Bildschirm schwarz ü 画像"
    assert get(app, "/api/search?q=%ff%fe+a").json()["query"] == "\ufffd\ufffd a"
    assert get(app, "/api/search?q=caf\xc3\xa9").json()["query"] == "café"


@pytest.mark.parametrize(("limit", "count"), [("", 10), ("&limit=1", 1), ("&limit=50", 50)])
def test_limit_caps_the_results(app: FastpathApp, limit: str, count: int) -> None:
    results = search(app, "the images screen study cable microphone vpn", limit).json()["results"]
    assert 1 <= len(results) <= count


@pytest.mark.parametrize("limit", ["0", "51", "-1", "ten", "1.5", " 5", "99999999999999999999"])
def test_an_invalid_limit_is_a_400(app: FastpathApp, limit: str) -> None:
    response = get(app, f"/api/search?q=vpn&limit={quote(limit)}")
    assert response.status == 400
    assert "limit" in response.json()["error"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/api/search", "missing parameter q"),
        ("/api/search?q=", "empty"),
        ("/api/search?q=%20%20", "empty"),
        (f"/api/search?q={'x' * 257}", "256"),
        ("/api/search?" + "&".join(f"p{i}=1" for i in range(30)), "too many"),
    ],
)
def test_bad_queries_are_a_400_with_a_clear_message(
    app: FastpathApp, target: str, message: str
) -> None:
    response = get(app, target)
    assert response.status == 400
    assert message in response.json()["error"]


def test_a_query_of_exactly_the_limit_is_fine(app: FastpathApp) -> None:
    assert search(app, "x" * 256).status == 200


def test_health_names_the_build_and_counts_documents(app: FastpathApp, index_dir: Path) -> None:
    data = get(app, "/api/health").json()
    expected = len(documents_from_trees(check_paths([DATA / "trees"]).trees))
    build = current_build(index_dir)
    assert build is not None
    assert data == {
        "status": "ok",
        "documents": expected,
        "index": build.name,
        "worker": os.getpid(),
    }


def test_other_methods_and_endpoints(app: FastpathApp) -> None:
    response = get(app, "/api/search?q=vpn", method="POST")
    assert (response.status, response.headers["allow"]) == (405, "GET, HEAD")
    assert get(app, "/api/nothing").status == 404
    assert get(app, "/api/nothing").json()["error"].startswith("no such API endpoint")
    head = get(app, "/api/search?q=vpn", method="HEAD")
    assert head.status == 200 and head.body == b""


def test_without_an_index_the_api_says_how_to_build_one(tmp_path: Path) -> None:
    app = create_app(SITE, tmp_path / "none", check_interval=0)
    search_response = call_wsgi(app.wsgi, "/api/search?q=vpn")
    assert search_response.status == 503
    assert "fastpath build" in search_response.json()["error"]
    health = call_wsgi(app.wsgi, "/api/health")
    assert (health.status, health.json()["status"]) == (503, "no-index")


@pytest.mark.parametrize(
    ("target", "status", "content_type"),
    [
        ("/", 200, "text/html; charset=utf-8"),
        (f"/{PACS}", 200, "text/html; charset=utf-8"),
        ("/assets/style.css", 200, "text/css; charset=utf-8"),
        (f"/{PACS.rstrip('/')}", 302, None),
        ("/index.html", 302, None),
        ("/missing/", 404, "text/html; charset=utf-8"),
        ("/api/search?q=0xA801", 200, "application/json; charset=utf-8"),
        ("/api/search?q=", 400, "application/json; charset=utf-8"),
        ("/api/health", 200, "application/json; charset=utf-8"),
    ],
)
def test_site_and_api_responses_carry_security_headers(
    app: FastpathApp, target: str, status: int, content_type: str | None
) -> None:
    response = get(app, target)
    assert response.status == status
    if content_type:  # WhiteNoise quotes the charset: text/css; charset="utf-8"
        assert response.headers["content-type"].replace('"', "") == content_type
    for name, value in SECURITY_HEADERS:
        assert response.headers[name.lower()] == value
    assert len([n for n, _ in response.raw_headers if n.lower() == "x-frame-options"]) == 1


def test_the_content_security_policy_is_strict_where_it_can_be() -> None:
    policy = dict(SECURITY_HEADERS)["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert "http" not in policy, "no other origin may serve scripts or styles"


def test_missing_pages_get_the_sites_404_page(app: FastpathApp) -> None:
    response = get(app, "/no/such/page/")
    assert response.status == 404
    assert b"Page not found" in response.body


@pytest.mark.parametrize(
    "target",
    [
        "/../outside-site.txt",
        "/%2e%2e/outside-site.txt",
        "/%2E%2E/outside-site.txt",
        "/trees/%2e%2e/%2e%2e/outside-site.txt",
        "/..%2foutside-site.txt",
        "/..%5coutside-site.txt",
        "/%2e%2e%5coutside-site.txt",
        "/..\\outside-site.txt",
        "/trees/..%5c..%5coutside-site.txt",
        "/%252e%252e/outside-site.txt",
        "//etc/passwd",
        "/./index.html",
        "/index.html%00.css",
        "/api/../outside-site.txt",
    ],
)
def test_path_traversal_is_a_404(app: FastpathApp, target: str) -> None:
    response = get(app, target)
    assert response.status == 404
    assert b"SECRET" not in response.body


def test_assets_named_by_their_content_are_cached_for_good(tmp_path: Path) -> None:
    for name in ("assets/javascripts/bundle.a5f9d56c.min.js", "assets/fastpath/fastpath.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("/* script */", encoding="utf-8")
    app = site_app(tmp_path)
    hashed = call_wsgi(app, "/assets/javascripts/bundle.a5f9d56c.min.js").headers
    plain = call_wsgi(app, "/assets/fastpath/fastpath.js").headers
    assert "immutable" in hashed["cache-control"]
    assert "max-age=315360000" in hashed["cache-control"]
    assert "immutable" not in plain["cache-control"]


def _get_page(app: Any, accept_encoding: str) -> tuple[dict[str, str], bytes]:
    environ: dict[str, Any] = {"PATH_INFO": "/", "HTTP_ACCEPT_ENCODING": accept_encoding}
    setup_testing_defaults(environ)
    captured: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured.update({name.lower(): value for name, value in headers})
        return lambda data: None

    return captured, b"".join(app(environ, start_response))


def test_pages_are_compressed_for_browsers_that_accept_it(tmp_path: Path) -> None:
    page = "<!doctype html><title>x</title>" + "<p>Do other studies open?</p>" * 200
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    app = site_app(tmp_path)
    headers, body = _get_page(app, "gzip, deflate")
    assert headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(body).decode("utf-8") == page
    assert int(headers["content-length"]) == len(body) < len(page) // 10
    plain_headers, plain = _get_page(app, "")
    assert "content-encoding" not in plain_headers and plain.decode("utf-8") == page
