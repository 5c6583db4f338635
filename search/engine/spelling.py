"""Typo tolerance by correcting words against the index's own vocabulary.

A word the index does not know is replaced by the known words within a small edit distance
(a swap of two letters counts as one edit). The search engine then looks up exact terms only,
which is far cheaper than asking it to expand fuzzy terms on every query.
"""

from __future__ import annotations

from collections.abc import Iterable

from search.query import fuzzy_distance

MAX_CORRECTIONS = 3


class Vocabulary:
    """The words of an index build, grouped by first letter for quick candidate lists."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self.words):
            self._by_initial.setdefault(word[:1], []).append(word)

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def corrections(self, word: str) -> list[str]:
        """Known words within the typo budget of an unknown word, closest first."""
        budget = fuzzy_distance(word)
        if not budget or word in self.words:
            return []
        scored = []
        for candidate in self._by_initial.get(word[:1], ()):
            if abs(len(candidate) - len(word)) <= budget:
                distance = edit_distance(word, candidate, budget)
                if distance <= budget:
                    scored.append((distance, candidate))
        scored.sort()
        return [candidate for _, candidate in scored[:MAX_CORRECTIONS]]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap is one edit); > limit means 'too far'."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[len(b)]
