"""A problem found in a tree, and the ways to print one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from builder.model import Pos


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """A check, declared where it is made: its id, its level and what it catches.

    `fastpath rules` lists them; a project may turn a warning rule off or up to an error.
    """

    id: str
    level: Level
    description: str


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One finding, sortable by place: `path:line:col: level: message [rule]`."""

    pos: Pos
    level: Level
    message: str
    rule: str

    def format_text(self) -> str:
        return f"{self.pos}: {self.level.value}: {shortened(self.message)} [{self.rule}]"

    def format_github(self) -> str:
        message = _escape_github(f"{shortened(self.message)} [{self.rule}]")
        path = _escape_github(self.pos.path).replace(",", "%2C").replace(":", "%3A")
        return (
            f"::{self.level.value} file={path},line={self.pos.line},"
            f"col={self.pos.col},title={self.rule}::{message}"
        )


# Longer messages (a value quoted from a huge file, say) keep their start and end.
MAX_MESSAGE_CHARS = 400


def shortened(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """The message, or its first and last part with the count of what was left out."""
    if len(message) <= limit:
        return message
    keep = limit // 2
    left_out = len(message) - 2 * keep
    return f"{message[:keep]} ... ({left_out:,} characters left out) ... {message[-keep:]}"


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def error(pos: Pos, message: str, rule: Rule) -> Problem:
    """An error of the rule at pos."""
    return Problem(pos, Level.ERROR, message, rule.id)


def warning(pos: Pos, message: str, rule: Rule) -> Problem:
    """A warning of the rule at pos."""
    return Problem(pos, Level.WARNING, message, rule.id)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a misspelt word most likely meant, if any is close."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ' (did you mean "x"?)' hint for the closest candidate, or ''."""
    meant = closest(word, candidates)
    return f' (did you mean "{meant}"?)' if meant else ""
