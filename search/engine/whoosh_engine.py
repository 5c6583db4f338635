"""The Whoosh engine: its schema, writing one index build, and searching it.

The only module that imports Whoosh. Queries are built from analysed tokens as query objects,
never parsed from user text, so nothing a user types can be a syntax error. Swapping the
engine means writing this module again against the contract in `search.engine`.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.lang.porter import stem
from whoosh.query import And, Or, Query, Term

from search.documents import SearchDocument
from search.engine.contract import IndexReadError, WordMatch
from search.engine.spelling import Vocabulary

# Field names, shared with the searcher.
DOC_ID = "doc_id"
SYSTEM = "system"
CODES = "codes"
CODE_ALTERNATES = "code_alternates"
TITLE = "title"
SYMPTOMS = "symptoms"
TEXT_FIELD = "text"
PAYLOAD = "payload"

# How much a word in each field counts: title and symptoms say what the tree is about.
WORD_FIELDS: dict[str, float] = {TITLE: 3.0, SYMPTOMS: 2.0, TEXT_FIELD: 1.0}


def build_schema() -> Schema:
    """Codes are exact keywords; titles, symptoms and text are stemmed words."""
    words = StemmingAnalyzer()
    return Schema(
        **{
            DOC_ID: ID(stored=True, unique=True),
            SYSTEM: ID(),
            CODES: KEYWORD(lowercase=False, scorable=False),
            CODE_ALTERNATES: KEYWORD(lowercase=False, scorable=False),
            TITLE: TEXT(analyzer=words),
            SYMPTOMS: TEXT(analyzer=words),
            TEXT_FIELD: TEXT(analyzer=words),
            PAYLOAD: STORED(),
        }
    )


def _fields(document: SearchDocument) -> dict[str, str]:
    alternates = {alt for claim in document.codes for alt in claim.alternates}
    return {
        DOC_ID: document.doc_id,
        SYSTEM: document.system_slug,
        CODES: " ".join(sorted({c.key for c in document.codes if c.key})),
        CODE_ALTERNATES: " ".join(sorted(alternates)),
        TITLE: document.title,
        SYMPTOMS: "\n".join(document.symptoms),
        TEXT_FIELD: document.text,
        PAYLOAD: json.dumps(document.to_dict(), ensure_ascii=False),
    }


def write_index(documents: Iterable[SearchDocument], folder: Path) -> int:
    """Write the documents as a new index in an existing, empty folder; return the count."""
    return _write(whoosh_index.create_in(str(folder), build_schema()), (), documents)


def update_index(folder: Path, remove: Iterable[str], documents: Iterable[SearchDocument]) -> int:
    """Remove documents by id from the index in a folder and add others; return how many
    were added. Only new files are written: a copy of a published build can be updated."""
    return _write(whoosh_index.open_dir(str(folder)), remove, documents)


def _write(ix: Any, remove: Iterable[str], documents: Iterable[SearchDocument]) -> int:
    """Remove documents by id, add the others, commit all at once; return how many were added.
    Nothing is committed if anything fails."""
    count = 0
    writer = ix.writer()
    try:
        for doc_id in remove:
            writer.delete_by_term(DOC_ID, doc_id)
        for document in documents:
            writer.add_document(**_fields(document))
            count += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    return count


# Stems of query words, cached once per build for all its searchers and threads. Whoosh's
# own cache (an LFU dict inside each analyser) is not thread-safe: shared between threads it
# raised "dictionary changed size during iteration" and grew far past its cap. lru_cache is
# bounded and safe to call from any thread.
STEM_CACHE_SIZE = 50_000


def query_analyzer(stem_cache: Any) -> Any:
    """The index's word analyser (the same tokens, stop words and stems), with our cache."""
    return StemmingAnalyzer(stemfn=stem_cache, cachesize=None)


# A typo'd match counts for less than the word spelled right.
FUZZY_WEIGHT = 0.5


@contextmanager
def _reading(folder: Path) -> Iterator[None]:
    """Whatever reading a damaged file raises (struct, EOF, pickle, ...) as IndexReadError."""
    try:
        yield
    except Exception as e:
        raise IndexReadError(folder, e) from e


