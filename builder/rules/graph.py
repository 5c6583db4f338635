"""Walking a tree's links: what is reachable, and what can reach an end."""

from __future__ import annotations

from collections.abc import Mapping

from builder.model import Tree, is_tree_link


def successors(tree: Tree, node_id: str, meant: Mapping[str, str] | None = None) -> list[str]:
    """Node ids (in this tree) a node leads to; tree links left out, and links to missing
    nodes too, unless `meant` gives the node such a link most likely meant."""
    node = tree.nodes.get(node_id)
    if node is None:
        return []
    guesses = meant or {}
    found = []
    for target, _ in node.targets:
        if is_tree_link(target):
            continue
        nxt = target if target in tree.nodes else guesses.get(target)
        if nxt is not None:
            found.append(nxt)
    return found


def reachable(tree: Tree, meant: Mapping[str, str] | None = None) -> set[str]:
    """Node ids reachable from start (`meant`: as for `successors`)."""
    if tree.start not in tree.nodes:
        return set()
    seen = {tree.start}
    todo = [tree.start]
    while todo:
        for nxt in successors(tree, todo.pop(), meant):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def can_finish(tree: Tree) -> set[str]:
    """Node ids from which some path reaches a resolution, escalation or another tree."""
    done = {
        nid
        for nid, n in tree.nodes.items()
        if n.kind.terminal or any(is_tree_link(t) for t, _ in n.targets)
    }
    # Walk the links backwards from the ends: linear, so a huge tree cannot take minutes.
    leads_to: dict[str, list[str]] = {}
    for nid in tree.nodes:
        for nxt in successors(tree, nid):
            leads_to.setdefault(nxt, []).append(nid)
    todo = list(done)
    while todo:
        for prev in leads_to.get(todo.pop(), []):
            if prev not in done:
                done.add(prev)
                todo.append(prev)
    return done
