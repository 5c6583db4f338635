"""Load and check a set of tree files: every problem in every file, sorted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from builder.build_cache import TreeCache
from builder.model import Pos, Tree
from builder.parse import parse_tree
from builder.problems import Level, Problem, error
from builder.rules import CheckContext
from builder.rules.registry import KNOWLEDGE_BASE_CHECKS, TREE_CHECKS, apply_levels
from builder.yamlsource import DEFAULT_MAX_BYTES, UNREADABLE, SourceError, load_file

TREE_SUFFIXES = (".yaml", ".yml")
# Files at the top of the knowledge base that are registries, not trees (trees live in
# <system>/ folders): code families, teams and their contacts, outage notices.
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
                and not (p.parent == path and p.name in REGISTRY_FILES)
            )
        else:
            found.append(path)
    return found


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder where possible."""
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def load_tree(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Tree | None, list[Problem]]:
    """Read and parse one tree file, turning unreadable input into a located problem."""
    shown = display_path(path)
    try:
        root = load_file(path, max_bytes)
    except SourceError as e:
        return None, [error(Pos(shown, e.mark.line, e.mark.col), e.message, e.rule)]
    except (RecursionError, MemoryError, ValueError) as e:  # last line of defence
        return None, [error(Pos(shown, 1, 1), f"cannot read file: {type(e).__name__}", UNREADABLE)]
    return parse_tree(root, shown)


def check_trees(
    trees: list[Tree], options: CheckOptions, extra_tree_ids: Iterable[str] = ()
) -> list[Problem]:
    """Run every rule on already-loaded trees."""
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
    return apply_levels(problems, options.rule_levels)


def _load_cached(path: Path, max_bytes: int, cache: TreeCache) -> tuple[Tree | None, list[Problem]]:
    """load_tree, skipped when the cache has these very bytes."""
    try:
        data = path.read_bytes()
    except OSError:
        return load_tree(path, max_bytes)
    shown = display_path(path)
    cached = cache.get(shown, data, max_bytes)
    if cached is not None:
        return cached
    tree, found = load_tree(path, max_bytes)
    cache.put(shown, data, max_bytes, tree, found)
    return tree, found


def check_paths(
    paths: Iterable[Path], options: CheckOptions | None = None, cache: TreeCache | None = None
) -> CheckResult:
    """Load every tree file under the paths and check them all together.

    With a cache, files whose bytes it has seen are not parsed again (the rules all run).
    """
    options = options or CheckOptions()
    files = find_tree_files(paths)
    trees: list[Tree] = []
    problems: list[Problem] = []
    for path in files:
        if cache is not None:
            tree, found = _load_cached(path, options.max_bytes, cache)
        else:
            tree, found = load_tree(path, options.max_bytes)
        problems.extend(found)
        if tree is not None:
            trees.append(tree)
    problems.extend(check_trees(trees, options))
    return CheckResult(trees, sorted(set(problems)), len(files))
