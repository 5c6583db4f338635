"""Typo tolerance: corrections come from the index's own words."""

from __future__ import annotations

import pytest

from search.engine.spelling import Vocabulary, edit_distance


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("images", "images", 0),
        ("imgaes", "images", 1),
        ("image", "images", 1),
        ("firewlal", "firewall", 1),
        ("micrpohone", "microphone", 1),
        ("cat", "dog", 3),
    ],
)
def test_edit_distance_counts_a_swap_as_one(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, limit=5) == distance


def test_edit_distance_stops_past_the_limit() -> None:
    assert edit_distance("abcdefgh", "zyxwvuts", limit=2) == 3


def test_unknown_words_get_the_closest_known_words() -> None:
    vocabulary = Vocabulary(["images", "imaging", "black", "microphone", "firewall"])
    assert vocabulary.corrections("imgaes") == ["images"]
    assert vocabulary.corrections("micrphone") == ["microphone"]
    assert vocabulary.corrections("images") == []  # known: nothing to correct
    assert vocabulary.corrections("mages") == []  # the first letter is kept
    assert vocabulary.corrections("blk") == []  # too short to guess
