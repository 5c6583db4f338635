"""Every event kind is read, and every malformed event refuses its whole batch."""

from __future__ import annotations

import json
from typing import Any

import pytest
from feedback_support import EXAMPLES, batch

from search.feedback.events import (
    FIELDS,
    MAX_BODY_BYTES,
    MAX_COMMENT,
    MAX_EVENTS_PER_BATCH,
    MAX_QUERY,
    EventError,
    EventKind,
    parse_batch,
    parse_event,
)


def test_examples_cover_every_kind() -> None:
    assert set(EXAMPLES) == {k.value for k in EventKind} == {k.value for k in FIELDS}


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_each_kind_is_read_with_its_fields(kind: str) -> None:
    event = parse_event(EXAMPLES[kind])
    assert event.kind == kind
    for name, value in EXAMPLES[kind].items():
        assert getattr(event, name) == value


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_each_kind_refuses_an_unknown_field(kind: str) -> None:
    with pytest.raises(EventError, match="unknown field 'user_agent'"):
        parse_event({**EXAMPLES[kind], "user_agent": "Mozilla/5.0"})


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_each_kind_refuses_a_missing_field(kind: str) -> None:
    required = FIELDS[EventKind(kind)][0]
    for name in required:
        data = {k: v for k, v in EXAMPLES[kind].items() if k != name}
        with pytest.raises(EventError, match=f"missing field '{name}'"):
            parse_event(data)


BAD_VALUES: list[tuple[str, str, Any]] = [
    ("step", "visit", "not-hex"),
    ("step", "visit", "abc"),
    ("step", "visit", 12345678901234567),
    ("step", "tree", "Has Spaces"),
    ("step", "tree", "<script>"),
    ("step", "node", ""),
    ("step", "node", None),
    ("step", "version", "xyz"),
    ("tree_started", "how", "bookmark"),
    ("tree_started", "code", "x" * 65),
    ("tree_started", "code", "tab\there"),
    ("fixed_it", "fixed", "yes"),
    ("fixed_it", "fixed", 1),
    ("flag", "comment", "x" * (MAX_COMMENT + 1)),
    ("flag", "comment", ["a list"]),
    ("search", "query", ""),
    ("search", "query", "q" * (MAX_QUERY + 1)),
    ("search", "results", -1),
    ("search", "results", 1.5),
    ("search", "results", True),
    ("search", "results", "3"),
    ("search", "opened", None),
]


@pytest.mark.parametrize(("kind", "name", "value"), BAD_VALUES)
def test_wrong_values_are_refused(kind: str, name: str, value: Any) -> None:
    with pytest.raises(EventError, match=f'"{name}"'):
        parse_event({**EXAMPLES[kind], name: value})


def test_a_code_only_with_how_code() -> None:
    with pytest.raises(EventError, match='"code" goes only with'):
        parse_event({**EXAMPLES["tree_started"], "how": "search"})
    without = {k: v for k, v in EXAMPLES["tree_started"].items() if k != "code"}
    assert parse_event({**without, "how": "search"}).how == "search"


def test_comment_whitespace_and_control_characters_are_flattened() -> None:
    event = parse_event({**EXAMPLES["flag"], "comment": "  two\n\x0blines\t here "})
    assert event.comment == "two lines here"
    assert parse_event({**EXAMPLES["flag"], "comment": "x" * MAX_COMMENT}).comment


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "must be JSON"),
        (b"\xff\xfe", "must be JSON"),
        (b"[1, 2]", "one key"),
        (b'{"events": [], "extra": 1}', "one key"),
        (b'{"events": []}', "list of 1 to"),
        (b'{"events": {"kind": "step"}}', "list of 1 to"),
        (b'{"events": [1]}', "JSON object"),
        (b'{"events": [{"kind": "telemetry"}]}', "unknown event kind 'telemetry'"),
        (b'{"events": [{"visit": "x"}]}', "unknown event kind 'None'"),
        (b"[" * 100_000 + b"]" * 100_000, "larger than"),
        (b"[" * 5000 + b"]" * 5000, "must be JSON"),
    ],
)
def test_bad_batches_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(EventError, match=message):
        parse_batch(body)


def test_one_bad_event_refuses_the_batch() -> None:
    with pytest.raises(EventError, match="unknown event kind"):
        parse_batch(batch(EXAMPLES["step"], {"kind": "nope"}, EXAMPLES["resolved"]))


def test_batch_limits() -> None:
    assert len(parse_batch(batch(*[EXAMPLES["step"]] * MAX_EVENTS_PER_BATCH))) == 50
    with pytest.raises(EventError, match="list of 1 to"):
        parse_batch(batch(*[EXAMPLES["step"]] * (MAX_EVENTS_PER_BATCH + 1)))
    padded = json.dumps({"events": [EXAMPLES["step"]]}).encode() + b" " * MAX_BODY_BYTES
    with pytest.raises(EventError, match="larger than"):
        parse_batch(padded)
