"""Every `start` and `next` leads somewhere that exists."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from builder.model import Tree, is_tree_link, tree_link_id
from builder.problems import Level, Problem, Rule, did_you_mean, error
from builder.rules import CheckContext

BROKEN_LINK = Rule(
    "broken-link",
    Level.ERROR,
    'a `next` or `start` goes nowhere (with "did you mean")',
)
RULES = (BROKEN_LINK,)

# Each hint compares the name with every candidate: a file with thousands of broken links
# would otherwise take minutes. Past this many comparisons, links are reported without one.
HINT_COMPARISONS_PER_TREE = 20_000


def check_links(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    comparisons_left = HINT_COMPARISONS_PER_TREE

    def hint_for(name: str, candidates: Iterable[str]) -> str:
        nonlocal comparisons_left
        names = list(candidates)
        comparisons_left -= len(names)
        return did_you_mean(name, names) if comparisons_left >= 0 else ""

    known = tree.nodes.keys() | tree.broken_nodes  # a malformed node exists all the same
    if tree.start not in known and tree.start_pos is not None:
        hint = hint_for(tree.start, tree.nodes)
        yield error(tree.start_pos, f'start node "{tree.start}" does not exist{hint}', BROKEN_LINK)
    for node in tree.nodes.values():
        for target, pos in node.targets:
            if is_tree_link(target):
                other = tree_link_id(target)
                if other not in ctx.tree_ids:
                    hint = hint_for(other, ctx.tree_ids)
                    yield error(
                        pos,
                        f'"next" links to tree "{other}", which does not exist{hint}',
                        BROKEN_LINK,
                    )
            elif target not in known:
                hint = hint_for(target, tree.nodes)
                yield error(
                    pos,
                    f'"next" goes to node "{target}", which does not exist{hint}',
                    BROKEN_LINK,
                )
