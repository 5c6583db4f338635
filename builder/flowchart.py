"""A tree as a Mermaid flowchart, for support staff."""

from __future__ import annotations

from builder.model import Kind, Tree, is_tree_link, tree_link_id

_SHAPES = {
    Kind.QUESTION: ('{"', '"}'),
    Kind.STEP: ('["', '"]'),
    Kind.RESOLUTION: ('(["', '"])'),
    Kind.ESCALATION: ('[["', '"]]'),
}


def mermaid_label(text: str, limit: int = 60) -> str:
    """Text made safe inside a quoted Mermaid label (entity codes, one line, short)."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
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


def flowchart_ids(tree: Tree) -> dict[str, str]:
    """Mermaid-safe ids for the nodes, in file order: n0, n1, ..."""
    return {node_id: f"n{i}" for i, node_id in enumerate(tree.nodes)}


def flowchart(tree: Tree, tree_titles: dict[str, str] | None = None) -> str:
    """Mermaid source of the tree: one shape per node, answers on the edges.

    Links to other trees show that tree's title when `tree_titles` has it.
    """
    titles = tree_titles or {}
    ids = flowchart_ids(tree)
    lines = ["flowchart TD"]
    links: list[str] = []
    for node_id, node in tree.nodes.items():
        left, right = _SHAPES[node.kind]
        lines.append(f"  {ids[node_id]}{left}{mermaid_label(node.label)}{right}")
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
            edge = f'-->|"{mermaid_label(label, 40)}"|' if label else "-->"
            links.append(f"  {ids[node_id]} {edge} {dest}")
    lines.extend(links)
    lines.append("  classDef basic stroke-dasharray: 5 5")
    basics = [ids[n.id] for n in tree.nodes.values() if n.basic]
    if basics:
        lines.append(f"  class {','.join(basics)} basic")
    return "\n".join(lines) + "\n"
