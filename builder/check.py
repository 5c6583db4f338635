"""Load and check a set of tree files: every problem in every file, sorted."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from builder.contacts import Contacts, ContactScope, contact_scopes
from builder.model import Pos, Tree
from builder.notices import check_notice_files
from builder.parse import parse_tree
from builder.problems import Level, Problem, error
from builder.rules import CheckContext
from builder.rules.contacts import (
    check_contacts_known,
    check_duplicate_phones,
    check_unused_teams,
)
from builder.rules.registry import KNOWLEDGE_BASE_CHECKS, TREE_CHECKS, apply_levels
from builder.sourcefile import display_path, read_located
from builder.yamlsource import DEFAULT_MAX_BYTES, OUTSIDE_LINK

TREE_SUFFIXES = (".yaml", ".yml")
# Files at the top of a knowledge base that are registries, not trees (trees live in
# <system>/ folders): code families, teams and their contacts, outage notices. They are never
# read as trees, wherever they are, so a folder holding several knowledge bases checks cleanly.
REGISTRY_FILES = frozenset({"families.yaml", "contacts.yaml", "notices.yaml"})


@dataclass(frozen=True, slots=True)
class CheckOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_review_age_days: int = 365
    today: date = field(default_factory=date.today)
    # rule id -> level, or None for off (see builder.rules.registry.rule_levels)
    rule_levels: Mapping[str, Level | None] = field(default_factory=dict)


@dataclass(slots=True)
class CheckResult:
    trees: list[Tree]
    problems: list[Problem]
    files: int
    contacts: Contacts | None = None  # the knowledge base's teams, for its pages

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.WARNING]


def find_tree_files(paths: Iterable[Path]) -> list[Path]:
    """Tree files named by the paths: files as given, folders searched recursively.

    In a folder, a symlink that leads out of it is skipped (`outside_links` reports it).
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix in TREE_SUFFIXES
                and p.is_file()
                and p.name not in REGISTRY_FILES
                and not _leaves(p, path)
            )
        else:
            found.append(path)
    return found


def _leaves(path: Path, root: Path) -> bool:
    """True for a symlink under root whose target is outside root."""
    if not path.is_symlink():
        return False
    return not path.resolve().is_relative_to(root.resolve())


def outside_links(paths: Iterable[Path]) -> list[Problem]:
    """A problem for each symlink in the folders that leads outside them.

    A knowledge base is one folder: a link out of it (to another checkout, to /proc/...)
    would publish whatever it points at.
    """
    problems: list[Problem] = []
    for root in paths:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if _leaves(path, root):
                problems.append(
                    error(
                        Pos(display_path(path), 1, 1),
                        f"symlink to {os.readlink(path)}, outside {display_path(root)}; "
                        "copy the file into the knowledge base instead",
                        OUTSIDE_LINK,
                    )
                )
    return problems


def load_tree(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Tree | None, list[Problem]]:
    """Read and parse one tree file, turning unreadable input into a located problem."""
    root, problems = read_located(path, max_bytes)
    if root is None:
        return None, problems
    return parse_tree(root, display_path(path))


def check_trees(
    trees: list[Tree],
    options: CheckOptions,
    extra_tree_ids: Iterable[str] = (),
    scopes: Iterable[ContactScope] = (),
) -> list[Problem]:
    """Run every rule on already-loaded trees, and the contact rules on each scope (the
    trees of one knowledge base and its contacts file; see contacts.contact_scopes)."""
    ctx = CheckContext(
        frozenset([t.id for t in trees] + list(extra_tree_ids)),
        options.today,
        options.max_review_age_days,
    )
    problems: list[Problem] = []
    for tree in trees:
        for check in TREE_CHECKS:
            problems.extend(check(tree, ctx))
    for kb_check in KNOWLEDGE_BASE_CHECKS:
        problems.extend(kb_check(trees))
    for scope in scopes:
        problems.extend(check_contacts_known(scope.trees, scope.contacts, scope.expected_path))
        problems.extend(check_unused_teams(scope.trees, scope.contacts))
        problems.extend(check_duplicate_phones(scope.contacts))
    return apply_levels(problems, options.rule_levels)


def check_paths(paths: Iterable[Path], options: CheckOptions | None = None) -> CheckResult:
    """Load every tree file under the paths and check them all together."""
    options = options or CheckOptions()
    paths = list(paths)
    files = find_tree_files(paths)
    trees: list[Tree] = []
    problems = outside_links(paths)
    for path in files:
        tree, found = load_tree(path, options.max_bytes)
        problems.extend(found)
        if tree is not None:
            trees.append(tree)
    scopes, contact_problems = contact_scopes(trees, paths)
    problems.extend(contact_problems)
    problems.extend(check_trees(trees, options, (), scopes))
    # The knowledge base's contacts, for its pages (the first, if the paths span several).
    contacts = next((s.contacts for s in scopes if s.contacts is not None), None)
    problems.extend(check_notice_files(paths, trees, display_path))
    return CheckResult(trees, sorted(set(problems)), len(files), contacts)
