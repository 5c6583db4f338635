"""In-process query latency: Fastpath's search service next to SQLite FTS5 and a dict.

All three answer from the same documents (`search.documents.documents_from_trees`). Fastpath
goes through `search.service.search_index`, the code path of the JSON API and the CLI.
SQLite gets the same code normalisation and looks the whole query up in a table of keys;
its word search is FTS5 with the Porter stemmer (all words, then any word), without the
typo tolerance Fastpath has. The dict of normalised codes is the floor.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import percentile
from builder.codes import normalise_code
from builder.model import Tree
from search.documents import SearchDocument, documents_from_trees
from search.service import search_index
from search.store.live import LiveIndex

WARM_UP = 100
LIMIT = 10
_WORD = re.compile(r"\w+")

Answer = Callable[[str], str | None]  # query -> the code of the top hit (or a doc id)


def _timed(answer: Answer, queries: list[str]) -> tuple[list[float], list[str | None]]:
    for query in queries[:WARM_UP]:
        answer(query)
    latencies: list[float] = []
    answers: list[str | None] = []
    for query in queries:
        started = time.perf_counter()
        top = answer(query)
        latencies.append(time.perf_counter() - started)
        answers.append(top)
    return latencies, answers


def _summary(latencies: list[float], **extra: Any) -> dict[str, Any]:
    return {
        "n": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": max(latencies, default=0.0) * 1000,
        **extra,
    }


class SQLiteSearch:
    """A table of code keys with an index, and an FTS5 table of the documents' words."""

    def __init__(self, documents: list[SearchDocument], path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            CREATE TABLE codes (key TEXT NOT NULL, loose INTEGER NOT NULL, code TEXT,
                                url TEXT, title TEXT);
            CREATE VIRTUAL TABLE words USING fts5(
                doc_id UNINDEXED, title, symptoms, text, tokenize = 'porter unicode61');
            """
        )
        for doc in documents:
            for claim in doc.codes:
                key, alternates = claim.key, claim.alternates  # as the loader set them
                rows = [(key, 0), *((alt, 1) for alt in alternates)]
                self.db.executemany(
                    "INSERT INTO codes VALUES (?, ?, ?, ?, ?)",
                    [(k, loose, claim.code, claim.url, doc.title) for k, loose in rows],
                )
            self.db.execute(
                "INSERT INTO words VALUES (?, ?, ?, ?)",
                (doc.doc_id, doc.title, "\n".join(doc.symptoms), doc.text),
            )
        self.db.execute("CREATE INDEX codes_key ON codes (key)")
        self.db.commit()

    def code(self, query: str) -> str | None:
        row = self.db.execute(
            "SELECT code, url, title FROM codes WHERE key = ? ORDER BY loose LIMIT ?",
            (normalise_code(query), LIMIT),
        ).fetchone()
        return str(row[0]) if row else None

    def words(self, query: str) -> str | None:
        words = [f'"{w}"' for w in _WORD.findall(query.lower())]
        rows: list[Any] = []
        for joiner in (" ", " OR "):
            rows += self.db.execute(
                "SELECT doc_id, title, snippet(words, 3, '', '', '...', 12) FROM words "
                "WHERE words MATCH ? ORDER BY bm25(words, 0, 3, 2, 1) LIMIT ?",
                (joiner.join(words), LIMIT),
            ).fetchall()
            if len(rows) >= LIMIT or len(words) < 2:
                break
        return str(rows[0][0]) if rows else None


def run_search_benchmark(
    index_dir: Path, trees: list[Tree], queries_file: Path, work_dir: Path
) -> dict[str, Any]:
    """p50/p99 of every engine on the code queries and the word queries."""
    queries = json.loads(queries_file.read_text(encoding="utf-8"))
    code_queries: list[str] = [q for q, _ in queries["codes"]]
    expected: list[str] = [code for _, code in queries["codes"]]
    word_queries: list[str] = [q for q, _ in queries["words"]]
    typo: list[bool] = [t for _, t in queries["words"]]
    documents = documents_from_trees(trees)

    live = LiveIndex(index_dir)

    def fastpath_code(query: str) -> str | None:
        hits = search_index(live, query, LIMIT).hits
        return hits[0].matched_code if hits else None

    def fastpath_words(query: str) -> str | None:
        hits = search_index(live, query, LIMIT).hits
        return hits[0].tree if hits else None

    started = time.perf_counter()
    sqlite = SQLiteSearch(documents, work_dir / "fts5.sqlite")
    sqlite_build_s = time.perf_counter() - started
    floor = {key: claim.code for doc in documents for claim in doc.codes for key in [claim.key]}

    def dict_code(query: str) -> str | None:
        return floor.get(normalise_code(query))

    results: dict[str, Any] = {"sqlite_build_s": sqlite_build_s}
    for name, answer in (
        ("fastpath", fastpath_code),
        ("sqlite", sqlite.code),
        ("dict", dict_code),
    ):
        latencies, answers = _timed(answer, code_queries)
        wrong = sum(a != e for a, e in zip(answers, expected, strict=True))
        results[f"codes_{name}"] = _summary(latencies, wrong_top_hit=wrong)
    for name, answer in (("fastpath", fastpath_words), ("sqlite", sqlite.words)):
        latencies, answers = _timed(answer, word_queries)
        with_typo = [t for t, is_typo in zip(latencies, typo, strict=True) if is_typo]
        results[f"words_{name}"] = _summary(
            latencies,
            no_hits=sum(a is None for a in answers),
            typo=_summary(with_typo),
        )
    live.close()
    return results
