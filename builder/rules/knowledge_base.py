"""Checks across trees: unique ids, each error code claimed in one place, distinct systems."""

from __future__ import annotations

from collections.abc import Iterator

from builder.model import Code, Scope, Tree
from builder.problems import Level, Problem, Rule, error
from builder.rules import CheckContext
from builder.urls import TREES_DIR, system_slug

DUPLICATE_TREE_ID = Rule(
    "duplicate-tree-id",
    Level.ERROR,
    "two trees with the same id",
)
DUPLICATE_CODE = Rule(
    "duplicate-code",
    Level.ERROR,
    "the same code claimed twice in one family (search could not tell which step handles it)",
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


def check_unique_ids(trees: list[Tree], ctx: CheckContext) -> Iterator[Problem]:
    first: dict[str, Tree] = {}
    # A file being checked is reported, not the one it clashes with.
    for tree in sorted(trees, key=lambda t: (t.path in ctx.focus, t.path)):
        if tree.id in first:
            yield error(
                tree.id_pos or tree.pos,
                f'tree id "{tree.id}" is already used by {first[tree.id].path}',
                DUPLICATE_TREE_ID,
            )
        else:
            first[tree.id] = tree


def _claim_scope(code: Code, tree: Tree) -> tuple[str, str, str]:
    """What must be unique: the key in its family (and system, for per-device families)."""
    per_system = code.family_ref is not None and code.family_ref.unique_within is Scope.SYSTEM
    return (code.family, code.key, tree.system if per_system else "")


def check_duplicate_codes(trees: list[Tree], ctx: CheckContext) -> Iterator[Problem]:
    """The same code claimed twice in one family is an error naming both places.

    The same digits in two families are different codes (`HL7 204`, Remote Desktop `0x204`).
    """
    claims: dict[tuple[str, str, str], list[tuple[Code, Tree, str]]] = {}
    for tree in trees:
        for code, node_id in tree.all_codes():
            if code.key:
                claims.setdefault(_claim_scope(code, tree), []).append((code, tree, node_id))
    for places in claims.values():
        if len(places) < 2:
            continue
        places.sort(key=lambda p: (p[1].path in ctx.focus, p[0].pos))
        first, first_tree, first_node = places[0]
        family = f" of family {first.family}" if first.family else ""
        for code, tree, node_id in places[1:]:
            yield error(
                code.pos,
                f'code "{code.code}"{family} is already claimed by {first_tree.id}#{first_node} '
                f'("{first.code}" at {first.pos}); search could not tell which step handles '
                f"it: keep one claim (here: {tree.id}#{node_id})",
                DUPLICATE_CODE,
            )


def check_system_slugs(trees: list[Tree], ctx: CheckContext) -> Iterator[Problem]:
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
