"""The JSON Schema editors use: committed, valid, and in step with the checker."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from builder.check import find_tree_files
from builder.yamlsource import YMap, YNode, YSeq, load_file

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "docs" / "schema" / "tree.schema.json"
FASTPATH = Path(sys.executable).parent / "fastpath"
INVALID = REPO / "tests" / "data" / "invalid"


def as_json(node: YNode) -> Any:
    """Tree data as an editor's schema validator sees it: only plain true/false are booleans."""
    if isinstance(node, YMap):
        return {key.value: as_json(value) for key, value in node.items}
    if isinstance(node, YSeq):
        return [as_json(item) for item in node.items]
    if node.plain and node.value in ("true", "false"):
        return node.value == "true"
    return node.value


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(COMMITTED.read_text(encoding="utf-8")))


def test_cli_prints_the_committed_schema_byte_for_byte() -> None:
    done = subprocess.run([str(FASTPATH), "schema"], capture_output=True, check=True, timeout=30)
    assert done.stdout == COMMITTED.read_bytes()


def test_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_converter_keeps_plain_scalars_as_strings() -> None:
    data = as_json(load_file(REPO / "tests" / "data" / "valid" / "all-node-kinds.yaml"))
    assert data["codes"][0]["code"] == "0122"
    assert data["symptoms"][1] == "12:30"
    assert data["nodes"]["mic-plugged"]["answers"][1]["label"] == "No"
    assert data["nodes"]["restart-client"]["basic"] is False


def test_every_bundled_and_valid_tree_validates(validator: Draft202012Validator) -> None:
    trees = find_tree_files([REPO / "decision_trees"])
    trees += sorted((REPO / "tests" / "data" / "valid").glob("*.yaml"))
    assert len(trees) > 2
    errors = {
        tree.relative_to(REPO).as_posix(): [
            f"{e.json_path}: {e.message}" for e in validator.iter_errors(as_json(load_file(tree)))
        ]
        for tree in trees
    }
    assert {path: found for path, found in errors.items() if found} == {}


# Where the schema objects to each shape error: the places the checker reports.
SHAPE_ERRORS: dict[str, set[tuple[str, ...]]] = {
    "unknown-key": {(), ("nodes", "reset-layout")},  # symptons; anwsers
    "missing-key": {(), ("nodes", "retry")},  # owner; the step's next
    "wrong-type": {
        ("symptoms",),
        ("reviewed",),
        ("nodes", "monitor-mode"),  # basic: yes, expert: "true"
        ("nodes", "call-pacs"),  # include: a single value
        ("nodes", "note"),  # a node that is a single value
    },
    "node-kind": {("nodes", "both"), ("nodes", "neither")},
    "invalid-id": {("start",), ("nodes",), ("nodes", "Ask_Colleague")},
    "empty-value": {("title",), ("owner",), ("nodes", "fixed")},
}


@pytest.mark.parametrize("rule", sorted(SHAPE_ERRORS))
def test_schema_rejects_shape_errors(validator: Draft202012Validator, rule: str) -> None:
    data = as_json(load_file(INVALID / f"{rule}.yaml"))
    places = {tuple(str(p) for p in e.absolute_path) for e in validator.iter_errors(data)}
    assert places == SHAPE_ERRORS[rule]
