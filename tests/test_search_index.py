"""Index builds: a new folder each time, an atomic switch, old builds kept then pruned,
and a live index that follows the switch without dropping a request."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from builder.check import check_paths
from builder.model import Tree
from search.service import search_index
from search.store import builds as generations
from search.store.builds import POINTER, current_build, list_builds, prune_builds
from search.store.live import LiveIndex, NoIndexError
from search.store.publish import (
    TREES_FILE,
    IndexBuildError,
    build_index,
    prepare_index,
    publish_index,
)

TREES = Path(__file__).parent / "data" / "search" / "trees"


@pytest.fixture(scope="module")
def trees() -> list[Tree]:
    result = check_paths([TREES])
    assert not result.errors, result.errors
    return result.trees


def test_a_build_goes_into_a_new_folder_named_by_the_pointer(
    trees: list[Tree], tmp_path: Path
) -> None:
    out = tmp_path / "index"
    folder = build_index(trees, out)
    assert folder.parent == out and folder.name.startswith("index-")
    assert (out / POINTER).read_text().strip() == folder.name
    assert current_build(out) == folder
    assert [p.name for p in out.iterdir() if p.name.startswith(POINTER + ".")] == []


def test_the_previous_build_stays_and_older_ones_are_pruned(
    trees: list[Tree], tmp_path: Path
) -> None:
    builds = [build_index(trees, tmp_path) for _ in range(4)]
    assert list_builds(tmp_path) == [b.name for b in builds], "all superseded moments ago"
    removed = prune_builds(tmp_path, grace_seconds=0)
    assert sorted(removed) == builds[:2]
    assert list_builds(tmp_path) == [b.name for b in builds[2:]]


def test_builds_newer_than_the_current_one_are_left_alone(
    trees: list[Tree], tmp_path: Path
) -> None:
    first = build_index(trees, tmp_path)
    in_progress = generations.new_build_dir(tmp_path)
    assert prune_builds(tmp_path, grace_seconds=0) == []
    assert {first.name, in_progress.name} <= set(list_builds(tmp_path))


def test_a_failed_build_changes_nothing(
    trees: list[Tree], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = build_index(trees, tmp_path)

    def broken_writer(documents: object, folder: Path) -> int:
        (folder / "half-written").write_text("x")
        raise OSError("disk full")

    monkeypatch.setattr("search.store.publish.write_engine_index", broken_writer)
    monkeypatch.setattr(  # the same trees again: the current build would be updated
        "search.store.publish.update_engine_index",
        lambda folder, remove, documents: broken_writer(documents, folder),
    )
    with pytest.raises(IndexBuildError, match="disk full"):
        build_index(trees, tmp_path)
    assert current_build(tmp_path) == good
    assert list_builds(tmp_path) == [good.name]


def test_no_index_is_a_clear_error(tmp_path: Path) -> None:
    live = LiveIndex(tmp_path / "missing")
    with pytest.raises(NoIndexError, match="fastpath build"):
        search_index(live, "0xA801")


@pytest.mark.parametrize("pointer", ["../../etc", "index-1-2/../x", "", "garbage\n"])
def test_a_pointer_naming_no_build_is_ignored(tmp_path: Path, pointer: str) -> None:
    (tmp_path / POINTER).write_text(pointer)
    assert current_build(tmp_path) is None
    assert LiveIndex(tmp_path).build_name is None


def test_the_live_index_follows_a_switch_and_finishes_leases_on_the_old_build(
    trees: list[Tree], tmp_path: Path
) -> None:
    first = build_index(trees, tmp_path)
    live = LiveIndex(tmp_path, check_interval=0)
    with live.lease() as old_lease:
        assert old_lease.build == first.name
        second = build_index(trees, tmp_path)
        with live.lease() as new_lease:
            assert new_lease.build == second.name
        # The old build is retired but still answers the request that holds it.
        assert old_lease.searcher.find_codes(("A801",))
    assert search_index(live, "0xA801").hits[0].matched_code == "0xA801"
    live.close()


def test_the_pointer_is_checked_at_most_every_interval(trees: list[Tree], tmp_path: Path) -> None:
    first = build_index(trees, tmp_path)
    live = LiveIndex(tmp_path, check_interval=3600)
    build_index(trees, tmp_path)
    assert live.build_name == first.name
    live.refresh()
    assert live.build_name != first.name
    live.close()


def test_a_build_that_cannot_be_opened_keeps_the_old_one_serving(
    trees: list[Tree], tmp_path: Path
) -> None:
    first = build_index(trees, tmp_path)
    live = LiveIndex(tmp_path, check_interval=0)
    damaged = generations.new_build_dir(tmp_path)
    generations.switch_to(tmp_path, damaged)  # an empty folder: not an index
    assert search_index(live, "0xA801").hits
    assert live.build_name == first.name
    live.close()


def test_prune_waits_until_a_build_was_superseded_long_enough(
    trees: list[Tree], tmp_path: Path
) -> None:
    builds = [build_index(trees, tmp_path) for _ in range(3)]
    assert prune_builds(tmp_path, grace_seconds=3600) == []
    old = time.time() - 7200
    os.utime(builds[0], (old, old))  # folder times do not matter, build stamps do
    assert prune_builds(tmp_path, grace_seconds=3600) == []


ORPHANED_INDEXER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    import search.store.publish as publish

    def slow_index(documents, folder):  # runs in the indexing process
        (Path(sys.argv[1]) / "indexer.pid").write_text(str(os.getpid()))
        time.sleep(120)

    publish.write_engine_index = slow_index
    publish.BackgroundIndexBuild([], Path(sys.argv[1]) / "index")
    time.sleep(120)
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has exited, only not yet reaped


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_background_indexer_ends_when_its_build_is_killed(tmp_path: Path) -> None:
    build = subprocess.Popen([sys.executable, "-c", ORPHANED_INDEXER, str(tmp_path)])
    pid_file = tmp_path / "indexer.pid"
    for _ in range(600):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.05)
    indexer = int(pid_file.read_text())
    assert _alive(indexer)
    build.kill()
    build.wait()
    for _ in range(200):  # it would sleep on for two minutes
        if not _alive(indexer):
            break
        time.sleep(0.05)
    assert not _alive(indexer)


def test_a_build_after_one_changed_tree_updates_a_copy_of_the_current_one(
    trees: list[Tree], tmp_path: Path
) -> None:
    out = tmp_path / "index"
    first = build_index(trees, out)
    edited = dataclasses.replace(trees[0], title="Zanzibar gateway outage")
    second = build_index([edited, *trees[1:]], out)
    first_files = {p.name for p in first.iterdir() if p.suffix == ".seg"}
    assert first_files and first_files <= {p.name for p in second.iterdir()}, "not a copy"
    fresh = build_index([edited, *trees[1:]], tmp_path / "fresh")
    live, fresh_live = LiveIndex(out), LiveIndex(tmp_path / "fresh")
    # The same answers; word scores may differ a little (the copy still counts the replaced
    # documents in its word statistics until its segments merge).
    for query in ("zanzibar", trees[0].title, "0xA801", "microphone"):
        found = {h.url for h in search_index(live, query).hits}
        assert found == {h.url for h in search_index(fresh_live, query).hits}, query
    assert search_index(live, "zanzibar").hits, "the new title is not found"
    assert json.loads((second / TREES_FILE).read_text()) == json.loads(
        (fresh / TREES_FILE).read_text()
    )


def test_trees_are_told_apart_by_the_hash_of_their_files_when_it_is_given(
    trees: list[Tree], tmp_path: Path
) -> None:
    """`fastpath build` passes each tree's source hash: a tree with the same hash is not
    indexed again, one with a new hash is, in a copy of the current build."""
    out = tmp_path / "index"
    sources = {t.id: f"hash of {t.id}" for t in trees}
    publish_index(out, prepare_index(trees, out, sources=sources))
    first = current_build(out)
    assert first is not None
    edited = [dataclasses.replace(trees[0], title="Zanzibar gateway outage"), *trees[1:]]
    publish_index(out, prepare_index(edited, out, sources=sources))
    assert not search_index(LiveIndex(out), "zanzibar").hits, "same hash: kept as indexed"
    publish_index(out, prepare_index(edited, out, sources={**sources, trees[0].id: "new"}))
    second = current_build(out)
    assert second is not None
    assert [h.tree for h in search_index(LiveIndex(out), "zanzibar").hits] == [trees[0].id]
    segments = {p.name for p in first.iterdir() if p.suffix == ".seg"}
    assert segments and segments <= {p.name for p in second.iterdir()}, "not a copy"
