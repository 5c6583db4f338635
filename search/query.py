"""Read a user's query: the code keys it may mean and the words it contains.

User input is never handed to a query parser: it is cut into plain tokens here, and the
engine builds its query from those tokens, so `AND`, `(`, `"`, `*`, `~`, `:` and `\\` are
just text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from builder.codes import PrefixTable, Reading, range_keys, read_code

MAX_QUERY_LENGTH = 256
MAX_WORDS = 32

# A run of letters and digits, possibly joined by the separators codes are written with
# (DCM-0042, 0x0000:A700, ERROR_ACCESS_DENIED).
_CHUNK = re.compile(r"[0-9A-Za-z]+(?:[-_.:/#]+[0-9A-Za-z]+)*")
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"[0-9]")


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, in the user's terms."""


@dataclass(frozen=True, slots=True)
class CodeCandidate:
    """A code the query may mean (a reading of part of it), and the span it was read from."""

    reading: Reading
    start: int
    end: int
    ranged: bool = False  # a status range the code falls in (A7xx), not the code itself

    @property
    def key(self) -> str:
        return self.reading.key

    def within(self, other: CodeCandidate) -> bool:
        """True when this candidate was read from inside the other's span."""
        return other.start <= self.start and self.end <= other.end


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What to look for: code candidates (longest span first) and the words of the query."""

    text: str
    codes: tuple[CodeCandidate, ...]
    words: tuple[str, ...]
    whole_key: str

    @property
    def code_keys(self) -> tuple[str, ...]:
        """Each key the candidates look for, once."""
        return tuple(dict.fromkeys(c.key for c in self.codes))

    @property
    def looks_like_code(self) -> bool:
        """True when the whole query reads as one code (it has a digit: `A700`, `DCM 0042`)."""
        return bool(self.whole_key) and bool(_DIGIT.search(self.whole_key))


def check_query(raw: str) -> str:
    """The query with outer space removed; QueryError if it is empty or too long."""
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"query is too long: {len(raw)} characters; the limit is "
            f"{MAX_QUERY_LENGTH} (type the error code or a few words)"
        )
    text = raw.strip()
    if not text:
        raise QueryError("query is empty: type an error code or a few words")
    # Lone surrogates (from undecodable command-line bytes) cannot be stored or compared.
    return text.encode("utf-8", "replace").decode("utf-8")


def _is_code_candidate(chunk: str) -> bool:
    """Parts of a longer query count as codes only if they look like one (a digit or `_`)."""
    return bool(_DIGIT.search(chunk)) or "_" in chunk


def code_spans(text: str) -> list[tuple[int, int]]:
    """The parts of a query that may be a code, longest first.

    The whole query (`DCM 0042`), adjacent chunks together (`see DCM 0042 now` ->
    `DCM 0042`), each chunk (`error 0xA801` -> `0xA801`), and the parts of joined chunks
    (`error:0xA801` -> `0xA801`). Parts of a longer query count only if they look like a
    code (a digit or `_`), so `images black` is not read as codes.
    """
    chunks = list(_CHUNK.finditer(text))
    spans: list[tuple[int, int]] = [(0, len(text))]
    spans.extend((a.start(), b.end()) for a, b in itertools.pairwise(chunks))
    spans.extend(c.span() for c in chunks)
    for chunk in chunks:
        offset = chunk.start()
        parts = [
            (offset + m.start(), offset + m.end())
            for m in re.finditer(r"[0-9A-Za-z]+", chunk.group())
        ]
        if len(parts) > 1:
            spans.extend(parts)
    spans.sort(key=lambda span: span[0] - span[1])  # longest first; stable otherwise
    whole = (0, len(text))
    return [
        span
        for span in dict.fromkeys(spans)
        if span == whole or _is_code_candidate(text[span[0] : span[1]])
    ]


def code_candidates(text: str, prefixes: PrefixTable = ()) -> list[CodeCandidate]:
    """What codes the query may mean: each span's readings, longest span first, each once.

    A family prefix narrows a reading to its family (`HL7 204`); `0x` or an `h` suffix to hex
    codes. Status ranges (`A7xx`) come after every code the query names exactly.
    """
    found: list[CodeCandidate] = []
    seen: set[Reading] = set()
    for start, end in code_spans(text):
        for reading in read_code(text[start:end], prefixes):
            if reading not in seen:
                seen.add(reading)
                found.append(CodeCandidate(reading, start, end))
    for candidate in list(found):
        for key in range_keys(candidate.key):
            ranged = Reading(key, candidate.reading.family, candidate.reading.hex)
            if ranged not in seen:
                seen.add(ranged)
                found.append(CodeCandidate(ranged, candidate.start, candidate.end, True))
    return found


def query_words(text: str) -> list[str]:
    """The words of the query, lower-cased, in order, without repeats."""
    words: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def parse_query(raw: str, prefixes: PrefixTable = ()) -> QueryPlan:
    """Check a query and read it as codes and words; QueryError if it cannot be searched.

    `prefixes` are the families' typed prefixes (`HL7`, `Code`) of the index searched.
    """
    text = check_query(raw)
    codes = tuple(code_candidates(text, prefixes))
    whole = [c.key for c in codes if (c.start, c.end) == (0, len(text)) and not c.ranged]
    return QueryPlan(
        text=text,
        codes=codes,
        words=tuple(query_words(text)),
        whole_key=whole[0] if whole else "",
    )


def fuzzy_distance(word: str) -> int:
    """How many typos a word term may have: none for short words or anything with a digit."""
    if any(ch.isdigit() for ch in word) or len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2
