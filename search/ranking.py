"""Ranking: put code hits and word hits in one order, on one scale, as results.

An exact code hit ranks above everything, then a code typed without its prefix (`0042` for
`DCM-0042`), then documents matching all words, then documents matching some. Scores follow
the order: 1.0 exact code, 0.9 looser code, (0.4, 0.8] all words, (0, 0.4) some words.
Snippets are short plain-text excerpts showing why a document matched (never HTML: callers
escape them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builder.codes import reading_matches
from search.documents import CodeClaim, SearchDocument
from search.engine import EngineSearcher, WordMatch
from search.query import CodeCandidate, QueryPlan


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: where to go (URL relative to the site root) and why it matched."""

    title: str
    tree: str
    tree_title: str
    system: str
    step: str
    url: str
    matched_code: str | None
    code_message: str | None
    snippet: str
    score: float
    kind: str
    exact: bool = False
    family: str | None = None
    family_name: str | None = None
    step_title: str | None = None

    @property
    def label(self) -> str:
        """How a code hit is offered as a choice: `204 — HL7 error: meaning — Worklist and RIS`."""
        if self.matched_code is None:
            return self.title
        family = f"{self.family_name}: " if self.family_name else ""
        meaning = f" — {family}{self.code_message}" if self.code_message else ""
        return f"{self.matched_code}{meaning} — {self.system}"

    def to_json(self) -> dict[str, Any]:
        return {
            "exact": self.exact,
            "family": self.family,
            "family_name": self.family_name,
            "step_title": self.step_title,
            "label": self.label,
            "title": self.title,
            "tree": self.tree,
            "tree_title": self.tree_title,
            "system": self.system,
            "step": self.step,
            "url": self.url,
            "matched_code": self.matched_code,
            "code_message": self.code_message,
            "snippet": self.snippet,
            "score": self.score,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The answer to one query.

    `normalised` is the canonical code key the query was read as (`0x0000a700` -> `A700`,
    `error 0xA801` -> `A801`), or None when it was read as words only. `ambiguous` is true
    when more than one step claims the code exactly (the same digits in two families, or a
    Device Manager code in two systems): clients offer the choice instead of jumping.
    """

    query: str
    normalised: str | None
    hits: tuple[SearchHit, ...]

    @property
    def ambiguous(self) -> bool:
        return sum(hit.exact for hit in self.hits) > 1

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "normalised": self.normalised,
            "ambiguous": self.ambiguous,
            "results": [hit.to_json() for hit in self.hits],
        }


SNIPPET_LENGTH = 160


def _window(text: str, start: int, length: int) -> str:
    """About `length` characters of text around `start`, cut at spaces, with ellipses."""
    if len(text) <= length:
        return text
    begin = max(0, start - length // 4)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(text), begin + length)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > start else end
    return ("…" if begin else "") + text[begin:end].strip() + ("…" if end < len(text) else "")


def word_snippet(texts: list[str], words: tuple[str, ...], length: int = SNIPPET_LENGTH) -> str:
    """An excerpt of the first text that contains a query word (by prefix), else the first."""
    stems = [w[: max(3, len(w) - 2)] for w in words if w]
    for text in texts:
        lowered = text.lower()
        found = [i for i in (lowered.find(s) for s in stems) if i >= 0]
        if found:
            return _window(text, min(found), length)
    first = next((t for t in texts if t), "")
    return _window(first, 0, length)


def code_snippet(code: str, message: str, step_title: str = "") -> str:
    """The code, its official meaning and the step it opens.

    `0xA801: Refused: Move Destination unknown (step: Check the destination AE title)`.
    """
    text = f"{code}: {message}" if message else code
    return f"{text} (step: {step_title})" if step_title else text


EXACT_CODE_SCORE = 1.0
LOOSE_CODE_SCORE = 0.9
ALL_WORDS_SCORES = (0.4, 0.8)
SOME_WORDS_SCORES = (0.0, 0.4)


@dataclass(frozen=True, slots=True)
class CodeMatch:
    """A document claiming a code the query may mean, and how closely."""

    document: SearchDocument
    claim: CodeClaim
    candidate: CodeCandidate
    exact: bool
    order: int

    @property
    def rank_key(self) -> tuple[int, int, str]:
        return (0 if self.exact else 1, self.order, self.document.doc_id)


def _claim_match(
    document: SearchDocument, candidate: CodeCandidate, order: int
) -> CodeMatch | None:
    """The document's best claim for one candidate: exact before looser."""
    reading = candidate.reading
    for claim in document.codes:
        if reading_matches(reading, claim.key, claim.family, claim.hex):
            return CodeMatch(document, claim, candidate, not candidate.ranged, order)
    for claim in document.codes:
        if reading.key in claim.alternates and reading_matches(
            reading, reading.key, claim.family, claim.hex
        ):
            return CodeMatch(document, claim, candidate, False, order)
    return None


def match_codes(plan: QueryPlan, documents: list[SearchDocument]) -> list[CodeMatch]:
    """Each document's best match for the query's code candidates, best first.

    A candidate read from inside a longer one that matched is ignored: `DCM 0042` means
    DCM-0042, not also the different code 0042.
    """
    matched: list[CodeCandidate] = []
    best: dict[str, CodeMatch] = {}
    for order, candidate in enumerate(plan.codes):
        if any(candidate.within(m) for m in matched):
            continue
        found = [m for m in (_claim_match(d, candidate, order) for d in documents) if m]
        if found:
            matched.append(candidate)
        for match in found:
            doc_id = match.document.doc_id
            if doc_id not in best or match.rank_key < best[doc_id].rank_key:
                best[doc_id] = match
    return sorted(best.values(), key=lambda m: m.rank_key)


def _code_hit(match: CodeMatch) -> SearchHit:
    doc, claim = match.document, match.claim
    return SearchHit(
        title=doc.title,
        tree=doc.tree,
        tree_title=doc.tree_title,
        system=doc.system,
        step=claim.step,
        url=claim.url,
        matched_code=claim.code,
        code_message=claim.message or None,
        snippet=code_snippet(claim.code, claim.message, claim.step_title),
        score=EXACT_CODE_SCORE if match.exact else LOOSE_CODE_SCORE,
        kind=doc.kind.value,
        exact=match.exact,
        family=claim.family or None,
        family_name=claim.family_name or None,
        step_title=claim.step_title or None,
    )


def _scaled(score: float, best: float, band: tuple[float, float]) -> float:
    low, high = band
    fraction = score / best if best > 0 else 1.0
    # Some-words scores stay strictly below the all-words band.
    value = low + (high - low) * fraction * (1.0 if band == ALL_WORDS_SCORES else 0.99)
    return round(value, 4)


def _word_hit(match: WordMatch, best: float, words: tuple[str, ...]) -> SearchHit:
    doc = match.document
    band = ALL_WORDS_SCORES if match.all_words else SOME_WORDS_SCORES
    return SearchHit(
        title=doc.title,
        tree=doc.tree,
        tree_title=doc.tree_title,
        system=doc.system,
        step=doc.step,
        url=doc.url,
        matched_code=None,
        code_message=None,
        snippet=word_snippet([*doc.symptoms, doc.text], words),
        score=_scaled(match.score, best, band),
        kind=doc.kind.value,
    )


def rank(
    plan: QueryPlan, code_documents: list[SearchDocument], word_matches: list[WordMatch], limit: int
) -> SearchResults:
    """Merge code and word hits into the final order, each document once."""
    codes = match_codes(plan, code_documents)
    hits = [_code_hit(m) for m in codes]
    seen = {m.document.doc_id for m in codes}
    best = {
        flag: max((m.score for m in word_matches if m.all_words is flag), default=0.0)
        for flag in (True, False)
    }
    for match in word_matches:
        if match.document.doc_id not in seen:
            seen.add(match.document.doc_id)
            hits.append(_word_hit(match, best[match.all_words], plan.words))
    if codes:
        normalised: str | None = codes[0].candidate.key
    else:
        normalised = plan.whole_key if plan.looks_like_code else None
    return SearchResults(plan.text, normalised, tuple(hits[:limit]))


def _whole_query_is_claimed(plan: QueryPlan, code_documents: list[SearchDocument]) -> bool:
    whole = [c for c in plan.codes if (c.start, c.end) == (0, len(plan.text)) and not c.ranged]
    return any(
        reading_matches(c.reading, claim.key, claim.family, claim.hex)
        for c in whole
        for doc in code_documents
        for claim in doc.codes
    )


def run_search(
    searcher: EngineSearcher, plan: QueryPlan, limit: int, system: str | None = None
) -> SearchResults:
    """Answer a parsed query from one searcher."""
    code_documents = searcher.find_codes(plan.code_keys, system) if plan.code_keys else []
    if plan.looks_like_code and _whole_query_is_claimed(plan, code_documents):
        # The whole query is a code some step claims: that is the answer, and word hits
        # for its letters ("DCM" of DCM-0042) would only cost time and add noise.
        return rank(plan, code_documents, [], limit)
    word_matches = searcher.find_words(plan.words, limit + len(code_documents), system)
    return rank(plan, code_documents, word_matches, limit)