class WhooshSearcher:
    """One Whoosh searcher (see `search.engine.EngineSearcher`); one thread at a time."""

    def __init__(
        self, searcher: Any, vocabulary: Vocabulary, folder: Path, stem_cache: Any
    ) -> None:
        self._folder = folder
        self._searcher = searcher
        self.stem_cache = stem_cache
        self._analyzer = query_analyzer(stem_cache)
        self._vocabulary = vocabulary

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
        with _reading(self._folder):
            hits = self._searcher.search(Or(terms), limit=None, filter=self._filter(system))
            return [self._document(hit) for hit in hits]

    def _corrected(self, tokens: list[str]) -> list[tuple[str, float]]:
        """The tokens as written, and the corrections of those the index does not know."""
        spellings: list[tuple[str, float]] = []
        for token in tokens:
            spellings.append((token, 1.0))
            spellings += [(c, FUZZY_WEIGHT) for c in self._vocabulary.corrections(token)]
        return spellings

    @staticmethod
    def _word_query(spellings: list[tuple[str, float]]) -> Query | None:
        """Any field containing any of the spellings, each field weighted."""
        alternatives: list[Query] = [
            Term(field, spelling, boost=field_weight * weight)
            for spelling, weight in spellings
            for field, field_weight in WORD_FIELDS.items()
        ]
        if not alternatives:
            return None  # a stop word, or nothing searchable
        return Or(alternatives)

    def _tokens(self, text: str) -> list[str]:
        return [token.text for token in self._analyzer(text)]

    def find_words(
        self, words: tuple[str, ...], limit: int, system: str | None = None
    ) -> list[WordMatch]:
        """Documents with all the words first, then those with some, each best first.

        Words spelled as written come first; typo-tolerant matching (every near miss in
        the vocabulary joins the query) runs only when they find too little, and only for
        words the index does not know.
        """
        found: list[WordMatch] = []
        seen: set[str] = set()
        tokens = [self._tokens(w) for w in words]
        exact = [[(token, 1.0) for token in group] for group in tokens]
        exact_queries = [q for q in map(self._word_query, exact) if q]
        if exact_queries:
            self._collect(And(exact_queries), True, limit, system, found, seen)
        if len(found) >= limit:
            return found[:limit]
        forgiving = [self._corrected(group) for group in tokens]
        queries = [q for q in map(self._word_query, forgiving) if q]
        if not queries:
            return found
        if forgiving != exact:  # a typo was corrected: all the words, as corrected
            self._collect(And(queries), True, limit, system, found, seen)
        if len(queries) > 1:
            self._collect(Or(queries), False, limit, system, found, seen)
        return found[:limit]

    def _collect(
        self,
        query: Query,
        all_words: bool,
        limit: int,
        system: str | None,
        found: list[WordMatch],
        seen: set[str],
    ) -> None:
        """Add the query's best hits that are not in `found` yet."""
        if len(found) >= limit:
            return
        with _reading(self._folder):
            hits = self._searcher.search(
                query, limit=limit + len(seen), filter=self._filter(system)
            )
            for hit in hits:
                document = self._document(hit)
                if document.doc_id not in seen:
                    seen.add(document.doc_id)
                    found.append(WordMatch(document, float(hit.score), all_words))

    def document_count(self) -> int:
        with _reading(self._folder):
            return int(self._searcher.doc_count())

    def close(self) -> None:
        self._searcher.close()


class _SharedBytes(BufferFile):  # type: ignore[misc]  # Whoosh has no type hints
    """A file held in memory; the files inside it (a compound segment's parts) are cut out
    once and shared by every reader, instead of copied for each new searcher."""

    def __init__(self, data: bytes, name: str, parts: dict[tuple[int, int], bytes]) -> None:
        super().__init__(data, name=name)
        self._parts = parts

    def subset(self, position: int, length: int, name: str | None = None) -> BufferFile:
        part = self._parts.get((position, length))
        if part is None:
            # setdefault: of two threads cutting the same part, both keep the first one.
            part = self._parts.setdefault((position, length), self.get(position, length))
        return BufferFile(part, name=name or self._name)


class _InMemoryStorage(FileStorage):  # type: ignore[misc]  # Whoosh has no type hints
    """A build's files, each read from disk once, then served from memory.

    Whoosh would memory-map the segment: a mapped file truncated or rewritten under the
    server (a copy over the live build) kills the whole process with SIGBUS on the next read.
    Held in memory, a build keeps answering from what it was when it opened, whatever
    happens to its files; it is as fast as the map, and builds are small (18 MB on disk
    at 2,000 trees, about 30 MB held, whatever the number of searchers).
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), supports_mmap=False, readonly=True)
        self._lock = threading.Lock()
        self._names: list[str] | None = None
        self._files: dict[str, bytes] = {}
        self._parts: dict[str, dict[tuple[int, int], bytes]] = {}

    def list(self) -> list[str]:
        with self._lock:  # the folder as it was when the build opened
            if self._names is None:
                self._names = list(super().list())
            return list(self._names)

    def open_file(self, name: str, **kwargs: Any) -> BufferFile:
        with self._lock:
            if name not in self._files:
                with open(self._fpath(name), "rb") as file:
                    self._files[name] = file.read()
                self._parts[name] = {}
            return _SharedBytes(self._files[name], name, self._parts[name])


class WhooshIndex:
    """An opened, read-only index build (see `search.engine.EngineIndex`)."""

    def __init__(self, folder: Path) -> None:
        if not whoosh_index.exists_in(str(folder)):
            raise FileNotFoundError(f"no search index in {folder}")
        self.folder = folder
        self._index = whoosh_index.FileIndex(_InMemoryStorage(folder))
        self.stem_cache = functools.lru_cache(maxsize=STEM_CACHE_SIZE)(stem)
        with self._index.reader() as reader:
            self._vocabulary = Vocabulary(
                term.decode("utf-8") if isinstance(term, bytes) else str(term)
                for field in WORD_FIELDS
                for term in reader.lexicon(field)
            )

    def searcher(self) -> WhooshSearcher:
        with _reading(self.folder):
            searcher = self._index.searcher()
        return WhooshSearcher(searcher, self._vocabulary, self.folder, self.stem_cache)

    def close(self) -> None:
        self._index.close()


def open_index(folder: Path) -> WhooshIndex:
    """Open the index build in a folder for searching."""
    return WhooshIndex(folder)
