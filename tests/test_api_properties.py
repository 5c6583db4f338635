"""Whatever a client sends, the API answers in JSON and never with a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.check import check_paths
from search.query import MAX_QUERY_LENGTH
from search.store.publish import build_index
from search.web.app import FastpathApp, create_app
from search.web.testing import call_wsgi

DATA = Path(__file__).parent / "data" / "search"

QUERY_SYNTAX = st.sampled_from(
    ['"', "(", ")", "*", "?", "~", ":", "\\", "^", "[", "]", "{", "}", "AND", "OR", "NOT",
     "TO", "-", "+", "/", "%", "&", "=", "#", "0x", "A700", "DCM-0042", "h", "\x00", "\u202e"]
)  # fmt: skip
QUERIES = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(QUERY_SYNTAX, st.text(max_size=8)), max_size=40).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "P", "S"])),
)
LIMITS = st.one_of(st.none(), st.integers(-5, 60).map(str), st.text(max_size=5))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastpathApp]:
    out = tmp_path_factory.mktemp("props") / "index"
    build_index(check_paths([DATA / "trees"]).trees, out)
    app = create_app(DATA / "site", out, check_interval=3600)
    yield app
    app.close()


def _check_json(status: int, content_type: str, body: bytes) -> dict[str, object]:
    assert status in (200, 400), (status, body)
    assert content_type == "application/json; charset=utf-8"
    data = json.loads(body.decode("utf-8"))
    assert isinstance(data, dict)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES, limit=LIMITS)
def test_any_query_gets_json_and_never_a_500(
    app: FastpathApp, query: str, limit: str | None
) -> None:
    target = f"/api/search?q={quote(query.encode('utf-8'))}"
    if limit is not None:
        target += f"&limit={quote(limit.encode('utf-8'))}"
    response = call_wsgi(app.wsgi, target)
    data = _check_json(response.status, response.headers["content-type"], response.body)
    if response.status == 200:
        assert set(data) == {"query", "normalised", "ambiguous", "results"}
        assert len(query) <= MAX_QUERY_LENGTH and query.strip()
    else:
        assert isinstance(data["error"], str) and data["error"]


@settings(max_examples=200, deadline=None)
@given(raw=st.text(alphabet=st.characters(max_codepoint=255), max_size=300))
def test_any_raw_query_string_gets_json_and_never_a_500(app: FastpathApp, raw: str) -> None:
    # QUERY_STRING as a server passes it: undecoded bytes, possibly malformed (%zz, &&, ==).
    response = call_wsgi(app.wsgi, "/api/search", query_string=raw)
    _check_json(response.status, response.headers["content-type"], response.body)
