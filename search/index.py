"""Build the search index from checked trees and make it current (what `fastpath build` calls).

from search.index import IndexBuildError, build_index
build_index(trees, Path(".fastpath/index"))
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from builder.model import Tree
from search.documents import documents_from_trees
from search.engine import write_engine_index
from search.generations import (
    DEFAULT_INDEX_DIR,
    discard_build,
    new_build_dir,
    prune_builds,
    switch_to,
)

__all__ = [
    "DEFAULT_INDEX_DIR",
    "IndexBuildError",
    "build_index",
    "discard_index",
    "prepare_index",
    "publish_index",
]


class IndexBuildError(Exception):
    """The index could not be built; the previous index is still current."""


def build_index(trees: Iterable[Tree], out_dir: Path) -> Path:
    """Index the trees into a new build under out_dir, switch to it atomically, return it.

    The trees should have passed `builder.check` without errors. On any failure the new
    folder is removed, the previous build stays current, and IndexBuildError says why.
    Builds older than the previous one are pruned.
    """
    folder = prepare_index(trees, out_dir)
    publish_index(out_dir, folder)
    return folder


def prepare_index(trees: Iterable[Tree], out_dir: Path) -> Path:
    """Write a new index build under out_dir without making it current; return its folder."""
    try:
        documents = documents_from_trees(trees)
    except Exception as e:
        raise IndexBuildError(f"cannot index the trees: {type(e).__name__}: {e}") from e
    try:
        folder = new_build_dir(out_dir)
    except OSError as e:
        raise IndexBuildError(f"cannot create an index build in {out_dir}: {e}") from e
    try:
        write_engine_index(documents, folder)
    except Exception as e:
        discard_build(folder)
        raise IndexBuildError(
            f"indexing failed, previous index kept: {type(e).__name__}: {e}"
        ) from e
    except BaseException:
        discard_build(folder)
        raise
    return folder


def publish_index(out_dir: Path, folder: Path) -> None:
    """Make a prepared build current (atomically) and prune old ones."""
    try:
        switch_to(out_dir, folder)
    except Exception as e:
        discard_build(folder)
        raise IndexBuildError(f"cannot switch to the new index: {type(e).__name__}: {e}") from e
    prune_builds(out_dir)


def discard_index(folder: Path) -> None:
    """Remove a prepared build that will not be published."""
    discard_build(folder)
