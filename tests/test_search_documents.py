"""Trees become search documents: one per tree, one per step that claims codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.check import check_paths
from builder.model import Tree
from search.documents import DocumentKind, SearchDocument, documents_from_trees, plain_text

TREES = Path(__file__).parent / "data" / "search" / "trees"


@pytest.fixture(scope="module")
def trees() -> list[Tree]:
    result = check_paths([TREES])
    assert not result.errors, result.errors
    return result.trees


@pytest.fixture(scope="module")
def documents(trees: list[Tree]) -> dict[str, SearchDocument]:
    return {d.doc_id: d for d in documents_from_trees(trees)}


def test_each_tree_and_each_code_claiming_step_is_a_document(
    documents: dict[str, SearchDocument],
) -> None:
    assert documents["pacs-images-not-loading"].kind is DocumentKind.TREE
    assert documents["pacs-images-not-loading#single-study"].kind is DocumentKind.STEP
    assert "pacs-images-not-loading#still-failing" not in documents


def test_tree_codes_land_on_the_start_step(documents: dict[str, SearchDocument]) -> None:
    (claim,) = documents["pacs-images-not-loading"].codes
    assert claim.code == "0xA702" and claim.key == "A702"
    assert claim.step == "other-studies"
    assert claim.url == "trees/pacs-viewer/pacs-images-not-loading/?code=0xA702#step-other-studies"


def test_step_codes_link_to_their_step(documents: dict[str, SearchDocument]) -> None:
    step = documents["dictation-microphone-not-working#plugged-in"]
    (claim,) = step.codes
    assert (claim.key, claim.alternates) == ("DCM0042", ("42",))
    assert claim.url.endswith("?code=DCM-0042#step-plugged-in")
    assert step.url == "trees/dictation/dictation-microphone-not-working/#step-plugged-in"


def test_documents_survive_a_round_trip(documents: dict[str, SearchDocument]) -> None:
    for document in documents.values():
        assert SearchDocument.from_dict(document.to_dict()) == document


def test_markdown_is_indexed_as_plain_text() -> None:
    assert plain_text("Use **Tools > Clear cache** and [the guide](http://x/y).\n# Next") == (
        "Use Tools > Clear cache and the guide. Next"
    )


def test_text_includes_answers_and_code_messages(documents: dict[str, SearchDocument]) -> None:
    text = documents["pacs-images-not-loading"].text
    assert "Yes, only this study fails" in text
    assert "Move Destination unknown" in text
    assert "**" not in text
