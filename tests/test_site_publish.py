"""Publishing site builds: one atomic switch, old builds pruned, killed builds cleaned up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from builder.site_publish import StagedSite, builds_dir
from search.web.static import site_app
from search.web.testing import running_server

PAGES = ("", "trees/", "trees/pacs/viewer-blank/")


def stage(target: Path, number: int) -> StagedSite:
    """A small fake site build: every page says which build it belongs to."""
    staged = StagedSite(target)
    for page in PAGES:
        folder = staged.folder / page
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(f"<html>build {number}</html>\n")
    return staged


def build_names(target: Path) -> list[str]:
    return sorted(p.name for p in builds_dir(target).iterdir())


def test_site_is_a_symlink_to_the_current_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = stage(site, 1)
    first.publish()
    assert site.is_symlink()
    assert site.resolve() == first.folder.resolve()
    assert (site / "index.html").read_text() == "<html>build 1</html>\n"


def test_the_current_and_the_previous_build_are_kept(tmp_path: Path) -> None:
    site = tmp_path / "site"
    published = []
    for number in range(4):
        staged = stage(site, number)
        staged.publish()
        published.append(staged.folder.name)
    assert build_names(site) == published[-2:]
    assert (site / "index.html").read_text() == "<html>build 3</html>\n"


def test_a_real_site_folder_from_an_older_version_is_migrated(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old")
    staged = stage(site, 1)
    staged.publish()
    assert site.is_symlink()
    assert (site / "index.html").read_text() == "<html>build 1</html>\n"
    old = [builds_dir(site) / name for name in build_names(site) if name != staged.folder.name]
    assert [(p / "index.html").read_text() for p in old] == ["old"], "kept as the previous build"
    assert staged.restore_previous()
    assert (site / "index.html").read_text() == "old"


def test_site_and_build_folders_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        staged = stage(tmp_path / "site", 1)
    finally:
        os.umask(old)
    assert staged.folder.stat().st_mode & 0o777 == 0o750
    assert builds_dir(tmp_path / "site").stat().st_mode & 0o777 == 0o750


def test_no_page_is_missing_while_builds_are_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are fetched without pause while the site is republished with slow renames."""
    site = tmp_path / "site"
    stage(site, 0).publish()
    real_replace = os.replace

    def slow_replace(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        time.sleep(0.02)  # a slow disk: any moment without a site becomes visible
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", slow_replace)
    statuses: list[int] = []
    bodies: set[str] = set()
    done = threading.Event()

    def fetch(base: str) -> None:
        while not done.is_set():
            for page in PAGES:
                try:
                    with urllib.request.urlopen(base + "/" + page, timeout=10) as response:
                        statuses.append(response.status)
                        bodies.add(response.read().decode())
                except urllib.error.HTTPError as e:
                    statuses.append(e.code)

    builds = 25
    with running_server(site_app(site)) as base:
        reader = threading.Thread(target=fetch, args=(base,))
        reader.start()
        try:
            for number in range(1, builds + 1):
                stage(site, number).publish()
                time.sleep(0.01)
        finally:
            done.set()
            reader.join()
    assert len(statuses) > builds
    assert set(statuses) == {200}, f"{statuses.count(404)} of {len(statuses)} requests failed"
    assert bodies <= {f"<html>build {n}</html>\n" for n in range(builds + 1)}
    assert len(bodies) > 1, "the server followed the new builds"


KILLED_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from builder.site_publish import StagedSite
    staged = StagedSite(Path(sys.argv[1]))
    (staged.folder / "index.html").write_text("half a site")
    print(staged.folder, flush=True)
    time.sleep(120)
    """
)


def test_a_killed_build_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    site = tmp_path / "site"
    stage(site, 1).publish()
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(site)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    killed = Path(process.stdout.readline().strip())
    in_progress = stage(site, 2)  # the other build is still running: its folder stays
    assert killed.is_dir()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    in_progress.discard()
    legacy = tmp_path / ".site-building-abc123"  # what older versions left when killed
    legacy.mkdir()
    (legacy / "index.html").write_text("half a site")
    stage(site, 3)
    assert not killed.exists()
    assert not legacy.exists()


def test_a_build_in_progress_in_this_process_is_not_removed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    stage(site, 1).publish()
    running = stage(site, 2)
    stage(site, 3).publish()
    stage(site, 4).publish()
    assert running.folder.is_dir()
    running.publish()
    assert (site / "index.html").read_text() == "<html>build 2</html>\n"
