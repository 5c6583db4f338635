"""Load and check a set of tree files: every problem in every file, sorted."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from builder.build_cache import TreeCache
from builder.claims import resolve_codes
from builder.contacts import Contacts, ContactScope, contact_scopes
from builder.families import EMPTY_REGISTRY, FAMILIES_FILE, FamilyRegistry, load_families
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
from builder.sourcefile import display_path
from builder.yamlsource import (
    DEFAULT_MAX_BYTES,
    OUTSIDE_LINK,
    TAB_INDENT,
    UNREADABLE,
    Mark,
    SourceError,
    parse_yaml,
    read_text,
)

TREE_SUFFIXES = (".yaml", ".yml")
# Files of a knowledge base that are registries, not trees (trees live in <system>/
# folders): code families, teams and their contacts, outage notices. They are never read as
# trees, wherever they are, so a folder holding several knowledge bases checks cleanly.
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
    """Tree files named by the paths: files as given, folders searched recursively."""
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


_INDENT = re.compile(r"^[ \t]*")


def _untabbed(text: str, width: int) -> tuple[str, list[Mark]]:
    """The text with tabs in indentation made spaces, and where each such tab was."""
    lines = text.split("\n")
    tabs: list[Mark] = []
    for number, line in enumerate(lines):
        indent = _INDENT.match(line).group()  # type: ignore[union-attr]
        if "\t" in indent:
            tabs.append(Mark(number + 1, indent.index("\t") + 1))
            lines[number] = indent.replace("\t", " " * width) + line[len(indent) :]
    return "\n".join(lines), tabs


def _best_untabbed(text: str, shown: str, first: SourceError) -> tuple[Tree | None, list[Problem]]:
    """The file read with its indentation tabs as spaces, so its other problems show too.

    How wide the author's tabs were is a guess: of the widths that read, the one leaving the
    fewest problems is taken. When none reads, the original error stands.
    """
    best: tuple[Tree | None, list[Problem]] | None = None
    tabs: list[Mark] = []
    for width in (2, 4, 8):
        untabbed, tabs = _untabbed(text, width)
        try:
            found = parse_tree(parse_yaml(untabbed), shown)
        except SourceError:
            continue
        if best is None or len(found[1]) < len(best[1]):
            best = found
    if best is None or not tabs:
        return None, [error(Pos(shown, first.mark.line, first.mark.col), first.message, first.rule)]
    message = "tab character used for indentation; indent with spaces"
    located = [error(Pos(shown, m.line, m.col), message, TAB_INDENT) for m in tabs]
    return best[0], located + best[1]


def _read_tree(path: Path, shown: str, max_bytes: int) -> tuple[Tree | None, list[Problem]]:
    try:
        text = read_text(path, max_bytes)
        try:
            root = parse_yaml(text)
        except SourceError as e:
            if e.rule != TAB_INDENT:
                raise
            return _best_untabbed(text, shown, e)
        return parse_tree(root, shown)
    except SourceError as e:
        return None, [error(Pos(shown, e.mark.line, e.mark.col), e.message, e.rule)]
    except (RecursionError, MemoryError, ValueError) as e:  # last line of defence
        return None, [error(Pos(shown, 1, 1), f"cannot read file: {type(e).__name__}", UNREADABLE)]


def load_tree(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, families: FamilyRegistry = EMPTY_REGISTRY
) -> tuple[Tree | None, list[Problem]]:
    """Read and parse one tree file, turning unreadable input into a located problem.

    Each code claim gets its family and keys here, once, from the registry.
    """
    tree, problems = _read_tree(path, display_path(path), max_bytes)
    if tree is not None:
        problems += resolve_codes(tree, families)
    return tree, problems


def find_families(paths: Iterable[Path]) -> Path | None:
    """The families.yaml of the knowledge base the paths belong to, if there is one.

    A folder's own families.yaml, else the nearest one above a folder or file.
    """
    for path in paths:
        folder = path if path.is_dir() else path.parent
        for candidate in [folder, *folder.resolve().parents]:
            if (candidate / FAMILIES_FILE).is_file():
                return candidate / FAMILIES_FILE
    return None


def check_trees(
    trees: list[Tree],
    options: CheckOptions,
    extra_tree_ids: Iterable[str] = (),
    context: Iterable[Tree] = (),
    scopes: Iterable[ContactScope] = (),
) -> list[Problem]:
    """Run every rule on already-loaded trees; `context` trees are known but not checked.

    Checks across trees see the context too (a code the checked tree duplicates from another
    file), and report at the checked trees' side. The contact rules run on each scope (the
    trees of one knowledge base and its contacts file; see contacts.contact_scopes).
    """
    others = list(context)
    ctx = CheckContext(
        frozenset([t.id for t in trees + others] + list(extra_tree_ids)),
        options.today,
        options.max_review_age_days,
        focus=frozenset(t.path for t in trees) if others else frozenset(),
    )
    problems: list[Problem] = []
    for tree in trees:
        for check in TREE_CHECKS:
            problems.extend(check(tree, ctx))
    for kb_check in KNOWLEDGE_BASE_CHECKS:
        problems.extend(kb_check(trees + others, ctx))
    for scope in scopes:
        problems.extend(check_contacts_known(scope.trees, scope.contacts, scope.expected_path))
        problems.extend(check_unused_teams(scope.trees, scope.contacts))
        problems.extend(check_duplicate_phones(scope.contacts))
    if others:
        problems = [p for p in problems if p.pos.path in ctx.focus]
    return apply_levels(problems, options.rule_levels)


class _Registries:
    """The families.yaml each file is read with (the nearest above it), each loaded once."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.loaded: dict[Path, tuple[FamilyRegistry, list[Problem]]] = {}
        self._files: dict[Path, Path | None] = {}  # folder -> its families.yaml, looked up once

    def of(self, path: Path) -> FamilyRegistry:
        folder = path if path.is_dir() else path.parent
        if folder not in self._files:
            self._files[folder] = find_families([folder])
        found = self._files[folder]
        if found is None:
            return EMPTY_REGISTRY
        key = found.resolve()
        if key not in self.loaded:
            self.loaded[key] = load_families(found, display_path(found), self.max_bytes)
        return self.loaded[key][0]

    def problems(self) -> list[Problem]:
        return [p for _, found in self.loaded.values() for p in found]


