"""Build the search index from checked trees and make it current.

`build_index(trees, out_dir)` does both at once (`fastpath index`). `fastpath build` uses
`BackgroundIndexBuild` instead: the index is prepared in a second process while the site
builds in the first (the two are independent once the trees are checked, and each keeps one
core busy), and published only when the caller says the site succeeded.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Iterable, Mapping
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path

from builder.build_cache import digest
from builder.codes import PrefixTable
from builder.model import Tree
from builder.oserrors import disk_error
from search.documents import SearchDocument, code_prefixes, documents_from_trees
from search.engine import update_engine_index, write_engine_index
from search.parent import end_with_parent
from search.store.builds import (
    DEFAULT_INDEX_DIR,
    current_build,
    discard_build,
    new_build_dir,
    prune_builds,
    switch_to,
    write_prefixes,
)

# In each build: tree id -> [the key of what it was indexed from, its document ids].
TREES_FILE = "fastpath-trees.json"
# A build that changes more trees than this share is written afresh: cheaper than deleting
# most of a copy, and it leaves no deleted documents behind.
MAX_UPDATED_SHARE = 0.25

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


def build_index(trees: Iterable[Tree], out_dir: Path, directory_urls: bool = True) -> Path:
    """Index the trees into a new build under out_dir, switch to it atomically, return it.

    The trees should have passed `builder.check` without errors. On any failure the new
    folder is removed, the previous build stays current, and IndexBuildError says why.
    Builds older than the previous one are pruned.
    """
    folder = prepare_index(trees, out_dir, directory_urls)
    publish_index(out_dir, folder)
    return folder


@lru_cache(maxsize=1)
def _code_key() -> str:
    package = Path(__file__).resolve().parent.parent
    return digest(*(p.read_bytes() for p in sorted(package.rglob("*.py"))))


def _documents(
    trees: list[Tree], changed: list[Tree], directory_urls: bool
) -> tuple[list[SearchDocument], PrefixTable]:
    """The documents of the changed trees, and the typed code prefixes of all of them."""
    try:
        return documents_from_trees(changed, directory_urls), code_prefixes(trees)
    except Exception as e:
        raise IndexBuildError(f"cannot index the trees: {type(e).__name__}: {e}") from e


Indexed = dict[str, tuple[str, list[str]]]  # tree id -> (its key, its document ids)


def _previous(out_dir: Path) -> tuple[Path, Indexed] | None:
    """The current build and what its trees were indexed from, if it says."""
    folder = current_build(out_dir)
    if folder is None:
        return None
    try:
        raw = json.loads((folder / TREES_FILE).read_text(encoding="utf-8"))
        return folder, {
            str(i): (str(key), [str(d) for d in docs]) for i, (key, docs) in raw.items()
        }
    except (OSError, ValueError, TypeError):
        return None


def _tree_keys(
    trees: list[Tree], directory_urls: bool, sources: Mapping[str, str]
) -> dict[str, str]:
    """Tree id -> the key of what its documents are made from: the hash of the file it was
    read from where the caller knows it (a tree is made from its file alone), else the tree
    itself written out."""
    return {
        t.id: digest(
            _code_key(),
            f"source {t.path} {sources[t.id]}" if t.id in sources else repr(t),
            str(directory_urls),
        )
        for t in trees
    }


def _write(
    trees: list[Tree],
    folder: Path,
    out_dir: Path,
    directory_urls: bool,
    sources: Mapping[str, str],
) -> None:
    """Write the index into folder: the current build updated where only a few trees
    changed, else every document afresh."""
    keys = _tree_keys(trees, directory_urls, sources)
    indexed: Indexed = {}
    previous = _previous(out_dir)
    update: list[str] | None = None  # the document ids to remove from a copy, when updating
    changed = trees
    if previous is not None:
        old_folder, old = previous
        stale = [i for i, (key, _) in old.items() if keys.get(i) != key]
        fresh = [t for t in trees if old.get(t.id, ("", []))[0] != keys[t.id]]
        touched = set(stale) | {t.id for t in fresh}
        if len(touched) <= MAX_UPDATED_SHARE * max(len(trees), 1):
            shutil.copytree(old_folder, folder, dirs_exist_ok=True)
            (folder / TREES_FILE).unlink()
            indexed = {i: entry for i, entry in old.items() if keys.get(i) == entry[0]}
            update = [doc for i in stale for doc in old[i][1]]
            changed = fresh
    documents, prefixes = _documents(trees, changed, directory_urls)
    if update is not None:
        update_engine_index(folder, update, documents)
    else:
        write_engine_index(documents, folder)
    write_prefixes(folder, prefixes)
    for document in documents:
        indexed.setdefault(document.tree, (keys[document.tree], []))[1].append(document.doc_id)
    (folder / TREES_FILE).write_text(json.dumps(indexed, sort_keys=True), encoding="utf-8")


def prepare_index(
    trees: Iterable[Tree],
    out_dir: Path,
    directory_urls: bool = True,
    sources: Mapping[str, str] | None = None,
) -> Path:
    """Write a new index build under out_dir without making it current; return its folder.

    When the current build records what it was made from and few trees changed, the new
    build is a copy of it with only their documents replaced. `sources` (tree id -> the hash
    of the file it was read from) spares writing every tree out to tell which changed.
    """
    trees = list(trees)
    try:
        folder = new_build_dir(out_dir)
    except OSError as e:
        raise IndexBuildError(disk_error("create the index build folder", e, out_dir)) from e
    try:
        _write(trees, folder, out_dir, directory_urls, sources or {})
    except IndexBuildError:
        discard_build(folder)
        raise
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


def _prepare_in_child(
    trees: list[Tree],
    out_dir: Path,
    directory_urls: bool,
    sources: Mapping[str, str],
    conn: Connection,
    parent: int,
) -> None:
    # A build killed mid-way must not leave an indexer writing on; the half-written
    # folder is pruned later.
    end_with_parent(parent)
    try:
        conn.send(("ok", str(prepare_index(trees, out_dir, directory_urls, sources))))
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

    def __init__(
        self,
        trees: list[Tree],
        out_dir: Path,
        directory_urls: bool = True,
        sources: Mapping[str, str] | None = None,
    ) -> None:
        self.trees = trees
        self.out_dir = out_dir
        self.directory_urls = directory_urls
        self.sources = dict(sources or {})
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._outcome: Path | IndexBuildError | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._conn, child = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_prepare_in_child,
                args=(trees, out_dir, directory_urls, self.sources, child, os.getpid()),
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
                return prepare_index(self.trees, self.out_dir, self.directory_urls, self.sources)
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
