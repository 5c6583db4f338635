"""One search, start to finish: check the request, lease a searcher, rank the hits."""

from __future__ import annotations

from dataclasses import replace

from builder.urls import system_slug
from search.cache import ResultCache
from search.live import LiveIndex
from search.query import QueryError, parse_query
from search.ranking import run_search
from search.results import SearchResults

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
    plan = parse_query(query)
    check_limit(limit)
    slug = system_slug(system) if system and system.strip() else None
    with live.lease() as lease:
        key = (lease.build, plan.text.casefold(), limit, slug)
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            return replace(cached, query=plan.text)
        results = run_search(lease.searcher, plan, limit, slug)
    if cache is not None:
        cache.put(key, results)
    return results
