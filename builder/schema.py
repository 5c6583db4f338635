"""The JSON Schema (draft 2020-12) of the tree format, generated from its declaration."""

from __future__ import annotations

import json
from typing import Any

from builder.model import Kind
from builder.treeformat import (
    ANSWER_FIELDS,
    CODE_FIELDS,
    DATE_PATTERN,
    ID_PATTERN,
    KIND_FIELDS,
    NODE_COMMON_FIELDS,
    TARGET_PATTERN,
    TREE_FIELDS,
    Field,
    FieldType,
)

SCHEMA_ID = "https://fastpath.example/schema/tree.schema.json"
_NONEMPTY = {"type": "string", "minLength": 1, "pattern": r"\S"}


def _field_schema(f: Field) -> dict[str, Any]:
    base: dict[str, Any]
    match f.type:
        case FieldType.STRING | FieldType.TEXT:
            base = dict(_NONEMPTY)
        case FieldType.BOOL:
            base = {"type": "boolean"}
        case FieldType.DATE:
            base = {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
        case FieldType.ID:
            base = {"type": "string", "pattern": ID_PATTERN}
        case FieldType.TARGET:
            base = {"type": "string", "pattern": TARGET_PATTERN}
        case FieldType.STRINGS:
            base = {"type": "array", "items": dict(_NONEMPTY)}
        case FieldType.CODES:
            base = {"type": "array", "items": {"$ref": "#/$defs/code"}}
        case FieldType.ANSWERS:
            base = {"type": "array", "items": {"$ref": "#/$defs/answer"}}
        case FieldType.NODES:
            base = {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": ID_PATTERN},
                "additionalProperties": {"$ref": "#/$defs/node"},
            }
    return {"description": f.description, **base}


def _object(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def build_schema() -> dict[str, Any]:
    """The schema as a dict."""
    kinds = {
        kind.value: _object(NODE_COMMON_FIELDS + fields) for kind, fields in KIND_FIELDS.items()
    }
    for kind in Kind:
        kinds[kind.value]["title"] = kind.value
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Fastpath decision tree",
        "description": "One troubleshooting tree: see docs/authoring.md.",
        **_object(TREE_FIELDS),
        "$defs": {
            "code": _object(CODE_FIELDS),
            "answer": _object(ANSWER_FIELDS),
            "node": {"oneOf": [{"$ref": f"#/$defs/{kind.value}"} for kind in Kind]},
            **kinds,
        },
    }


def schema_json() -> str:
    """The schema as stable, pretty JSON text (what is committed in docs/)."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"
