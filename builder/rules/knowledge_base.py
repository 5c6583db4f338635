"""Checks across trees: unique ids, each error code claimed in one place, distinct systems."""

from __future__ import annotations

from collections.abc import Iterator

from builder.codes import normalise_code
from builder.model import Pos, Tree
from builder.problems import Level, Problem, Rule, error, warning
from builder.urls import TREES_DIR, system_slug

DUPLICATE_TREE_ID = Rule(
    "duplicate-tree-id",
    Level.ERROR,
    "two trees with the same id",
)
DUPLICATE_CODE = Rule(
    "duplicate-code",
    Level.WARNING,
    "the same code is claimed in two places",
)
SYSTEM_SLUG_CLASH = Rule(
    "system-slug-clash",
    Level.ERROR,
    "two system names that differ only in case or punctuation would share one web folder",
)
RULES = (
    DUPLICATE_TREE_ID,
    DUPLICATE_CODE,
    SYSTEM_SLUG_CLASH,
)


def check_unique_ids(trees: list[Tree]) -> Iterator[Problem]:
    first: dict[str, Tree] = {}
    for tree in sorted(trees, key=lambda t: t.path):
        if tree.id in first:
            yield error(
                tree.id_pos or tree.pos,
                f'tree id "{tree.id}" is already used by {first[tree.id].path}',
                DUPLICATE_TREE_ID,
            )
        else:
            first[tree.id] = tree


def check_duplicate_codes(trees: list[Tree]) -> Iterator[Problem]:
    claims: dict[str, list[tuple[Pos, str, str]]] = {}
    for tree in trees:
        for code, node_id in tree.all_codes():
            key = normalise_code(code.code) or code.code
            claims.setdefault(key, []).append((code.pos, code.code, f"{tree.id}#{node_id}"))
    for places in claims.values():
        if len(places) < 2:
            continue
        places.sort()
        for pos, written, where in places[1:]:
            first_pos, first_written, first_where = places[0]
            yield warning(
                pos,
                f'code "{written}" is also claimed by {first_where} '
                f'("{first_written}" at {first_pos}); search cannot tell which '
                f"step handles it (here: {where})",
                DUPLICATE_CODE,
            )


def check_system_slugs(trees: list[Tree]) -> Iterator[Problem]:
    """Each system's pages live in a folder named for it; two names must not share one."""
    first: dict[str, Tree] = {}
    for tree in sorted(trees, key=lambda t: t.path):
        slug = system_slug(tree.system)
        other = first.setdefault(slug, tree)
        if other.system != tree.system:
            yield error(
                tree.system_pos or tree.pos,
                f'system "{tree.system}" and "{other.system}" (in {other.path}) would share '
                f"the folder {TREES_DIR}/{slug}/ and one system page; write the name the "
                "same way in both",
                SYSTEM_SLUG_CLASH,
            )
