"""One search, start to finish: check the request, lease a searcher, rank the hits.

Recent answers are kept per index build (in an outage many people type the same code).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import replace

from builder.urls import system_slug
from search.query import QueryError, check_query, parse_query
from search.ranking import SearchResults, run_search
from search.store.live import LiveIndex

DEFAULT_SIZE = 4096


class ResultCache:
    """A thread-safe LRU of search results; keys include the build, so a rebuild starts fresh."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, SearchResults] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> SearchResults | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, results: SearchResults) -> None:
        with self._lock:
            self._entries[key] = results
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


DEFAULT_LIMIT = 10
MAX_LIMIT = 50


def check_limit(limit: int) -> int:
    """The limit if it is allowed; QueryError otherwise."""
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}; got {limit}")
    return limit


def search_index(
    live: LiveIndex,
    query: str,
    limit: int = DEFAULT_LIMIT,
    system: str | None = None,
    cache: ResultCache | None = None,
) -> SearchResults:
    """Search the current index; QueryError for a bad query, NoIndexError without an index."""
    text = check_query(query)
    check_limit(limit)
    slug = system_slug(system) if system and system.strip() else None
    with live.lease() as lease:
        key = (lease.build, text.casefold(), limit, slug)
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            return replace(cached, query=text)
        # The build knows its families' prefixes: `HL7 204` is read with them.
        plan = parse_query(text, lease.prefixes)
        results = run_search(lease.searcher, plan, limit, slug)
    if cache is not None:
        cache.put(key, results)
    return results
