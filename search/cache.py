"""Recent answers, kept per index build: in an outage many people type the same code."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from search.results import SearchResults

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
