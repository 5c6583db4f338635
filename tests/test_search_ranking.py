"""Ranking: exact codes first, the claiming step linked, forgiving word search after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.check import check_paths
from search.ranking import SearchResults
from search.service import search_index
from search.store.live import LiveIndex
from search.store.publish import build_index

TREES = Path(__file__).parent / "data" / "search" / "trees"
PACS = "trees/pacs-viewer/pacs-images-not-loading/"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIndex]:
    result = check_paths([TREES])
    assert not result.errors, result.errors
    out = tmp_path_factory.mktemp("index")
    build_index(result.trees, out)
    live = LiveIndex(out)
    yield live
    live.close()


def search(
    live: LiveIndex, query: str, limit: int = 10, system: str | None = None
) -> SearchResults:
    return search_index(live, query, limit, system)


def test_an_exact_code_links_to_the_step_that_claims_it(live: LiveIndex) -> None:
    first = search(live, "0xA801").hits[0]
    assert (first.tree, first.step, first.matched_code) == (
        "pacs-images-not-loading",
        "single-study",
        "0xA801",
    )
    assert first.url == f"{PACS}?code=0xA801#step-single-study"
    assert first.score == 1.0
    assert first.snippet == (
        "0xA801: Refused: Move Destination unknown (step: Clear the cache for this study)"
    )


@pytest.mark.parametrize("typed", ["0xA700", "A700", "a700", "0XA700", "A700h", "0x0000A700"])
def test_every_spelling_finds_the_same_code(live: LiveIndex, typed: str) -> None:
    results = search(live, typed)
    assert results.normalised == "A700"
    assert (results.hits[0].tree, results.hits[0].matched_code) == ("ris-worklist-empty", "0xA700")


@pytest.mark.parametrize("typed", ["DCM-0042", "dcm0042", "DCM 0042", "error DCM 0042 on screen"])
def test_prefixed_codes_in_any_spelling(live: LiveIndex, typed: str) -> None:
    results = search(live, typed)
    code_hits = [h for h in results.hits if h.matched_code]
    assert [h.matched_code for h in code_hits] == ["DCM-0042"], "0042 is a different code"
    assert results.normalised == "DCM0042"


def test_neighbouring_codes_are_different_errors(live: LiveIndex) -> None:
    assert search(live, "0xA701").hits[0].tree == "monitor-no-picture"
    assert search(live, "0xA700").hits[0].tree == "ris-worklist-empty"
    assert not [h for h in search(live, "0xA703").hits if h.matched_code]


def test_a_code_inside_a_sentence_is_still_found(live: LiveIndex) -> None:
    results = search(live, "error 0xA801")
    assert results.hits[0].matched_code == "0xA801"
    assert results.normalised == "A801"


def test_an_exact_code_ranks_above_every_word_hit(live: LiveIndex) -> None:
    results = search(live, "809 images black")
    assert results.hits[0].matched_code == "809"
    assert all(h.matched_code is None for h in results.hits[1:])
    scores = [h.score for h in results.hits]
    assert scores == sorted(scores, reverse=True)


def test_the_canonical_key_ranks_above_a_looser_one(live: LiveIndex) -> None:
    code_hits = [h for h in search(live, "0042").hits if h.matched_code]
    assert [(h.matched_code, h.score) for h in code_hits] == [("0042", 1.0), ("DCM-0042", 0.9)]


def test_a_tree_level_code_lands_on_the_start_step(live: LiveIndex) -> None:
    first = search(live, "0xA702").hits[0]
    assert (first.step, first.url) == ("other-studies", f"{PACS}?code=0xA702#step-other-studies")
    assert search(live, "809").hits[0].step == "internet"


def test_codes_without_digits_are_found_whole(live: LiveIndex) -> None:
    first = search(live, "ERROR_ACCESS_DENIED").hits[0]
    assert (first.matched_code, first.step) == ("ERROR_ACCESS_DENIED", "credentials")


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("images black", "pacs-images-not-loading"),
        ("microphone not working", "dictation-microphone-not-working"),
        ("microphnoe not working", "dictation-microphone-not-working"),
        ("mircophone", "dictation-microphone-not-working"),
        ("imgaes black", "pacs-images-not-loading"),
        ("worklsit", "ris-worklist-empty"),
        ("vpn", "vpn-wont-connect"),
    ],
)
def test_word_queries_find_the_right_tree_despite_a_typo(
    live: LiveIndex, query: str, tree: str
) -> None:
    first = search(live, query).hits[0]
    assert (first.tree, first.matched_code) == (tree, None)


def test_digits_are_never_fuzzy(live: LiveIndex) -> None:
    assert not search(live, "0xA802").hits
    assert not search(live, "810").hits


@pytest.mark.parametrize(
    ("query", "above", "below"),
    [
        ("worklist", "ris-worklist-empty", "pacs-images-not-loading"),  # title over text
        ("black", "pacs-images-not-loading", "monitor-no-picture"),  # symptom over text
    ],
)
def test_title_and_symptom_hits_rank_above_text_only_hits(
    live: LiveIndex, query: str, above: str, below: str
) -> None:
    trees = [h.tree for h in search(live, query).hits]
    assert below in trees
    assert trees.index(above) < trees.index(below)


def test_query_syntax_is_searched_as_text(live: LiveIndex) -> None:
    assert search(live, '"images" AND black*').hits[0].tree == "pacs-images-not-loading"
    for query in ['AND ( " * ~ : \\', "title:vpn", "[0 TO 9]", "*", "NOT", "a~2^3"]:
        search(live, query)  # never an error


def test_word_hits_explain_themselves_in_plain_text(live: LiveIndex) -> None:
    first = search(live, "images black").hits[0]
    assert "black" in first.snippet.lower()
    assert first.url == PACS
    assert 0 < first.score <= 0.8


def test_limit_and_system_filter(live: LiveIndex) -> None:
    assert len(search(live, "the images load screen", limit=1).hits) == 1
    assert not search(live, "0xA700", system="Workstation").hits
    assert search(live, "0xA700", system="ris").hits[0].tree == "ris-worklist-empty"


def test_normalised_is_none_for_words(live: LiveIndex) -> None:
    assert search(live, "images black").normalised is None
    assert search(live, "0x0000a799").normalised == "A799"
