"""The shared typed-query examples (tests/data/code_queries.json), for Python and the browser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builder.codes import PrefixTable, prefix_table
from builder.families import load_families

REPO = Path(__file__).resolve().parent.parent
VECTORS: dict[str, Any] = json.loads(
    (REPO / "tests" / "data" / "code_queries.json").read_text("utf-8")
)
QUERIES: list[dict[str, Any]] = VECTORS["queries"]


def vector_prefixes() -> PrefixTable:
    """The typed prefixes of the families the examples are read with."""
    path = REPO / VECTORS["families"]
    registry, problems = load_families(path, str(path))
    assert not problems, problems
    return prefix_table((f.id, f.prefixes) for f in registry.families.values())


def check_readings(vector: dict[str, Any], labels: list[str]) -> None:
    """Assert one query's readings (labels, in order) are what the example says."""
    query = vector["query"]
    if "first" in vector:
        assert labels[:1] == [vector["first"]], (query, labels)
    else:
        assert vector.get("includes") or labels == [], (query, labels)
    for wanted in vector.get("includes", []):
        assert wanted in labels, (query, wanted, labels)
    for unwanted in vector.get("never", []):
        assert unwanted not in labels, (query, unwanted, labels)
