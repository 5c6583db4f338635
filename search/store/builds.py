"""Index builds on disk: each build in its own folder, a pointer file naming the current one.

    .fastpath/index/
        CURRENT                          -> "index-01764412345678901234-4242"
        index-01764412345678901234-4242/ the current build
        index-01764412301234567890-4100/ the previous build, kept for readers still on it

A build is written into a new folder and becomes current when `CURRENT` is replaced in one
atomic `os.replace`, so a reader sees the old build or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import time
from pathlib import Path

from builder.site_publish import new_build_folder

DEFAULT_INDEX_DIR = Path(".fastpath") / "index"
POINTER = "CURRENT"
BUILD_PREFIX = "index-"
_BUILD_NAME = re.compile(r"^index-(\d{20})-(\d+)$")

# The families' typed prefixes (`HL7`, `Code`), written with each build: the query reader
# needs them to read `HL7 204` as the HL7 code 204.
PREFIXES_FILE = "code-prefixes.json"


def write_prefixes(folder: Path, prefixes: tuple[tuple[str, str], ...]) -> None:
    """Store the build's typed prefixes next to its index."""
    (folder / PREFIXES_FILE).write_text(json.dumps([list(p) for p in prefixes]), "utf-8")


def read_prefixes(folder: Path) -> tuple[tuple[str, str], ...]:
    """The build's typed prefixes; none for a build written without them."""
    try:
        rows = json.loads((folder / PREFIXES_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return ()
    return tuple((str(r[0]), str(r[1])) for r in rows if isinstance(r, list) and len(r) == 2)


# An old build is removed only once it has been superseded for this long, so a server
# that has not yet noticed a switch (or is between two quick ones) never loses its files.
PRUNE_GRACE_SECONDS = 60.0


def is_build_name(name: str) -> bool:
    """True for a folder name this module made (and nothing a pointer file could smuggle in)."""
    return _BUILD_NAME.match(name) is not None


def _stamp_ns(name: str) -> int:
    match = _BUILD_NAME.match(name)
    return int(match.group(1)) if match else 0


def new_build_dir(index_dir: Path) -> Path:
    """Create an empty, uniquely named folder for a new build."""
    index_dir.mkdir(parents=True, exist_ok=True)
    return new_build_folder(index_dir, BUILD_PREFIX)


def discard_build(folder: Path) -> None:
    """Remove a build folder that never became current."""
    shutil.rmtree(folder, ignore_errors=True)


def current_name(index_dir: Path) -> str | None:
    """The name of the current build, or None when there is none (or the pointer is bad)."""
    try:
        name = (index_dir / POINTER).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if is_build_name(name) else None


def current_build(index_dir: Path) -> Path | None:
    """The folder of the current build, or None when there is no usable one."""
    name = current_name(index_dir)
    if name is None:
        return None
    folder = index_dir / name
    return folder if folder.is_dir() else None


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; replace is durable there.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(source: Path, target: Path, attempts: int = 50) -> None:
    """os.replace, retried briefly: on Windows it fails while a reader has the target open."""
    for _ in range(attempts - 1):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            time.sleep(0.02)
    os.replace(source, target)


def switch_to(index_dir: Path, folder: Path) -> None:
    """Make a finished build current, atomically."""
    if folder.parent.resolve() != index_dir.resolve() or not is_build_name(folder.name):
        raise ValueError(f"{folder} is not a build folder of {index_dir}")
    temporary = index_dir / f"{POINTER}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="ascii") as pointer:
            pointer.write(folder.name + "\n")
            pointer.flush()
            os.fsync(pointer.fileno())
        _replace(temporary, index_dir / POINTER)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        _fsync_dir(index_dir)


def list_builds(index_dir: Path) -> list[str]:
    """Names of all build folders, oldest first."""
    if not index_dir.is_dir():
        return []
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir() and is_build_name(p.name))


def prune_builds(index_dir: Path, grace_seconds: float = PRUNE_GRACE_SECONDS) -> list[Path]:
    """Remove builds older than the previous one that were superseded long enough ago.

    The current and the previous build stay, and so does anything newer than the current
    one (another process may be writing it). Returns the folders removed; a folder still
    open elsewhere (Windows) is left for the next prune.
    """
    current = current_name(index_dir)
    names = list_builds(index_dir)
    if current not in names:
        return []
    older = names[: names.index(current)]
    now_ns = time.time_ns()
    removed: list[Path] = []
    for name, successor in itertools.pairwise(older):
        if now_ns - _stamp_ns(successor) < grace_seconds * 1e9:
            continue
        folder = index_dir / name
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed
