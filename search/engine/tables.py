"""What a search reads from an index build, precomputed once per build and held in memory.

Everything a query needs is fixed once a build is written: which documents claim each code
key, which system each document belongs to, and each word's relevance score in each document
(the engine's BM25F, the title, symptoms and text fields weighted and summed). Walking the
engine's postings through its matcher objects costs one Python call per posting per field:
at 2,000 trees a three-word query took 50 ms at p99 that way. From these tables it is a few
dictionary look-ups and sums.

The engine computes the tables from its own postings and statistics when it writes a build,
and saves them beside the build's files; this module holds them, reads and writes the file,
and answers from them. It knows nothing of the engine.
"""

from __future__ import annotations

import heapq
import json
import os
import struct
import sys
from array import array
from collections.abc import Iterable, Mapping
from pathlib import Path

TABLES_FILE = "fastpath-tables.bin"
_FORMAT = "fastpath-tables 1"
_HEADER_SIZE = struct.Struct("<Q")  # the length of the JSON header that starts the file
_NO_SYSTEM = -1

Scores = dict[int, float]  # document number -> score


class TablesError(ValueError):
    """A tables file that cannot be read as one."""


class SearchTables:
    """Code keys, document systems and word scores of one build; read-only once made."""

    def __init__(
        self,
        codes: Mapping[str, tuple[int, ...]],
        systems: list[str],
        document_systems: array[int],
        word_spans: Mapping[str, tuple[int, int]],
        documents: array[int],
        scores: array[float],
    ) -> None:
        self.codes = dict(codes)
        self.systems = systems
        self._system_numbers = {name: number for number, name in enumerate(systems)}
        self._document_systems = document_systems
        self._spans = dict(word_spans)
        self._documents = documents
        self._scores = scores

    # -- building ------------------------------------------------------------------------

    @classmethod
    def from_postings(
        cls,
        document_count: int,
        codes: Mapping[str, Iterable[int]],
        systems: Mapping[str, Iterable[int]],
        words: Mapping[str, Mapping[int, float]],
    ) -> SearchTables:
        """Tables from plain postings: code key -> documents, system -> documents, and
        word -> {document: score}."""
        document_systems = array("i", [_NO_SYSTEM]) * document_count
        names = sorted(systems)
        for number, name in enumerate(names):
            for document in systems[name]:
                document_systems[document] = number
        spans: dict[str, tuple[int, int]] = {}
        documents: array[int] = array("i")
        scores: array[float] = array("d")
        for word in sorted(words):
            found = words[word]
            order = sorted(found)
            spans[word] = (len(documents), len(documents) + len(order))
            documents.extend(order)
            scores.extend(found[d] for d in order)
        return cls(
            {key: tuple(sorted(set(docs))) for key, docs in codes.items()},
            names,
            document_systems,
            spans,
            documents,
            scores,
        )

    # -- the file ------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the tables to a file, whole or not at all (a new file renamed over)."""
        header = json.dumps(
            {
                "format": _FORMAT,
                "byteorder": sys.byteorder,
                "codes": self.codes,
                "systems": self.systems,
                "document_systems": self._document_systems.tolist(),
                "words": {word: list(span) for word, span in self._spans.items()},
                "postings": len(self._documents),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as file:
            file.write(_HEADER_SIZE.pack(len(header)))
            file.write(header)
            file.write(self._documents.tobytes())
            file.write(self._scores.tobytes())
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> SearchTables:
        """Read tables written by `save`; TablesError if the file is not such a file."""
        data = path.read_bytes()
        try:
            (size,) = _HEADER_SIZE.unpack_from(data)
            header = json.loads(data[_HEADER_SIZE.size : _HEADER_SIZE.size + size])
            if header.get("format") != _FORMAT or header.get("byteorder") != sys.byteorder:
                raise TablesError(f"{path.name} is not a tables file this version reads")
            postings = int(header["postings"])
            documents: array[int] = array("i")
            scores: array[float] = array("d")
            start = _HEADER_SIZE.size + size
            middle = start + postings * documents.itemsize
            end = middle + postings * scores.itemsize
            if len(data) != end:
                raise TablesError(f"{path.name} is cut short or has bytes to spare")
            documents.frombytes(data[start:middle])
            scores.frombytes(data[middle:end])
            return cls(
                {str(key): tuple(map(int, docs)) for key, docs in header["codes"].items()},
                [str(name) for name in header["systems"]],
                array("i", header["document_systems"]),
                {str(word): (int(a), int(b)) for word, (a, b) in header["words"].items()},
                documents,
                scores,
            )
        except (struct.error, ValueError, TypeError, KeyError, AttributeError) as e:
            if isinstance(e, TablesError):
                raise
            raise TablesError(f"{path.name} cannot be read: {type(e).__name__}: {e}") from e

    # -- answering -----------------------------------------------------------------------

    @property
    def words(self) -> Iterable[str]:
        """Every word some document contains."""
        return self._spans.keys()

    def _system_number(self, system: str | None) -> int | None:
        """None for no filter; a number no document has for a system the build lacks."""
        if system is None:
            return None
        return self._system_numbers.get(system, len(self.systems))

    def code_documents(self, keys: Iterable[str], system: str | None = None) -> list[int]:
        """The documents claiming any of the keys, in document order."""
        found = {document for key in keys for document in self.codes.get(key, ())}
        number = self._system_number(system)
        if number is not None:
            found = {d for d in found if self._document_systems[d] == number}
        return sorted(found)

    def word_scores(self, spellings: Iterable[tuple[str, float]]) -> Scores:
        """Documents containing any of the spellings, each scored by the weighted sum of
        the spellings it contains."""
        summed: Scores = {}
        for word, weight in spellings:
            span = self._spans.get(word)
            if span is None:
                continue
            documents = self._documents[span[0] : span[1]]
            scores = self._scores[span[0] : span[1]]
            if not summed and weight == 1.0:
                summed = dict(zip(documents, scores, strict=True))
                continue
            get = summed.get
            for document, score in zip(documents, scores, strict=True):
                summed[document] = get(document, 0.0) + score * weight
        return summed

    def best(
        self, scores: Scores, count: int, system: str | None = None
    ) -> list[tuple[int, float]]:
        """The `count` best-scoring documents (of one system, if given), best first; equal
        scores in document order."""
        number = self._system_number(system)
        if number is not None:
            systems = self._document_systems
            scores = {d: s for d, s in scores.items() if systems[d] == number}
        items: Iterable[tuple[int, float]] = scores.items()
        if len(scores) > count > 0:  # only what can reach the cut: a float threshold first
            threshold = heapq.nlargest(count, scores.values())[-1]
            items = [(d, s) for d, s in items if s >= threshold]
        return sorted(items, key=lambda item: (-item[1], item[0]))[:count]


def all_of(groups: list[Scores]) -> Scores:
    """Documents in every group, scored by the sum of their scores."""
    if len(groups) < 2:
        return groups[0] if groups else {}
    smallest, *others = sorted(groups, key=len)
    common = smallest.keys() & others[0].keys()
    for other in others[1:]:
        common &= other.keys()
    if len(others) == 1:
        only = others[0]
        return {d: smallest[d] + only[d] for d in common}
    return {d: smallest[d] + sum(other[d] for other in others) for d in common}


def any_of(groups: list[Scores]) -> Scores:
    """Documents in any group, scored by the sum of their scores."""
    if len(groups) < 2:
        return groups[0] if groups else {}
    largest, *others = sorted(groups, key=len, reverse=True)
    summed = dict(largest)
    get = summed.get
    for other in others:
        for document, score in other.items():
            summed[document] = get(document, 0.0) + score
    return summed
