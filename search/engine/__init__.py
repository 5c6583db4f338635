"""The search engine behind Fastpath's own small interface, and which engine is used.

The contract is in `search.engine.contract`; today's engine is Whoosh, in
`search.engine.whoosh_engine` (the only module that imports it). Each build also keeps
search tables (`search.engine.tables`: code keys, systems, and every word's score in every
document, computed from Whoosh's own postings and BM25F) that queries read in memory; spelling
correction is against the index vocabulary (`search.engine.spelling`). Swapping engines means
one new module and the two imports below.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from search.documents import SearchDocument
from search.engine.contract import EngineIndex, EngineSearcher, IndexReadError, WordMatch

__all__ = [
    "EngineIndex",
    "EngineSearcher",
    "IndexReadError",
    "WordMatch",
    "open_engine_index",
    "write_engine_index",
]


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
