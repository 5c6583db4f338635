"""The guides: the format reference matches the schema, and the home page links both."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from builder.schema import build_schema

DOCS = Path(__file__).resolve().parent.parent / "docs"

# Reference section heading -> where its keys live in the schema.
SECTIONS = {
    "Tree": (),
    "Code": ("$defs", "code"),
    "Answer": ("$defs", "answer"),
    "Question": ("$defs", "question"),
    "Step": ("$defs", "step"),
    "Resolution": ("$defs", "resolution"),
    "Escalation": ("$defs", "escalation"),
}
COMMON = "Any node"


def reference_tables() -> dict[str, dict[str, bool]]:
    """Each '### Heading' table of the format reference: key -> required."""
    text = (DOCS / "authoring.md").read_text(encoding="utf-8")
    reference = text.split("## Format reference", 1)[1].split("\n## ", 1)[0]
    tables: dict[str, dict[str, bool]] = {}
    for block in reference.split("\n### ")[1:]:
        heading, _, body = block.partition("\n")
        rows = re.findall(r"^\| `([a-z]+)` \| [a-z]+ \| (yes|no) \|", body, re.MULTILINE)
        tables[heading.strip()] = {key: required == "yes" for key, required in rows}
    return tables


def schema_object(path: tuple[str, ...]) -> dict[str, Any]:
    node: dict[str, Any] = build_schema()
    for part in path:
        node = node[part]
    return node


def keys_of(obj: dict[str, Any]) -> dict[str, bool]:
    return {k: k in obj.get("required", []) for k in obj["properties"]}


def test_reference_covers_every_section() -> None:
    assert set(reference_tables()) == {*SECTIONS, COMMON}


def test_reference_keys_and_required_flags_match_the_schema() -> None:
    tables = reference_tables()
    common = tables[COMMON]
    for heading, path in SECTIONS.items():
        expected = keys_of(schema_object(path))
        documented = dict(tables[heading])
        if heading in ("Question", "Step", "Resolution", "Escalation"):
            documented.update(common)
        assert documented == expected, f"docs/authoring.md '{heading}' differs from the schema"


def test_home_page_links_both_guides() -> None:
    home = (DOCS / "index.md").read_text(encoding="utf-8")
    assert "(support.md)" in home and "(authoring.md)" in home


def test_the_rules_table_is_fastpath_rules_markdown() -> None:
    from click.testing import CliRunner

    from fastpath.cli import main

    table = CliRunner().invoke(main, ["rules", "--markdown"]).output
    assert table.strip() in (DOCS / "authoring.md").read_text(encoding="utf-8")
