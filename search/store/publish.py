"""Build the search index from checked trees and make it current.

`build_index(trees, out_dir)` does both at once (`fastpath index`). `fastpath build` uses
`BackgroundIndexBuild` instead: the index is prepared in a second process while the site
builds in the first (the two are independent once the trees are checked, and each keeps one
core busy), and published only when the caller says the site succeeded.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path

from builder.model import Tree
from builder.oserrors import disk_error
from search.documents import code_prefixes, documents_from_trees
from search.engine import write_engine_index
from search.store.builds import (
    DEFAULT_INDEX_DIR,
    discard_build,
    new_build_dir,
    prune_builds,
    switch_to,
    write_prefixes,
)

__all__ = [
    "DEFAULT_INDEX_DIR",
    "IndexBuildError",
    "build_index",
    "discard_index",
    "prepare_index",
    "publish_index",
]


# How often the background indexer looks whether the build that started it is still alive.
PARENT_CHECK_SECONDS = 0.05


class IndexBuildError(Exception):
    """The index could not be built; the previous index is still current."""


def build_index(trees: Iterable[Tree], out_dir: Path, directory_urls: bool = True) -> Path:
    """Index the trees into a new build under out_dir, switch to it atomically, return it.

    The trees should have passed `builder.check` without errors. On any failure the new
    folder is removed, the previous build stays current, and IndexBuildError says why.
    Builds older than the previous one are pruned.
    """
    folder = prepare_index(trees, out_dir, directory_urls)
    publish_index(out_dir, folder)
    return folder


def prepare_index(trees: Iterable[Tree], out_dir: Path, directory_urls: bool = True) -> Path:
    """Write a new index build under out_dir without making it current; return its folder."""
    trees = list(trees)
    try:
        documents = documents_from_trees(trees, directory_urls)
        prefixes = code_prefixes(trees)
    except Exception as e:
        raise IndexBuildError(f"cannot index the trees: {type(e).__name__}: {e}") from e
    try:
        folder = new_build_dir(out_dir)
    except OSError as e:
        raise IndexBuildError(disk_error("create the index build folder", e, out_dir)) from e
    try:
        write_engine_index(documents, folder)
        write_prefixes(folder, prefixes)
    except OSError as e:
        discard_build(folder)
        raise IndexBuildError(disk_error("write the search index", e, folder)) from e
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
    except OSError as e:
        discard_build(folder)
        raise IndexBuildError(disk_error("switch to the new index", e, out_dir)) from e
    except Exception as e:
        discard_build(folder)
        raise IndexBuildError(f"cannot switch to the new index: {type(e).__name__}: {e}") from e
    prune_builds(out_dir)


def discard_index(folder: Path) -> None:
    """Remove a prepared build that will not be published."""
    discard_build(folder)


def _exit_with_parent(parent: int) -> None:
    """End this process as soon as its parent is gone (even killed with -9).

    A build killed mid-way must not leave an indexer writing on: the parent's death
    reparents this process, which getppid() shows; the half-written folder is pruned later.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _prepare_in_child(
    trees: list[Tree], out_dir: Path, directory_urls: bool, conn: Connection, parent: int
) -> None:
    _exit_with_parent(parent)
    try:
        conn.send(("ok", str(prepare_index(trees, out_dir, directory_urls))))
    except IndexBuildError as e:
        conn.send(("error", str(e)))
    except BaseException as e:  # report anything; the parent decides what to do
        conn.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()


class BackgroundIndexBuild:
    """An index build started now and published (or discarded) later.

    Where processes cannot be forked (Windows), the index is built in this process when
    `publish` is called instead.
    """

    def __init__(self, trees: list[Tree], out_dir: Path, directory_urls: bool = True) -> None:
        self.trees = trees
        self.out_dir = out_dir
        self.directory_urls = directory_urls
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._outcome: Path | IndexBuildError | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._conn, child = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_prepare_in_child,
                args=(trees, out_dir, directory_urls, child, os.getpid()),
                daemon=True,
            )
            self._process.start()
            child.close()

    def wait(self) -> Path:
        """The prepared (not yet published) folder; IndexBuildError if the build failed."""
        if self._outcome is None:
            self._outcome = self._receive()
        if isinstance(self._outcome, IndexBuildError):
            raise self._outcome
        return self._outcome

    def _receive(self) -> Path | IndexBuildError:
        if self._process is None or self._conn is None:
            try:
                return prepare_index(self.trees, self.out_dir, self.directory_urls)
            except IndexBuildError as e:
                return e
        try:
            status, value = self._conn.recv()
        except EOFError:
            status, value = "error", "the indexing process ended without an answer"
        finally:
            self._process.join()
            self._conn.close()
        return Path(value) if status == "ok" else IndexBuildError(value)

    def publish(self) -> Path:
        """Wait for the build and make it current; return its folder."""
        folder = self.wait()
        publish_index(self.out_dir, folder)
        return folder

    def discard(self) -> None:
        """Wait for the build and remove it: the site failed, so nothing changes."""
        with contextlib.suppress(IndexBuildError):
            discard_index(self.wait())
