"""Cached answers are the same answers, per build, and bounded."""

from __future__ import annotations

from pathlib import Path

from builder.check import check_paths
from search.ranking import SearchResults
from search.service import ResultCache, search_index
from search.store.live import LiveIndex
from search.store.publish import build_index

TREES = Path(__file__).parent / "data" / "search" / "trees"


def test_cached_answers_equal_fresh_ones_and_keep_the_typed_query(tmp_path: Path) -> None:
    build_index(check_paths([TREES]).trees, tmp_path)
    live = LiveIndex(tmp_path, check_interval=0)
    cache = ResultCache()
    try:
        fresh = search_index(live, "0xA801", cache=cache)
        assert (cache.hits, cache.misses) == (0, 1)
        again = search_index(live, "0XA801", cache=cache)  # case does not matter
        assert (cache.hits, cache.misses) == (1, 1)
        assert again.hits == fresh.hits
        assert again.query == "0XA801"  # the answer names the query as typed
        search_index(live, "A801", cache=cache)  # other text: its own entry
        assert (cache.hits, cache.misses) == (1, 2)
    finally:
        live.close()


def test_cache_is_bounded_and_keeps_the_most_recent() -> None:
    cache = ResultCache(size=2)
    empty = SearchResults("q", None, ())
    for key in ("a", "b", "c"):
        cache.put(key, empty)
    assert cache.get("a") is None
    assert cache.get("c") is empty
