"""Load just what the preview of one tree needs, however big the knowledge base is.

The tree itself is checked in full; trees it links to are only read (for their
titles and URLs); the rest of the knowledge base is known by file name alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.check import (
    TREE_SUFFIXES,
    CheckOptions,
    check_trees,
    find_families,
    find_tree_files,
    load_tree,
)
from builder.contacts import (
    CONTACTS_FILE,
    Contacts,
    ContactScope,
    find_contacts_file,
    load_contacts,
)
from builder.families import EMPTY_REGISTRY, load_families
from builder.model import Tree, is_tree_link, tree_link_id
from builder.problems import Level, Problem
from builder.sourcefile import display_path


@dataclass(frozen=True, slots=True)
class Preview:
    """The previewed tree (None if unusable), the trees it links to, its problems, and the
    knowledge base's contacts (to show on its escalations)."""

    tree: Tree | None
    linked: list[Tree]
    problems: list[Problem]
    contacts: Contacts | None


def load_preview(tree_file: Path, trees_dir: Path, options: CheckOptions) -> Preview:
    """Check one tree against the knowledge base it belongs to."""
    others = {
        p.stem: p
        for p in find_tree_files([trees_dir])
        if p.suffix in TREE_SUFFIXES and p.resolve() != tree_file.resolve()
    }
    found = find_contacts_file(trees_dir)
    # Loaded as for one tree: the other trees' escalations are not read, so no team is
    # reported unused.
    contacts, problems = load_contacts(found) if found else (None, [])
    # The families registry's own problems belong to the knowledge base's check, not here.
    families_file = find_families([trees_dir])
    registry = (
        load_families(families_file, display_path(families_file), options.max_bytes)[0]
        if families_file
        else EMPTY_REGISTRY
    )
    tree, tree_problems = load_tree(tree_file, options.max_bytes, registry)
    problems += tree_problems
    if tree is None:
        return Preview(None, [], sorted(problems), contacts)
    where = display_path(found or trees_dir / CONTACTS_FILE)
    problems += check_trees([tree], options, others, scopes=[ContactScope([tree], contacts, where)])
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
        return Preview(None, linked, sorted(problems), contacts)
    return Preview(tree, linked, sorted(problems), contacts)
