"""The two sites built from the same content: Fastpath's, and plain MkDocs pages by hand.

The Fastpath project is the repository's own mkdocs.yml and docs/ with the synthetic trees
in decision_trees/. The plain project has the same configuration without the fastpath
plugin, one Markdown page per tree with the tree's text as headings and paragraphs, and a
flat nav listing every page: what a team writing the pages by hand gets.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml

from bench.measure import ROOT
from builder.check import find_tree_files

DOCS_IGNORED = shutil.ignore_patterns("benchmarks.md")
PLUGIN_BLOCK = "  - fastpath:\n      trees_dir: decision_trees\n"


def _config_text() -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if PLUGIN_BLOCK not in text or "\nnav:\n" not in text:
        raise RuntimeError("mkdocs.yml changed shape: update bench/sites.py")
    return text


def fastpath_project(project: Path) -> Path:
    """mkdocs.yml and docs/ as in the repository, next to project/decision_trees."""
    shutil.copytree(ROOT / "docs", project / "docs", ignore=DOCS_IGNORED, dirs_exist_ok=True)
    config = project / "mkdocs.yml"
    config.write_text(_config_text(), encoding="utf-8")
    return config


def _heading(node_id: str, node: dict[str, Any]) -> str:
    if "title" in node:
        return str(node["title"])
    if "escalate" in node:
        return f"Hand over to {node['escalate']}"
    return next(
        label
        for key, label in (
            ("ask", "Question"),
            ("do", "Do this"),
            ("resolved", "Solved"),
        )
        if key in node
    )


def _link(target: str, pages: dict[str, str]) -> str:
    if target.startswith("tree:"):
        return f"../../{pages[target[5:]]}"
    return f"#{target}"


def _codes(codes: list[dict[str, str]]) -> list[str]:
    return [f"- `{c['code']}` {c['message']}" for c in codes]


def tree_markdown(tree: dict[str, Any], pages: dict[str, str]) -> str:
    """A hand-written page with the tree's text: headings, paragraphs, answer links."""
    lines = [f"# {tree['title']}", "", tree["summary"].strip(), ""]
    lines += ["**Symptoms:** " + "; ".join(tree.get("symptoms", [])), ""]
    if tree.get("codes"):
        lines += ["**Error codes:**", "", *_codes(tree["codes"]), ""]
    for node_id, node in tree["nodes"].items():
        lines += [f"## {_heading(node_id, node)} {{#{node_id}}}", ""]
        text = node.get("ask") or node.get("do") or node.get("resolved")
        if text:
            lines += [text.strip(), ""]
        for answer in node.get("answers", []):
            lines.append(f"- [{answer['label']}]({_link(answer['next'], pages)})")
        if "next" in node:
            lines.append(f"- [Done: next step]({_link(node['next'], pages)})")
        if "escalate" in node:
            lines += [f"**Contact:** {node['contact']}", "", "**Have ready:**", ""]
            lines += [f"- {item}" for item in node["include"]]
        lines += ["", *_codes(node.get("codes", []))]
        if node.get("support"):
            support = node["support"].strip().replace("\n", "\n    ")
            lines += ["", '!!! note "For support staff"', "", f"    {support}"]
        lines.append("")
    return "\n".join(lines)


def plain_project(project: Path, trees_dir: Path) -> Path:
    """One page per tree under docs/pages/, a flat nav of every page; returns mkdocs.yml."""
    docs = project / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=DOCS_IGNORED, dirs_exist_ok=True)
    files = find_tree_files([trees_dir])  # the trees, not the registries beside them
    pages = {f.stem: f"pages/{f.parent.name}/{f.stem}.md" for f in files}
    nav: list[dict[str, str]] = [{"Home": "index.md"}]
    for path in files:
        tree = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CBaseLoader)
        page = docs / pages[path.stem]
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(tree_markdown(tree, pages), encoding="utf-8")
        nav.append({tree["title"]: pages[path.stem]})
    nav += [{"Authoring trees": "authoring.md"}, {"Support staff": "support.md"}]
    head = _config_text().replace(PLUGIN_BLOCK, "").split("\nnav:\n", 1)[0]
    lines = [head, "", "nav:", *(f"  - {json.dumps(entry)}" for entry in nav)]
    config = project / "mkdocs.yml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config
