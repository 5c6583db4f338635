"""Load just what the preview of one tree needs, however big the knowledge base is.

The tree itself is checked in full; trees it links to are only read (for their
titles and URLs); the rest of the knowledge base is known by file name alone.
"""

from __future__ import annotations

from pathlib import Path

from builder.check import (
    TREE_SUFFIXES,
    CheckOptions,
    check_trees,
    display_path,
    find_families,
    find_tree_files,
    load_tree,
)
from builder.families import EMPTY_REGISTRY, load_families
from builder.model import Tree, is_tree_link, tree_link_id
from builder.problems import Level, Problem


def load_preview(
    tree_file: Path, trees_dir: Path, options: CheckOptions
) -> tuple[Tree | None, list[Tree], list[Problem]]:
    """The previewed tree (None if unusable), the trees it links to, and its problems."""
    others = {
        p.stem: p
        for p in find_tree_files([trees_dir])
        if p.suffix in TREE_SUFFIXES and p.resolve() != tree_file.resolve()
    }
    # The registry's own problems belong to the knowledge base's check, not to this tree.
    found = find_families([trees_dir])
    registry = (
        load_families(found, display_path(found), options.max_bytes)[0] if found else EMPTY_REGISTRY
    )
    tree, problems = load_tree(tree_file, options.max_bytes, registry)
    if tree is None:
        return None, [], sorted(problems)
    problems += check_trees([tree], options, extra_tree_ids=others)
    linked: list[Tree] = []
    targets = {
        tree_link_id(t) for n in tree.nodes.values() for t, _ in n.targets if is_tree_link(t)
    }
    for target in sorted(targets):
        if target in others:
            other, _ = load_tree(others[target], options.max_bytes, registry)
            if other is not None:
                linked.append(other)
    if any(p.level is Level.ERROR for p in problems):
        return None, linked, sorted(problems)
    return tree, linked, sorted(problems)
