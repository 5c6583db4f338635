"""Search results as users and programs receive them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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

    def to_json(self) -> dict[str, Any]:
        return {
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
    `error 0xA801` -> `A801`), or None when it was read as words only.
    """

    query: str
    normalised: str | None
    hits: tuple[SearchHit, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "normalised": self.normalised,
            "results": [hit.to_json() for hit in self.hits],
        }
