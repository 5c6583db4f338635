"""Reading queries: limits, code candidates, words, and which words may be fuzzy."""

from __future__ import annotations

import pytest

from search.query import (
    MAX_QUERY_LENGTH,
    QueryError,
    code_candidates,
    fuzzy_distance,
    parse_query,
    query_words,
)


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_an_empty_query_is_refused(raw: str) -> None:
    with pytest.raises(QueryError, match="empty"):
        parse_query(raw)


def test_a_query_over_the_limit_is_refused_with_the_limit_named() -> None:
    with pytest.raises(QueryError, match=str(MAX_QUERY_LENGTH)):
        parse_query("a" * (MAX_QUERY_LENGTH + 1))
    assert parse_query("a" * MAX_QUERY_LENGTH).text == "a" * MAX_QUERY_LENGTH


def test_the_whole_query_is_tried_as_a_code_first() -> None:
    assert [c.key for c in code_candidates("DCM 0042")] == ["DCM0042", "42", "004X", "00XX", "0XXX"]


def test_status_ranges_come_after_the_codes_named() -> None:
    keys = [c.key for c in code_candidates("0xA7F3")]
    assert keys == ["A7F3", "A7FX", "A7XX", "AXXX"]


def test_codes_inside_a_sentence_are_found() -> None:
    keys = [c.key for c in code_candidates("error 0xA801 on screen")]
    assert "A801" in keys
    keys = [c.key for c in code_candidates("see DCM 0042 now")]
    assert keys.index("DCM0042") < keys.index("42")
    assert "A801" in [c.key for c in code_candidates("error:0xA801")]


def test_plain_words_are_not_read_as_codes() -> None:
    assert [c.key for c in code_candidates("images black")] == ["IMAGESBLACK"]


def test_query_syntax_is_only_text() -> None:
    plan = parse_query('"images" AND black* OR (title:vpn) ~2 \\')
    assert plan.words == ("images", "and", "black", "or", "title", "vpn", "2")


def test_words_are_lower_cased_without_repeats() -> None:
    assert query_words("Images IMAGES black") == ["images", "black"]


@pytest.mark.parametrize(
    ("word", "distance"),
    [("mic", 0), ("word", 1), ("images", 1), ("microphone", 2), ("a700", 0), ("win10", 0)],
)
def test_fuzzy_distance(word: str, distance: int) -> None:
    assert fuzzy_distance(word) == distance


def test_undecodable_input_is_made_safe() -> None:
    assert parse_query("a\udcffb").text == "a?b"
