"""Searching a Whoosh index build: exact code keys and forgiving word queries.

Queries are built from analysed tokens as query objects, never parsed from user text, so
nothing a user types can be a syntax error. With `search.whoosh_index`, the only Whoosh code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.query import And, FuzzyTerm, Or, Query, Term

from search.documents import SearchDocument
from search.engine import WordMatch
from search.query import fuzzy_distance, swapped_letters
from search.whoosh_index import CODE_ALTERNATES, CODES, PAYLOAD, SYSTEM, TITLE, WORD_FIELDS

# A typo'd match counts for less than the word spelled right.
FUZZY_WEIGHT = 0.5


class WhooshSearcher:
    """One Whoosh searcher (see `search.engine.EngineSearcher`); one thread at a time."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher
        self._analyzer = searcher.schema[TITLE].analyzer

    @staticmethod
    def _filter(system: str | None) -> Query | None:
        return Term(SYSTEM, system) if system else None

    @staticmethod
    def _document(hit: Any) -> SearchDocument:
        return SearchDocument.from_dict(json.loads(hit[PAYLOAD]))

    def find_codes(self, keys: tuple[str, ...], system: str | None = None) -> list[SearchDocument]:
        """Documents claiming any key, canonical or looser; the caller ranks them."""
        terms = [Term(field, key) for key in keys for field in (CODES, CODE_ALTERNATES)]
        if not terms:
            return []
        hits = self._searcher.search(Or(terms), limit=None, filter=self._filter(system))
        return [self._document(hit) for hit in hits]

    def _word_query(self, word: str) -> Query | None:
        """Any field containing the word (or, for plain words, a near miss of it)."""
        distance = fuzzy_distance(word)
        alternatives: list[Query] = []
        for token in self._tokens(word):
            for field, weight in WORD_FIELDS.items():
                alternatives.append(Term(field, token, boost=weight))
                if distance:
                    alternatives.append(
                        FuzzyTerm(
                            field,
                            token,
                            boost=weight * FUZZY_WEIGHT,
                            maxdist=distance,
                            prefixlength=1,
                        )
                    )
        if not alternatives:
            return None  # a stop word, or nothing searchable
        swapped = {t for variant in swapped_letters(word) for t in self._tokens(variant)}
        for token in sorted(swapped):
            for field, weight in WORD_FIELDS.items():
                alternatives.append(Term(field, token, boost=weight * FUZZY_WEIGHT))
        return Or(alternatives)

    def _tokens(self, text: str) -> list[str]:
        return [token.text for token in self._analyzer(text)]

    def find_words(
        self, words: tuple[str, ...], limit: int, system: str | None = None
    ) -> list[WordMatch]:
        """Documents with all the words first, then those with some, each best first."""
        groups = [q for q in (self._word_query(w) for w in words) if q is not None]
        if not groups:
            return []
        found: list[WordMatch] = []
        seen: set[str] = set()
        queries = [(And(groups), True)] + ([(Or(groups), False)] if len(groups) > 1 else [])
        for query, all_words in queries:
            hits = self._searcher.search(
                query, limit=limit + len(seen), filter=self._filter(system)
            )
            for hit in hits:
                document = self._document(hit)
                if document.doc_id not in seen:
                    seen.add(document.doc_id)
                    found.append(WordMatch(document, float(hit.score), all_words))
        return found[:limit]

    def document_count(self) -> int:
        return int(self._searcher.doc_count())

    def close(self) -> None:
        self._searcher.close()


class WhooshIndex:
    """An opened, read-only index build (see `search.engine.EngineIndex`)."""

    def __init__(self, folder: Path) -> None:
        if not whoosh_index.exists_in(str(folder)):
            raise FileNotFoundError(f"no search index in {folder}")
        self.folder = folder
        self._index = whoosh_index.open_dir(str(folder), readonly=True)

    def searcher(self) -> WhooshSearcher:
        return WhooshSearcher(self._index.searcher())

    def close(self) -> None:
        self._index.close()


def open_index(folder: Path) -> WhooshIndex:
    """Open the index build in a folder for searching."""
    return WhooshIndex(folder)
