"""No step is unreachable from `start`, none is a dead end, no cycle traps the user."""

from __future__ import annotations

from collections.abc import Iterator

from builder.model import Kind, Tree, is_tree_link
from builder.problems import Level, Problem, Rule, closest, error
from builder.rules import CheckContext
from builder.rules.graph import can_finish, reachable, successors

UNREACHABLE = Rule(
    "unreachable",
    Level.ERROR,
    "no path from `start` reaches the node",
)
DEAD_END = Rule(
    "dead-end",
    Level.ERROR,
    "a question without answers",
)
CYCLE_NO_EXIT = Rule(
    "cycle-no-exit",
    Level.ERROR,
    "a loop with no way out to a resolution or escalation",
)
RULES = (
    UNREACHABLE,
    DEAD_END,
    CYCLE_NO_EXIT,
)


# Guessing what a misspelt link meant compares it with every node: past this many broken
# links in one tree, none is guessed (and steps behind them are reported unreachable).
MAX_GUESSED_LINKS = 50


def _meant_targets(tree: Tree) -> dict[str, str]:
    """Each misspelt link in the tree -> the node it most likely meant (as "did you mean")."""
    broken = {
        target
        for node in tree.nodes.values()
        for target, _ in node.targets
        if not is_tree_link(target) and target not in tree.nodes
    }
    if len(broken) > MAX_GUESSED_LINKS:
        return {}
    guesses = {target: closest(target, tree.nodes) for target in sorted(broken)}
    return {target: meant for target, meant in guesses.items() if meant is not None}


def check_unreachable(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    if tree.start not in tree.nodes or tree.broken_nodes:
        return  # a broken start or malformed node: reachability is not known yet
    # One typo in a `next` is one problem (broken-link, with "did you mean"), not also every
    # step behind it: they are reached once the link says what it meant.
    seen = reachable(tree, _meant_targets(tree))
    for node in tree.nodes.values():
        if node.id not in seen:
            yield error(
                node.pos,
                f'node "{node.id}" cannot be reached from start "{tree.start}"',
                UNREACHABLE,
            )


def check_dead_ends(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    for node in tree.sound_nodes():
        if node.kind is Kind.QUESTION and not node.answers:
            yield error(
                node.pos,
                f'question "{node.id}" has no answers: the user is stuck '
                "here (add answers, or make it a resolution or escalation)",
                DEAD_END,
            )


def check_cycles(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    """A loop is fine if it has a way out; report loops from which no end can be reached."""
    if tree.broken_nodes:
        return  # the links of a malformed node are not known
    finishing = can_finish(tree)
    stuck = {
        nid
        for nid, n in tree.nodes.items()
        if nid not in finishing
        and successors(tree, nid)
        and not (n.kind is Kind.QUESTION and not n.answers)
    }
    walked: set[str] = set()
    for nid in tree.nodes:  # file order, not set order: the same message on every run
        if nid not in stuck or nid in walked:
            continue
        loop = _loop_through(tree, nid, stuck, walked)
        if loop is None:
            continue
        first = min((tree.nodes[n] for n in loop), key=lambda n: n.pos)
        at = loop.index(first.id)
        loop = loop[at:] + loop[:at]
        path = _loop_path(loop)
        yield error(
            first.pos,
            f"cycle with no exit: {path}; add an answer that leads to a resolution or escalation",
            CYCLE_NO_EXIT,
        )


LOOP_ENDS_SHOWN = 5


def _loop_path(loop: list[str]) -> str:
    """`a -> b -> c -> a`; a long loop shows its first and last steps and a count."""
    if len(loop) <= 3 * LOOP_ENDS_SHOWN:
        return " -> ".join([*loop, loop[0]])
    hidden = len(loop) - 2 * LOOP_ENDS_SHOWN
    head = " -> ".join(loop[:LOOP_ENDS_SHOWN])
    tail = " -> ".join([*loop[-LOOP_ENDS_SHOWN:], loop[0]])
    return f"{head} -> ... ({hidden:,} more steps) ... -> {tail}"


def _loop_through(tree: Tree, start: str, stuck: set[str], walked: set[str]) -> list[str] | None:
    """The cycle (within the stuck nodes) that a walk from start falls into.

    Nodes already walked from an earlier start lead into a cycle already found (or
    none), so the walk stops there: every node is walked once.
    """
    order: list[str] = []
    index: dict[str, int] = {}
    current = start
    while current not in index:
        if current in walked:
            walked.update(order)
            return None
        index[current] = len(order)
        order.append(current)
        nexts = [s for s in successors(tree, current) if s in stuck]
        if not nexts:
            walked.update(order)
            return None
        current = nexts[0]
    walked.update(order)
    return order[index[current] :]
