"""Every `start` and `next` leads somewhere that exists."""

from __future__ import annotations

from collections.abc import Iterator

from builder.model import Tree, is_tree_link, tree_link_id
from builder.problems import Problem, did_you_mean, error
from builder.rules import CheckContext


def check_links(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    if tree.start not in tree.nodes and tree.start_pos is not None:
        hint = did_you_mean(tree.start, tree.nodes)
        yield error(
            tree.start_pos, f'start node "{tree.start}" does not exist{hint}', "broken-link"
        )
    for node in tree.nodes.values():
        for target, pos in node.targets:
            if is_tree_link(target):
                other = tree_link_id(target)
                if other not in ctx.tree_ids:
                    hint = did_you_mean(other, ctx.tree_ids)
                    yield error(
                        pos,
                        f'"next" links to tree "{other}", which does not exist{hint}',
                        "broken-link",
                    )
            elif target not in tree.nodes:
                hint = did_you_mean(target, tree.nodes)
                yield error(
                    pos,
                    f'"next" goes to node "{target}", which does not exist{hint}',
                    "broken-link",
                )
