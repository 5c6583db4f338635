"""Compile trees into the Markdown pages of the site: pure functions, no MkDocs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jinja2

from builder.codes import normalise_code
from builder.expert import expert_path
from builder.flowchart import flowchart, flowchart_ids
from builder.markdown_text import render_inline, render_markdown
from builder.model import Kind, Node, Tree, is_tree_link, tree_link_id
from builder.problems import Level, Problem
from builder.urls import (
    page_url,
    relative_url,
    step_anchor,
    step_url,
    system_slug,
    tree_url,
)

_HEADINGS = {
    Kind.QUESTION: "Question",
    Kind.STEP: "Do this",
    Kind.RESOLUTION: "Solved",
    Kind.ESCALATION: "Hand over",
}


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("builder", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(anchor=step_anchor, heading=_heading, code_key=normalise_code)
    return env


def _heading(node: Node) -> str:
    if node.title:
        return node.title
    if node.kind is Kind.ESCALATION:
        return f"Hand over to {node.text}"
    return _HEADINGS[node.kind]


def plain_title(text: str) -> str:
    """A title safe in any theme context, escaped or not: no angle brackets."""
    return text.replace("<", "\u2039").replace(">", "\u203a")


@dataclass(frozen=True, slots=True)
class AnswerLink:
    label: str
    href: str
    target: str
    expert: bool


@dataclass(frozen=True, slots=True)
class SiteContext:
    """What a page needs to know about the rest of the site."""

    trees: dict[str, Tree]
    directory_urls: bool = True


def _links(tree: Tree, node: Node, site: SiteContext) -> list[AnswerLink]:
    here = tree_url(tree, site.directory_urls)
    if node.kind is Kind.QUESTION:
        pairs = [(a.label, a.next, a.expert) for a in node.answers]
    elif node.kind is Kind.STEP:
        pairs = [("Done: next step", node.next, False)]
    else:
        pairs = []
    links = []
    for label, target, expert in pairs:
        if is_tree_link(target):
            other = site.trees[tree_link_id(target)]
            href = relative_url(here, tree_url(other, site.directory_urls))
            if node.kind is Kind.STEP:
                label = f"Continue with: {other.title}"
        else:
            href = f"#{step_anchor(target)}"
        links.append(AnswerLink(label, href, target, expert))
    return links


# The compiled tree goes into the finished page between these markers (see insert_body):
# MkDocs only ever sees a short digest, which is also what the theme's search indexes.
BODY_START = "<!-- fastpath:tree-body -->"
BODY_END = "<!-- /fastpath:tree-body -->"


def tree_page(tree: Tree) -> str:
    """The Markdown MkDocs builds for a tree: title, and a digest where the tree will go."""
    codes = []
    for code, _ in tree.all_codes():
        codes.append(code.code)
        key = normalise_code(code.code)
        if key and key != code.code:
            codes.append(key)  # so the theme's search finds "A801" as well as "0xA801"
    return (
        _templates()
        .get_template("tree_page.md.j2")
        .render(
            tree=tree,
            page_title=plain_title(tree.title),
            codes=codes,
            nodes=list(tree.nodes.values()),
            body_start=BODY_START,
            body_end=BODY_END,
        )
    )


def linked_tree_ids(tree: Tree) -> set[str]:
    """The trees this tree's answers lead to (their titles show on its page)."""
    return {tree_link_id(t) for n in tree.nodes.values() for t, _ in n.targets if is_tree_link(t)}


