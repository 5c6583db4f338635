"""Step numbers: how the page, the flowchart and the printed runbook name a step."""

from __future__ import annotations

from collections import deque

from builder.model import Tree, is_tree_link


def step_order(tree: Tree) -> list[str]:
    """The nodes in reading order: breadth first from `start`, then any others in file order.

    Breadth first keeps the numbers of the first questions small and puts each answer's
    step close after the question, which is how a script read over the phone flows.
    """
    seen: dict[str, None] = {}
    queue = deque([tree.start] if tree.start in tree.nodes else [])
    while queue:
        node_id = queue.popleft()
        if node_id in seen:
            continue
        seen[node_id] = None
        for target, _ in tree.nodes[node_id].targets:
            if not is_tree_link(target) and target in tree.nodes and target not in seen:
                queue.append(target)
    for node_id in tree.nodes:
        seen.setdefault(node_id, None)
    return list(seen)


def step_numbers(tree: Tree) -> dict[str, int]:
    """Each node's step number, 1 for `start`, in `step_order`."""
    return {node_id: i for i, node_id in enumerate(step_order(tree), start=1)}
