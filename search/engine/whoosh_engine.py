"""The Whoosh engine: its schema, writing one index build, and searching it.

The only module that imports Whoosh. A build is written by Whoosh, then its search tables
(`search.engine.tables`) are computed from Whoosh's postings and scoring and saved beside it;
searches read the tables, and Whoosh's stored documents for the hits. User text is only ever
analysed into tokens, never parsed as a query, so nothing a user types can be a syntax error.
Swapping the engine means writing this module again against the contract in `search.engine`.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.lang.porter import stem
from whoosh.matching import FilterMatcher

from search.documents import SearchDocument
from search.engine.contract import IndexReadError, WordMatch
from search.engine.spelling import Vocabulary
from search.engine.tables import TABLES_FILE, Scores, SearchTables, TablesError, all_of, any_of

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
    return _write(whoosh_index.create_in(str(folder), build_schema()), folder, (), documents)


def update_index(folder: Path, remove: Iterable[str], documents: Iterable[SearchDocument]) -> int:
    """Remove documents by id from the index in a folder and add others; return how many
    were added. Only new files are written: a copy of a published build can be updated."""
    return _write(whoosh_index.open_dir(str(folder)), folder, remove, documents)


def _write(
    ix: Any, folder: Path, remove: Iterable[str], documents: Iterable[SearchDocument]
) -> int:
    """Remove documents by id, add the others, commit all at once, then write the search
    tables; return how many were added. Nothing is committed if anything fails."""
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
    compute_tables(folder).save(folder / TABLES_FILE)
    return count


def compute_tables(folder: Path) -> SearchTables:
    """The search tables of the index in a folder, from its postings and statistics.

    Word scores are Whoosh's BM25F as its searcher computes them (the same idf, average
    field length, stored field length, B and K1), times the field's weight, summed over the
    word fields. Deleted documents are left out.
    """
    ix = whoosh_index.open_dir(str(folder))
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            count = reader.doc_count_all()
            live = [not reader.is_deleted(d) for d in range(count)]

            def postings(field: str, term: Any) -> Iterator[int]:
                blocks = _posting_blocks(reader, field, term)
                return (d for ids, _ in blocks for d in ids if live[d])

            codes: dict[str, list[int]] = {}
            for field in (CODES, CODE_ALTERNATES):
                for term in reader.lexicon(field):
                    codes.setdefault(_text(term), []).extend(postings(field, term))
            systems = {_text(t): list(postings(SYSTEM, t)) for t in reader.lexicon(SYSTEM)}
            words: dict[str, Scores] = {}
            b, k1 = searcher.weighting.B, searcher.weighting.K1
            for field, field_weight in WORD_FIELDS.items():
                lengths = [searcher.doc_field_length(d, field, 1) for d in range(count)]
                average = searcher.avg_field_length(field) or 1
                for term in reader.lexicon(field):
                    idf = searcher.idf(field, term)
                    scores = words.setdefault(_text(term), {})
                    get = scores.get
                    for ids, weights in _posting_blocks(reader, field, term):
                        for d, tf in zip(ids, weights, strict=True):
                            if live[d]:
                                # whoosh.scoring.bm25, inlined: one call per posting less
                                score = idf * (
                                    (tf * (k1 + 1))
                                    / (tf + k1 * ((1 - b) + b * lengths[d] / average))
                                )
                                scores[d] = get(d, 0.0) + field_weight * score
            return SearchTables.from_postings(count, codes, systems, words)
    finally:
        ix.close()


def _posting_blocks(
    reader: Any, field: str, term: Any
) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's postings as (document numbers, weights), one block at a time, deleted
    documents included. Where Whoosh's own matcher holds a block's arrays, they are read
    whole: one call per block where stepping its matcher costs three per posting."""
    for leaf, base in reader.leaf_readers():
        if (field, term) not in leaf:
            continue
        matcher = leaf.postings(field, term)
        if isinstance(matcher, FilterMatcher):  # a segment's deletions: the caller skips them
            matcher = matcher.child
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                matcher._read_ids()
                matcher._read_weights()
                ids = matcher._ids
                yield (ids if not base else [base + d for d in ids]), matcher._weights
                matcher._next_block()
            continue
        found: list[tuple[int, float]] = []
        while matcher.is_active():
            found.append((base + matcher.id(), matcher.weight()))
            matcher.next()
        yield [d for d, _ in found], [w for _, w in found]


