"""Synthetic feedback events shaped like real visits of the generated knowledge base.

Each visit starts a tree (from a code, a search, the menu or a link), walks it from its start
along random answers, and ends resolved, escalated, or left part-way; some answer "Did this
fix it?", a few flag a step, most search first.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from builder.model import Kind, Tree, is_tree_link
from builder.tree_version import tree_version

HOWS = ("code", "search", "navigation", "link")
WORDS = ("images", "black", "slow", "login", "printer", "dictation", "vpn", "monitor", "frozen")


def _walk(tree: Tree, rng: random.Random) -> tuple[list[str], Kind | None]:
    """Steps of one walk and its outcome (None: left part-way)."""
    node = tree.nodes[tree.start]
    steps = [node.id]
    for _ in range(40):
        if node.kind.terminal:
            return steps, node.kind
        if rng.random() < 0.12:
            return steps, None
        targets = [t for t, _ in node.targets if not is_tree_link(t) and t in tree.nodes]
        if not targets:
            return steps, None
        node = tree.nodes[rng.choice(targets)]
        steps.append(node.id)
    return steps, None


def visit_events(
    trees: list[Tree], rng: random.Random, versions: dict[str, str]
) -> list[dict[str, Any]]:
    """The events of one visit, as the pages post them."""
    visit = f"{rng.getrandbits(128):032x}"
    tree = rng.choice(trees)
    base = {"visit": visit, "tree": tree.id, "version": versions[tree.id]}
    events: list[dict[str, Any]] = []
    if rng.random() < 0.7:
        codes = tree.all_codes()
        query = rng.choice(codes)[0].code if codes and rng.random() < 0.6 else rng.choice(WORDS)
        if rng.random() < 0.15:
            query = f"0x{rng.getrandbits(16):04X}"  # a code no tree claims
        events.append(
            {
                "kind": "search",
                "visit": visit,
                "query": query,
                "results": rng.choice((0, 1, 1, 3, 10)),
                "opened": rng.random() < 0.6,
            }
        )
    steps, outcome = _walk(tree, rng)
    how = rng.choice(HOWS)
    events.append({"kind": "tree_started", **base, "node": steps[0], "how": how})
    events.extend({"kind": "step", **base, "node": s} for s in steps)
    last = steps[-1]
    if outcome is Kind.RESOLUTION:
        events.append({"kind": "resolved", **base, "node": last})
        if rng.random() < 0.4:
            events.append({"kind": "fixed_it", **base, "node": last, "fixed": rng.random() < 0.8})
    elif outcome is Kind.ESCALATION:
        events.append({"kind": "escalated", **base, "node": last})
    else:
        events.append({"kind": "left", **base, "node": last})
    if rng.random() < 0.03:
        events.append(
            {
                "kind": "flag",
                **base,
                "node": rng.choice(steps),
                "comment": "The menu has moved in the new version.",
            }
        )
    return events


def synthetic_events(trees: list[Tree], count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """At least `count` events, visit after visit."""
    rng = random.Random(seed)
    versions = {t.id: tree_version(t) for t in trees}
    made = 0
    while made < count:
        for event in visit_events(trees, rng, versions):
            yield event
            made += 1