def tree_body(tree: Tree, site: SiteContext) -> str:
    """The HTML of a tree: every step a section, every answer a link, and its flowchart."""
    path = expert_path(tree)
    ordered = [tree.nodes[tree.start]] + [n for n in tree.nodes.values() if n.id != tree.start]
    linked = linked_tree_ids(tree)
    return (
        _templates()
        .get_template("tree_body.html.j2")
        .render(
            tree=tree,
            landing=path.landing,
            skipped=path.skipped,
            skipped_json=json.dumps([[s.node_id, s.assumed] for s in path.skipped]),
            source_path=tree.path,
            summary_html=render_markdown(tree.summary),
            codes_line=[c.code for c in tree.codes],
            ordered_nodes=ordered,
            nodes=tree.nodes,
            flow_ids=flowchart_ids(tree),
            html={
                n.id: render_markdown(n.text)
                if n.kind is not Kind.ESCALATION
                else f"<p>{render_inline(n.text)}</p>"
                for n in tree.nodes.values()
            },
            support_html={
                n.id: render_markdown(n.support) for n in tree.nodes.values() if n.support
            },
            links={n.id: _links(tree, n, site) for n in tree.nodes.values()},
            flowchart=flowchart(tree, {i: site.trees[i].title for i in linked if i in site.trees}),
        )
    )


def insert_body(page_html: str, body: str) -> str:
    """The finished page with the digest between the markers replaced by the tree's HTML."""
    start = page_html.find(BODY_START)
    end = page_html.find(BODY_END, start)
    if start < 0 or end < 0:
        raise ValueError("the page has no place for the tree (its markers are missing)")
    return page_html[:start] + body + page_html[end + len(BODY_END) :]


def systems(trees: Iterable[Tree]) -> dict[str, list[Tree]]:
    """Trees grouped by system, systems and trees in title order."""
    grouped: dict[str, list[Tree]] = {}
    for tree in sorted(trees, key=lambda t: (t.system.lower(), t.title.lower())):
        grouped.setdefault(tree.system, []).append(tree)
    return grouped


def system_index_path(system: str) -> str:
    return f"trees/{system_slug(system)}/index.md"


@dataclass(frozen=True, slots=True)
class _ListItem:
    tree: Tree
    url: str
    summary: str
    codes: list[str]


def system_page(system: str, trees: list[Tree], directory_urls: bool = True) -> str:
    """The index page of one system: its trees with their summaries."""
    here = page_url(system_index_path(system), directory_urls)
    items = [
        _ListItem(
            t,
            relative_url(here, tree_url(t, directory_urls)),
            render_inline(" ".join(t.summary.split())),
            [c.code for c, _ in t.all_codes()][:8],
        )
        for t in trees
    ]
    return (
        _templates()
        .get_template("system_page.md.j2")
        .render(system=plain_title(system), items=items, home_url=relative_url(here, ""))
    )


@dataclass(frozen=True, slots=True)
class CodeRow:
    key: str
    code: str
    message: str
    source: str
    url: str
    tree_title: str
    step_label: str


def code_rows(trees: Iterable[Tree], directory_urls: bool = True) -> list[CodeRow]:
    """Every claimed code with the step that handles it, in code order."""
    rows = []
    for tree in trees:
        for code, node_id in tree.all_codes():
            rows.append(
                CodeRow(
                    normalise_code(code.code) or code.code,
                    code.code,
                    code.message,
                    code.source,
                    step_url(tree, node_id, code.code, directory_urls),
                    tree.title,
                    tree.nodes[node_id].label,
                )
            )
    return sorted(rows, key=lambda r: (r.key, r.url))


CODES_PAGE = "codes.md"


def codes_page(trees: Iterable[Tree], directory_urls: bool = True) -> str:
    """The index of every error code, linking to the step that handles it."""
    here = page_url(CODES_PAGE, directory_urls)
    rows = [
        CodeRow(
            r.key,
            r.code,
            r.message,
            r.source,
            relative_url(here, r.url),
            r.tree_title,
            r.step_label,
        )
        for r in code_rows(trees, directory_urls)
    ]
    return (
        _templates()
        .get_template("codes_page.md.j2")
        .render(rows=rows, home_url=relative_url(here, ""))
    )


PREVIEW_PAGE = "preview.md"


def preview_page(tree: Tree | None, problems: list[Problem]) -> str:
    """The author preview: the tree's page, with its problems listed above it."""
    return (
        _templates()
        .get_template("preview_page.md.j2")
        .render(
            problems=[p.format_text() for p in problems],
            errors=sum(p.level is Level.ERROR for p in problems),
            tree=tree,
            page=tree_page(tree).split("---\n", 2)[2] if tree is not None else "",
        )
    )
