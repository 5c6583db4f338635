"""A tree as a Mermaid flowchart, for support staff."""

from __future__ import annotations

from collections.abc import Mapping

from builder.contact import contact_text
from builder.contacts import Team
from builder.model import Kind, Node, Tree, is_tree_link, tree_link_id
from builder.step_numbers import step_numbers

_SHAPES = {
    Kind.QUESTION: ('{"', '"}'),
    Kind.STEP: ('["', '"]'),
    Kind.RESOLUTION: ('(["', '"])'),
    Kind.ESCALATION: ('[["', '"]]'),
}
# A line break inside a label (Mermaid keeps <br> in labels at its strict security level).
LINE_BREAK = "<br>"


def mermaid_label(text: str) -> str:
    """Text made safe inside a quoted Mermaid label: entity codes, one line, never cut
    (the chart wraps long labels; a cut label hides what the step says)."""
    text = " ".join(text.split())
    for char, code in (
        ("&", "#amp;"),
        ('"', "#quot;"),
        ("<", "#lt;"),
        (">", "#gt;"),
        ("|", "#124;"),
        ("`", "#96;"),
        ("%", "#37;"),  # `%%{init: ...}%%` would reconfigure Mermaid
        ("{", "#123;"),
        ("}", "#125;"),
    ):
        text = text.replace(char, code)
    return text


def node_caption(node: Node) -> str:
    """What a node says in the chart: its title, else the whole first line of its text."""
    if node.title:
        return node.title
    lines = [line for line in node.text.strip().splitlines() if line.strip()]
    first = lines[0] if lines else node.id
    return first.replace("**", "").replace("__", "")


def _node_label(node: Node, number: int, teams: Mapping[str, Team]) -> str:
    caption = node_caption(node)
    if node.kind is Kind.ESCALATION and not node.title:
        caption = f"Hand over to {caption}"
    parts = [f"{number}. {caption}"]
    contact = contact_text(node, teams) if node.kind is Kind.ESCALATION else ""
    if contact:
        parts.append(contact)
    return LINE_BREAK.join(mermaid_label(p) for p in parts)


def flowchart_ids(tree: Tree) -> dict[str, str]:
    """Mermaid-safe ids for the nodes, in file order: n0, n1, ..."""
    return {node_id: f"n{i}" for i, node_id in enumerate(tree.nodes)}


def flowchart(
    tree: Tree,
    tree_titles: dict[str, str] | None = None,
    teams: Mapping[str, Team] | None = None,
) -> str:
    """Mermaid source of the tree, top down: one shape per node, numbered as on the page,
    answers on the edges, escalations with their contact.

    Links to other trees show that tree's title when `tree_titles` has it; escalations show
    their team from `teams` (contacts.yaml).
    """
    titles = tree_titles or {}
    ids = flowchart_ids(tree)
    numbers = step_numbers(tree)
    lines = ["flowchart TD"]
    links: list[str] = []
    for node_id, node in tree.nodes.items():
        left, right = _SHAPES[node.kind]
        lines.append(
            f"  {ids[node_id]}{left}{_node_label(node, numbers[node_id], teams or {})}{right}"
        )
        if node.kind is Kind.QUESTION:
            targets = [(a.next, a.label) for a in node.answers]
        else:
            targets = [(t, "") for t, _ in node.targets]
        for target, label in targets:
            if is_tree_link(target):
                dest = f"{ids[node_id]}_{len(links)}"
                other = tree_link_id(target)
                label_text = mermaid_label("Go to: " + titles.get(other, other))
                lines.append(f'  {dest}>"{label_text}"]')
            elif target in ids:
                dest = ids[target]
            else:
                continue
            edge = f'-->|"{mermaid_label(label)}"|' if label else "-->"
            links.append(f"  {ids[node_id]} {edge} {dest}")
    lines.extend(links)
    lines.append("  classDef basic stroke-dasharray: 5 5")
    basics = [ids[n.id] for n in tree.nodes.values() if n.basic]
    if basics:
        lines.append(f"  class {','.join(basics)} basic")
    return "\n".join(lines) + "\n"
