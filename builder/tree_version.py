"""A tree's version: a hash of its content, so reports can compare before and after a change.

The hash covers what readers see and where the walk goes (texts, answers, links, codes), not
where the file lives or how it is laid out: moving a file or re-indenting it keeps the version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from typing import Any

from builder.model import Pos, Tree

VERSION_LENGTH = 12
_SKIPPED = frozenset({"path", "broken_nodes"})


_SCALARS = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    """The fields of a model class that make its content (looked up once per class)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in _SKIPPED and not f.name.endswith("pos")
        )
    return names


def _plain(value: Any) -> Any:
    """The value as JSON-ready data, positions and file paths left out."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Pos):
        return None
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _fields(type(value))}
    if isinstance(value, date):
        return value.isoformat()
    return value


def tree_version(tree: Tree) -> str:
    """The first 12 hex digits of the SHA-256 of the tree's content."""
    text = json.dumps(_plain(tree), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_LENGTH]
