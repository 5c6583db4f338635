"""One YAML file of the knowledge base read into located nodes, or one located problem."""

from __future__ import annotations

from pathlib import Path

from builder.model import Pos
from builder.problems import Problem, error
from builder.yamlsource import DEFAULT_MAX_BYTES, UNREADABLE, SourceError, YMap, load_file


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder where possible.

    A symlink is shown by its own name, not its target's.
    """
    path = path.absolute().parent.resolve() / path.name
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def read_located(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[YMap | None, list[Problem]]:
    """The file's top-level mapping, or None and the one problem that stops it being read."""
    shown = display_path(path)
    try:
        return load_file(path, max_bytes), []
    except SourceError as e:
        return None, [error(Pos(shown, e.mark.line, e.mark.col), e.message, e.rule)]
    except (RecursionError, MemoryError, ValueError) as e:  # last line of defence
        return None, [error(Pos(shown, 1, 1), f"cannot read file: {type(e).__name__}", UNREADABLE)]
