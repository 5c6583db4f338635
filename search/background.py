"""Build the search index in a second process while the site builds in the first.

The two builds are independent once the trees are checked, and each keeps one core busy.
The prepared index is published only when the caller says the site succeeded.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path

from builder.model import Tree
from search.index import IndexBuildError, discard_index, prepare_index, publish_index


def _prepare_in_child(trees: list[Tree], out_dir: Path, conn: Connection) -> None:
    try:
        conn.send(("ok", str(prepare_index(trees, out_dir))))
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

    def __init__(self, trees: list[Tree], out_dir: Path) -> None:
        self.trees = trees
        self.out_dir = out_dir
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._conn, child = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_prepare_in_child, args=(trees, out_dir, child), daemon=True
            )
            self._process.start()
            child.close()

    def _wait(self) -> Path:
        """The prepared folder; IndexBuildError if the child failed."""
        if self._process is None or self._conn is None:
            return prepare_index(self.trees, self.out_dir)
        try:
            status, value = self._conn.recv()
        except EOFError:
            status, value = "error", "the indexing process ended without an answer"
        finally:
            self._process.join()
            self._conn.close()
        if status != "ok":
            raise IndexBuildError(value)
        return Path(value)

    def publish(self) -> Path:
        """Wait for the build and make it current; return its folder."""
        folder = self._wait()
        publish_index(self.out_dir, folder)
        return folder

    def discard(self) -> None:
        """Wait for the build and remove it: the site failed, so nothing changes."""
        with contextlib.suppress(IndexBuildError):
            discard_index(self._wait())