def _load_cached(
    path: Path, max_bytes: int, families: FamilyRegistry, cache: TreeCache
) -> tuple[Tree | None, list[Problem]]:
    """load_tree, skipped when the cache has these very bytes read with the same families."""
    try:
        data = path.read_bytes()
    except OSError:
        return load_tree(path, max_bytes, families)
    shown = display_path(path)
    # The claims' families and keys are computed at load: the registry is part of the key.
    context = f"{max_bytes} {families!r}"
    cached = cache.get(shown, data, context)
    if cached is not None:
        return cached
    tree, found = load_tree(path, max_bytes, families)
    cache.put(shown, data, context, tree, found)
    return tree, found


def check_paths(
    paths: Iterable[Path],
    options: CheckOptions | None = None,
    knowledge_base: Path | None = None,
    cache: TreeCache | None = None,
) -> CheckResult:
    """Load every tree file under the paths and check them all together.

    Named files are checked against their whole knowledge base (`knowledge_base`, else the
    folder of the nearest families.yaml above them): links to other trees resolve and a code
    another file already claims is found, but only the named files' problems are reported.

    With a cache, files whose bytes it has seen are not parsed again (the rules all run).
    """
    options = options or CheckOptions()
    paths = list(paths)
    registry_file = next((p for p in paths if p.is_file() and p.name == FAMILIES_FILE), None)
    if registry_file is not None:
        # Every claim depends on the families: a changed registry is checked with all trees.
        paths = [p for p in paths if p != registry_file] + [registry_file.parent]
    named = [p for p in paths if not p.is_dir()]
    registries = _Registries(options.max_bytes)
    files = find_tree_files(paths)
    problems = outside_links(paths)
    first = registries.of(named[0]) if named else EMPTY_REGISTRY
    root = knowledge_base or (Path(first.path).parent if first.path else None)
    context_files: list[Path] = []
    if named and root is not None and root.is_dir():
        chosen = {p.resolve() for p in files}
        context_files = [p for p in find_tree_files([root]) if p.resolve() not in chosen]
    trees: list[Tree] = []
    for path in files:
        families = registries.of(path)
        if cache is not None:
            tree, found = _load_cached(path, options.max_bytes, families, cache)
        else:
            tree, found = load_tree(path, options.max_bytes, families)
        problems.extend(found)
        if tree is not None:
            trees.append(tree)
    context: list[Tree] = []
    for path in context_files:
        tree, _ = load_tree(path, options.max_bytes, registries.of(path))
        if tree is not None:
            context.append(tree)
    scopes, contact_problems = contact_scopes(trees, paths)
    problems.extend(contact_problems)
    problems.extend(check_trees(trees, options, context=context, scopes=scopes))
    folders = [p for p in paths if p.is_dir()]
    if folders:
        # Named files alone are checked against their registry, not the registry itself.
        for registry_file in sorted(f for folder in folders for f in folder.rglob(FAMILIES_FILE)):
            registries.of(registry_file.parent)
        problems.extend(registries.problems())
    problems.extend(check_notice_files(paths, trees, display_path))
    # The knowledge base's contacts, for its pages (the first, if the paths span several).
    contacts = next((s.contacts for s in scopes if s.contacts is not None), None)
    return CheckResult(trees, sorted(set(problems)), len(files), contacts)
