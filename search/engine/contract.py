"""The contract between Fastpath and its search engine: what an engine must offer.

The engine (today Whoosh, in `search.engine.whoosh_engine`) stores and finds documents;
ranking, snippets, URLs and everything users see are decided outside it, from plain data.
Swapping engines means one new module and the two imports below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from search.documents import SearchDocument


class IndexReadError(Exception):
    """An open index build's files cannot be read: changed or damaged on disk while served."""

    def __init__(self, folder: Path, cause: BaseException) -> None:
        super().__init__(
            f"the search index {folder.name} cannot be read: its files changed on disk while "
            "it was served; publish a new build with `fastpath build` (never copy over a "
            "served build)"
        )
        self.folder = folder
        self.cause = cause


@dataclass(frozen=True, slots=True)
class WordMatch:
    """A document found by words, with the engine's relevance score."""

    document: SearchDocument
    score: float
    all_words: bool


class EngineSearcher(Protocol):
    """One open view of one index build; used by one thread at a time.

    Files that cannot be read (changed on disk while open) raise IndexReadError, never
    crash the process: builds are read without memory maps, whose faults kill it.
    """

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
        """A new searcher over this build; IndexReadError if its files cannot be read."""
        ...

    def close(self) -> None:
        """Release what the index itself holds (searchers are closed on their own)."""
        ...
