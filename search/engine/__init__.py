"""The contract between Fastpath and its search engine, and which engine is used.

The engine (today Whoosh, in `search.engine.whoosh_engine`) stores and finds documents;
ranking, snippets, URLs and everything users see are decided outside it, from plain data.
Swapping engines means one new module and the two imports below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from search.documents import SearchDocument


@dataclass(frozen=True, slots=True)
class WordMatch:
    """A document found by words, with the engine's relevance score."""

    document: SearchDocument
    score: float
    all_words: bool


class EngineSearcher(Protocol):
    """One open view of one index build; used by one thread at a time."""

    def find_codes(self, keys: tuple[str, ...], system: str | None = None) -> list[SearchDocument]:
        """Documents claiming any of the keys, as a canonical or a looser key."""
        ...

    def find_words(
        self, words: tuple[str, ...], limit: int, system: str | None = None
    ) -> list[WordMatch]:
        """Documents matching the words, best first: all words before some words."""
        ...

    def document_count(self) -> int:
        """How many documents the index holds."""
        ...

    def close(self) -> None:
        """Release the files this searcher holds."""
        ...


class EngineIndex(Protocol):
    """An opened index build, from which searchers are made."""

    def searcher(self) -> EngineSearcher:
        """A new searcher over this build."""
        ...

    def close(self) -> None:
        """Release what the index itself holds (searchers are closed on their own)."""
        ...


def write_engine_index(documents: Iterable[SearchDocument], folder: Path) -> int:
    """Write the documents as a new index in an empty folder; return how many."""
    from search.engine.whoosh_engine import write_index

    return write_index(documents, folder)


def update_engine_index(
    folder: Path, remove: Iterable[str], documents: Iterable[SearchDocument]
) -> int:
    """Remove documents by id from the index in a folder and add others; return how many
    were added."""
    from search.engine.whoosh_engine import update_index

    return update_index(folder, remove, documents)


def open_engine_index(folder: Path) -> EngineIndex:
    """Open the index build in a folder for searching."""
    from search.engine.whoosh_engine import open_index

    return open_index(folder)
