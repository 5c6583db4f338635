"""The search tables a build keeps: its code keys, systems and word scores, as Whoosh scores
them, saved with the build, refused when damaged, and answering exactly what an exhaustive
search would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests_paths import ROOT
from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from builder.check import check_paths
from search.documents import documents_from_trees
from search.engine import IndexReadError, open_engine_index, write_engine_index
from search.engine.tables import TABLES_FILE, SearchTables, TablesError, all_of, any_of
from search.engine.whoosh_engine import WORD_FIELDS

DECISION_TREES = ROOT / "decision_trees"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = check_paths([DECISION_TREES])
    assert not result.errors, result.errors
    folder = tmp_path_factory.mktemp("build")
    write_engine_index(documents_from_trees(result.trees), folder)
    return folder


def _small() -> SearchTables:
    return SearchTables.from_postings(
        5,
        codes={"A801": [3, 1], "0042": [2]},
        systems={"pacs": [0, 1, 3], "vpn": [2, 4]},
        words={"black": {0: 1.5, 3: 2.0, 1: 2.0}, "screen": {1: 0.5, 2: 4.0}},
    )


def test_tables_answer_codes_words_and_systems() -> None:
    tables = _small()
    assert tables.code_documents(["A801", "0042"]) == [1, 2, 3]
    assert tables.code_documents(["A801", "0042"], "vpn") == [2]
    assert tables.code_documents(["A801"], "no-such-system") == []
    black = tables.word_scores([("black", 1.0)])
    screen = tables.word_scores([("screen", 1.0)])
    assert black == {0: 1.5, 1: 2.0, 3: 2.0}
    assert tables.word_scores([("black", 1.0), ("screen", 0.5)]) == {
        0: 1.5,
        1: 2.25,
        2: 2.0,
        3: 2.0,
    }
    assert all_of([black, screen]) == {1: 2.5}
    assert any_of([black, screen]) == {0: 1.5, 1: 2.5, 2: 4.0, 3: 2.0}
    # Best first; equal scores in document order; a system filter applies before the cut.
    assert tables.best(any_of([black, screen]), 3) == [(2, 4.0), (1, 2.5), (3, 2.0)]
    assert tables.best(black, 2, "pacs") == [(1, 2.0), (3, 2.0)]
    assert tables.best(black, 2, "vpn") == []


def test_tables_read_back_as_written_and_a_damaged_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / TABLES_FILE
    _small().save(path)
    loaded = SearchTables.load(path)
    assert loaded.code_documents(["A801"], "pacs") == [1, 3]
    assert loaded.word_scores([("screen", 1.0)]) == {1: 0.5, 2: 4.0}
    assert sorted(loaded.words) == ["black", "screen"]
    data = path.read_bytes()
    for damaged in (data[:-3], data + b"\0", b"", b"\xff" * 40):
        path.write_bytes(damaged)
        with pytest.raises(TablesError, match=TABLES_FILE):
            SearchTables.load(path)


def test_word_scores_are_whooshs_own_bm25f_scores(build: Path) -> None:
    """The tables hold, for each word, what Whoosh's searcher scores for that word over the
    weighted word fields, searched exhaustively."""
    tables = SearchTables.load(build / TABLES_FILE)
    ix = whoosh_index.open_dir(str(build))
    with ix.searcher() as searcher:
        for word in ("microphon", "black", "vpn", "imag", "login", "a801"):
            query = Or([Term(field, word, boost=weight) for field, weight in WORD_FIELDS.items()])
            expected = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
            assert expected, word
            found = tables.word_scores([(word, 1.0)])
            assert found.keys() == expected.keys(), word
            for document, score in expected.items():
                assert found[document] == pytest.approx(score, rel=1e-9), word
    ix.close()


def _queries() -> list[str]:
    result = check_paths([DECISION_TREES])
    phrases = [t.title for t in result.trees] + [s for t in result.trees for s in t.symptoms]
    queries = []
    for phrase in phrases:
        words = re.findall(r"[a-z]{3,}", phrase.lower())
        queries += [" ".join(words[i : i + size]) for size in (1, 2, 3) for i in (0, 1)]
    return [q for q in dict.fromkeys(queries) if q]


def test_the_best_few_are_the_best_of_every_match(build: Path) -> None:
    """A short result list is the head of the full ranking (no match skipped on the way)."""
    searcher = open_engine_index(build).searcher()
    queries = _queries()
    assert len(queries) > 200
    answered = 0
    for query in queries:
        words = tuple(query.split())
        full = [(m.document.doc_id, m.score) for m in searcher.find_words(words, 10_000)]
        best = [(m.document.doc_id, m.score) for m in searcher.find_words(words, 3)]
        assert best == full[:3], query
        answered += bool(full)
    assert answered > 0.9 * len(queries), "the queries must find something to compare"


def test_a_build_saved_without_tables_is_served_with_the_same_answers(
    build: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "older"
    copy.mkdir()
    for path in build.iterdir():
        if path.name != TABLES_FILE:
            (copy / path.name).write_bytes(path.read_bytes())
    with_tables = open_engine_index(build).searcher()
    without = open_engine_index(copy).searcher()
    for query in [*_queries()[:60], "0xA801", "a801"]:
        words = tuple(query.split())
        assert [m.document.doc_id for m in without.find_words(words, 10)] == [
            m.document.doc_id for m in with_tables.find_words(words, 10)
        ]
    assert [d.doc_id for d in without.find_codes(("A801",))] == [
        d.doc_id for d in with_tables.find_codes(("A801",))
    ]
    assert not (copy / TABLES_FILE).exists(), "a build being served is never written to"


def test_a_build_with_damaged_tables_does_not_open(build: Path, tmp_path: Path) -> None:
    copy = tmp_path / "damaged"
    copy.mkdir()
    for path in build.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    (copy / TABLES_FILE).write_bytes((build / TABLES_FILE).read_bytes()[:1000])
    with pytest.raises(IndexReadError, match="publish a new build"):
        open_engine_index(copy)
