"""The events pages send, and the strict reading of a posted batch of them.

A batch is `{"events": [{...}, ...]}`. Each event names its `kind`; every kind has a fixed set
of fields, all required unless listed as optional. Anything else (an unknown kind or field, a
wrong type, a value too long or of the wrong shape) refuses the whole batch, so nothing is
ever stored half.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MAX_BODY_BYTES = 16 * 1024
MAX_EVENTS_PER_BATCH = 50
MAX_COMMENT = 500
MAX_QUERY = 100
MAX_RESULTS = 10_000

_VISIT = re.compile(r"^[0-9a-f]{16,64}$")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_VERSION = re.compile(r"^[0-9a-f]{8,64}$")
_CODE = re.compile(r"^[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?$")


class EventKind(StrEnum):
    TREE_STARTED = "tree_started"
    STEP = "step"
    SKIP_AHEAD = "skip_ahead"
    RESOLVED = "resolved"
    ESCALATED = "escalated"
    LEFT = "left"
    FIXED_IT = "fixed_it"
    FLAG = "flag"
    SEARCH = "search"


class StartedHow(StrEnum):
    CODE = "code"
    SEARCH = "search"
    NAVIGATION = "navigation"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Event:
    """One anonymous event; fields a kind does not have keep their empty default."""

    kind: EventKind
    visit: str
    tree: str = ""
    version: str = ""
    node: str = ""
    how: str = ""
    code: str = ""
    fixed: bool | None = None
    comment: str = ""
    query: str = ""
    results: int | None = None
    opened: bool | None = None


class EventError(ValueError):
    """A batch that is refused; the message says what to change."""


_TREE_FIELDS = ("visit", "tree", "version", "node")
# kind -> (required fields, optional fields)
FIELDS: dict[EventKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    EventKind.TREE_STARTED: ((*_TREE_FIELDS, "how"), ("code",)),
    EventKind.STEP: (_TREE_FIELDS, ()),
    EventKind.SKIP_AHEAD: (_TREE_FIELDS, ()),
    EventKind.RESOLVED: (_TREE_FIELDS, ()),
    EventKind.ESCALATED: (_TREE_FIELDS, ()),
    EventKind.LEFT: (_TREE_FIELDS, ()),
    EventKind.FIXED_IT: ((*_TREE_FIELDS, "fixed"), ()),
    EventKind.FLAG: (_TREE_FIELDS, ("comment",)),
    EventKind.SEARCH: (("visit", "query", "results", "opened"), ()),
}


def _text(name: str, value: Any, pattern: re.Pattern[str], shape: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise EventError(f'"{name}" must be {shape}')
    return value


def _free_text(name: str, value: Any, limit: int, allow_empty: bool) -> str:
    if not isinstance(value, str):
        raise EventError(f'"{name}" must be a string')
    # Control characters have no place in a comment or a query (and would garble a table).
    text = " ".join(value.split())
    if len(text) > limit:
        raise EventError(f'"{name}" is longer than {limit} characters')
    if not text and not allow_empty:
        raise EventError(f'"{name}" must not be empty')
    return text


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise EventError(f'"{name}" must be true or false')
    return value


def _field(name: str, value: Any) -> Any:
    """One field, checked and normalised."""
    if name == "visit":
        return _text(name, value, _VISIT, "16 to 64 lower-case hex digits")
    if name in ("tree", "node"):
        return _text(name, value, _ID, "an id of lower-case letters, digits and dashes")
    if name == "version":
        return _text(name, value, _VERSION, "8 to 64 lower-case hex digits")
    if name == "how":
        if value not in set(StartedHow):
            raise EventError(f'"how" must be one of {", ".join(StartedHow)}')
        return str(value)
    if name == "code":
        return _text(name, value, _CODE, "a code of at most 64 printable characters")
    if name in ("fixed", "opened"):
        return _flag(name, value)
    if name == "comment":
        return _free_text(name, value, MAX_COMMENT, allow_empty=True)
    if name == "query":
        return _free_text(name, value, MAX_QUERY, allow_empty=False)
    if name == "results":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RESULTS:
            raise EventError(f'"results" must be a whole number from 0 to {MAX_RESULTS}')
        return value
    raise AssertionError(f"no reader for field {name}")  # FIELDS and this function agree


def parse_event(data: Any) -> Event:
    """One event from its JSON object; EventError if anything about it is off."""
    if not isinstance(data, dict):
        raise EventError("each event must be a JSON object")
    kind_name = data.get("kind")
    if kind_name not in set(EventKind):
        known = ", ".join(EventKind)
        raise EventError(f"unknown event kind {str(kind_name)[:40]!r}; known: {known}")
    kind = EventKind(kind_name)
    required, optional = FIELDS[kind]
    unknown = sorted(set(data) - {"kind", *required, *optional})
    if unknown:
        raise EventError(f"unknown field {unknown[0][:40]!r} in a {kind} event")
    missing = [name for name in required if name not in data]
    if missing:
        raise EventError(f"missing field {missing[0]!r} in a {kind} event")
    values = {name: _field(name, data[name]) for name in (*required, *optional) if name in data}
    if kind is EventKind.TREE_STARTED and values.get("code") and values["how"] != "code":
        raise EventError('"code" goes only with "how": "code"')
    return Event(kind=kind, **values)


def parse_batch(body: bytes) -> list[Event]:
    """Every event of a posted body, or EventError: the batch is taken whole or not at all."""
    if len(body) > MAX_BODY_BYTES:
        raise EventError(f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise EventError('the body must be JSON: {"events": [...]}') from None
    if not isinstance(data, dict) or set(data) != {"events"}:
        raise EventError('the body must be a JSON object with one key, "events"')
    items = data["events"]
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_EVENTS_PER_BATCH:
        raise EventError(f'"events" must be a list of 1 to {MAX_EVENTS_PER_BATCH} events')
    return [parse_event(item) for item in items]
