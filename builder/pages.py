"""Compile trees into the Markdown pages of the site: pure functions, no MkDocs."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import jinja2

from builder.claims import ClaimedCode, claimed_codes
from builder.codes import prefix_table
from builder.contact import contact_text
from builder.contacts import Team
from builder.expert import expert_path
from builder.families import families_in
from builder.flowchart import flowchart, flowchart_ids
from builder.markdown_text import render_inline, render_markdown
from builder.model import Kind, Node, Tree, is_tree_link, tree_link_id
from builder.problems import Level, Problem
from builder.step_numbers import step_numbers, step_order
from builder.ticket import TicketTarget
from builder.tree_version import tree_version
from builder.urls import (
    page_url,
    relative_url,
    step_anchor,
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
    env.globals.update(anchor=step_anchor, heading=_heading)
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
    leads_to: str  # where it leads, as a printed copy can follow it: "7", or another guide
    leads_to_title: str  # that step's name, for the screen ("" for another guide)


@dataclass(frozen=True, slots=True)
class SiteContext:
    """What a page needs to know about the rest of the site."""

    trees: dict[str, Tree]
    directory_urls: bool = True
    teams: dict[str, Team] = field(default_factory=dict)  # contacts.yaml, by team id
    ticket: TicketTarget = field(default_factory=TicketTarget)


def _links(tree: Tree, node: Node, site: SiteContext, numbers: dict[str, int]) -> list[AnswerLink]:
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
            leads_to, leads_to_title = f"the guide \u201c{other.title}\u201d", ""
        else:
            href = f"#{step_anchor(target)}"
            known = target in tree.nodes  # a preview may show a tree with a broken link
            leads_to = str(numbers[target]) if known else "?"
            leads_to_title = tree.nodes[target].label if known else target
        links.append(AnswerLink(label, href, target, expert, leads_to, leads_to_title))
    return links


# The compiled tree goes into the finished page between these markers (see insert_body):
# MkDocs only ever sees a short digest, which is also what the theme's search indexes.
BODY_START = "<!-- fastpath:tree-body -->"
BODY_END = "<!-- /fastpath:tree-body -->"


def tree_page(tree: Tree) -> str:
    """The Markdown MkDocs builds for a tree: title, and a digest where the tree will go."""
    return (
        _templates()
        .get_template("tree_page.md.j2")
        .render(
            tree=tree,
            page_title=plain_title(tree.title),
            tree_codes=tree.codes,
            nodes=list(tree.nodes.values()),
            body_start=BODY_START,
            body_end=BODY_END,
        )
    )


def linked_tree_ids(tree: Tree) -> set[str]:
    """The trees this tree's answers lead to (their titles show on its page)."""
    return {tree_link_id(t) for n in tree.nodes.values() for t, _ in n.targets if is_tree_link(t)}


def tree_body(tree: Tree, site: SiteContext) -> str:
    """The HTML of a tree: every step a numbered section, every answer a link naming the
    step it leads to (so the page read alone, or printed, is the runbook), and its
    flowchart's source."""
    path = expert_path(tree)
    numbers = step_numbers(tree)
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
            version=tree_version(tree),
            summary_html=render_markdown(tree.summary),
            codes_line=tree.codes,
            ordered_nodes=[tree.nodes[node_id] for node_id in step_order(tree)],
            numbers=numbers,
            nodes=tree.nodes,
            contacts={n.id: contact_text(n, site.teams) for n in tree.nodes.values()},
            ticket=site.ticket,
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
            links={n.id: _links(tree, n, site, numbers) for n in tree.nodes.values()},
            flowchart=flowchart(
                tree, {i: site.trees[i].title for i in linked if i in site.trees}, site.teams
            ),
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
    family: str
    system: str
    family_id: str = ""
    hex: bool = False


def code_rows(
    trees: Iterable[Tree],
    directory_urls: bool = True,
    claims: list[ClaimedCode] | None = None,
) -> list[CodeRow]:
    """Every claimed code with the step that handles it, by family, system and code.

    `claims` are the trees' `claimed_codes`, when the caller has them already."""
    if claims is None:
        claims = claimed_codes(trees, directory_urls)
    rows = [
        CodeRow(
            c.code.key,
            c.code.code,
            c.code.message,
            c.code.source,
            c.url,
            c.tree.title,
            c.step_label,
            c.family_label or "Other codes",
            c.tree.system,
            c.code.family,
            c.code.hex,
        )
        for c in claims
    ]
    return sorted(rows, key=lambda r: (r.family.casefold(), r.system, r.key, r.url))


@dataclass(frozen=True, slots=True)
class CodeGroup:
    family: str
    system: str
    rows: list[CodeRow]


CODES_PAGE = "codes.md"


def codes_page_prefixes(trees: Iterable[Tree]) -> str:
    """The families' typed prefixes, as the codes page's filter box reads them (it reads
    `HL7 204` as search does, offline)."""
    families = families_in(c.family_ref for t in trees for c, _ in t.all_codes())
    return json.dumps([list(p) for p in prefix_table((f.id, f.prefixes) for f in families)])


def codes_page(trees: Iterable[Tree], directory_urls: bool = True) -> str:
    """The index of every error code by family and system, linking to the step that handles it."""
    trees = list(trees)
    return codes_page_from(
        code_rows(trees, directory_urls), codes_page_prefixes(trees), directory_urls
    )


def codes_page_from(rows: list[CodeRow], prefixes: str, directory_urls: bool = True) -> str:
    """The codes page made from its rows (`code_rows`) and the families' prefixes
    (`codes_page_prefixes`): all it shows."""
    here = page_url(CODES_PAGE, directory_urls)
    groups: dict[tuple[str, str], list[CodeRow]] = {}
    for r in rows:
        groups.setdefault((r.family, r.system), []).append(
            replace(r, url=relative_url(here, r.url))
        )
    return (
        _templates()
        .get_template("codes_page.md.j2")
        .render(
            count=len(rows),
            prefixes=prefixes,
            groups=[CodeGroup(f, s, g) for (f, s), g in groups.items()],
            home_url=relative_url(here, ""),
        )
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