def _text(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


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


# Documents read and decoded lately, per build: the same steps (a status range, a popular
# code's step, a common word's best matches) come back in many answers, and reading one
# (decompressing and decoding it) is most of a code lookup's time. About 4 KB each: at most
# 32 MB a build, every document of a 2,000-tree knowledge base.
RECENT_DOCUMENTS = 8_192


class RecentDocuments:
    """The documents of one build read most recently, shared by its searchers' threads."""

    def __init__(self, size: int = RECENT_DOCUMENTS) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._documents: OrderedDict[int, SearchDocument] = OrderedDict()

    def get(self, number: int) -> SearchDocument | None:
        with self._lock:
            document = self._documents.get(number)
            if document is not None:
                self._documents.move_to_end(number)
            return document

    def put(self, number: int, document: SearchDocument) -> None:
        with self._lock:
            self._documents[number] = document
            if len(self._documents) > self._size:
                self._documents.popitem(last=False)


@contextmanager
def _reading(folder: Path) -> Iterator[None]:
    """Whatever reading a damaged file raises (struct, EOF, pickle, ...) as IndexReadError."""
    try:
        yield
    except Exception as e:
        raise IndexReadError(folder, e) from e


class WhooshSearcher:
    """One Whoosh searcher (see `search.engine.EngineSearcher`); one thread at a time.

    Matching and scoring read the build's search tables; Whoosh's searcher reads the stored
    documents of the hits.
    """

    def __init__(
        self,
        searcher: Any,
        tables: SearchTables,
        vocabulary: Vocabulary,
        folder: Path,
        stem_cache: Any,
        recent: RecentDocuments,
    ) -> None:
        self._folder = folder
        self._searcher = searcher
        self._tables = tables
        self._recent = recent
        self.stem_cache = stem_cache
        self._analyzer = query_analyzer(stem_cache)
        self._vocabulary = vocabulary

    def _document(self, number: int) -> SearchDocument:
        document = self._recent.get(number)
        if document is None:
            with _reading(self._folder):
                payload = self._searcher.stored_fields(number)[PAYLOAD]
                document = SearchDocument.from_dict(json.loads(payload))
            self._recent.put(number, document)
        return document

    def find_codes(self, keys: tuple[str, ...], system: str | None = None) -> list[SearchDocument]:
        """Documents claiming any key, canonical or looser; the caller ranks them."""
        return [self._document(n) for n in self._tables.code_documents(keys, system)]

    def _corrected(self, tokens: list[str]) -> list[tuple[str, float]]:
        """The tokens as written, and the corrections of those the index does not know."""
        spellings: list[tuple[str, float]] = []
        for token in tokens:
            spellings.append((token, 1.0))
            spellings += [(c, FUZZY_WEIGHT) for c in self._vocabulary.corrections(token)]
        return spellings

    def _word_scores(self, groups: list[list[tuple[str, float]]]) -> list[Scores]:
        """Each query word's documents and scores: any of its spellings, once per distinct
        word (a stop word, with no spelling, is left out)."""
        distinct = dict.fromkeys(tuple(dict.fromkeys(group)) for group in groups if group)
        return [self._tables.word_scores(spellings) for spellings in distinct]

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
        exact_scores = self._word_scores(exact)
        if exact_scores:
            self._collect(all_of(exact_scores), True, limit, system, found, seen)
        if len(found) >= limit:
            return found[:limit]
        forgiving = [self._corrected(group) for group in tokens]
        scores = self._word_scores(forgiving) if forgiving != exact else exact_scores
        if not scores:
            return found
        if forgiving != exact:  # a typo was corrected: all the words, as corrected
            self._collect(all_of(scores), True, limit, system, found, seen)
        if len(scores) > 1:
            self._collect(any_of(scores), False, limit, system, found, seen)
        return found[:limit]

    def _collect(
        self,
        scores: Scores,
        all_words: bool,
        limit: int,
        system: str | None,
        found: list[WordMatch],
        seen: set[str],
    ) -> None:
        """Add the best-scoring documents that are not in `found` yet."""
        if len(found) >= limit:
            return
        for number, score in self._tables.best(scores, limit + len(seen), system):
            document = self._document(number)
            if document.doc_id not in seen:
                seen.add(document.doc_id)
                found.append(WordMatch(document, score, all_words))

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
        self._tables = _open_tables(folder)
        self._vocabulary = Vocabulary(self._tables.words)
        self._recent = RecentDocuments()

    def searcher(self) -> WhooshSearcher:
        with _reading(self.folder):
            searcher = self._index.searcher()
        return WhooshSearcher(
            searcher, self._tables, self._vocabulary, self.folder, self.stem_cache, self._recent
        )

    def close(self) -> None:
        self._index.close()


def _open_tables(folder: Path) -> SearchTables:
    """The build's saved search tables; computed from the index for a build saved without
    them (written before they were kept)."""
    path = folder / TABLES_FILE
    if not path.exists():
        with _reading(folder):
            return compute_tables(folder)
    try:
        return SearchTables.load(path)
    except (OSError, TablesError) as e:
        raise IndexReadError(folder, e) from e


def open_index(folder: Path) -> WhooshIndex:
    """Open the index build in a folder for searching."""
    return WhooshIndex(folder)
