"""The shared typed-query examples, read by search/query.py (the browser test reads them in JS)."""

from __future__ import annotations

from typing import Any

import pytest
from code_vectors import QUERIES, check_readings, vector_prefixes

from search.query import code_candidates

PREFIXES = vector_prefixes()


@pytest.mark.parametrize("vector", QUERIES, ids=[v["query"] for v in QUERIES])
def test_python_reads_the_typed_query_as_the_examples_say(vector: dict[str, Any]) -> None:
    labels = [c.reading.label() for c in code_candidates(vector["query"], PREFIXES)]
    check_readings(vector, labels)
