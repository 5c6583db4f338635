"""Disk faults during `fastpath build`: one located error line, exit 1, old site and index kept.

Permission faults need a user the permissions apply to: when the tests run as root (whom
chmod does not stop), the builds run as `nobody` in a folder that user may enter.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from site_project import GOLDEN_TREES, write_site

FASTPATH = str(Path(sys.executable).with_name("fastpath"))
NOBODY = 65534


def as_build_user() -> None:
    if os.geteuid() == 0:
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def limit_file_size() -> None:
    as_build_user()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (500_000, 500_000))


def build(
    project: Path, preexec: Callable[[], None] = as_build_user
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FASTPATH, "build", "--index-dir", "index"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(project)},
        preexec_fn=preexec,
    )


@pytest.fixture
def project() -> Iterator[Path]:
    """A built project the build user owns, in a folder that user can reach."""
    folder = Path(tempfile.mkdtemp(prefix="fastpath-faults-"))
    folder.chmod(0o755)
    shutil.copytree(GOLDEN_TREES, folder / "trees")
    write_site(folder, folder / "trees")
    if os.geteuid() == 0:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
    result = build(folder)
    assert result.returncode == 0, result.stderr
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def snapshot(project: Path) -> tuple[str, str, list[str]]:
    """What is published: the site's folder and its files, the current index build."""
    site = (project / "site").resolve()
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*"))
    return str(site), (project / "index" / "CURRENT").read_text(), files


def assert_one_located_error(result: subprocess.CompletedProcess[str], path: Path | str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    located = [line for line in lines if re.match(rf"^{re.escape(str(path))}\S*: cannot ", line)]
    assert len(located) == 1, result.stderr


def test_a_file_size_limit_fails_the_build_cleanly(project: Path) -> None:
    before = snapshot(project)
    result = build(project, limit_file_size)
    assert_one_located_error(result, project)
    assert "File too large" in result.stderr
    assert snapshot(project) == before


def test_a_project_folder_the_user_cannot_write(project: Path) -> None:
    before = snapshot(project)
    project.chmod(0o555)
    result = build(project)
    assert_one_located_error(result, project)
    assert "Permission denied" in result.stderr
    assert snapshot(project) == before


def test_a_site_folder_that_cannot_be_made(project: Path) -> None:
    """A path component that is a file: the build folder cannot be created under it."""
    (project / "blocker").write_text("not a folder")
    result = subprocess.run(
        [FASTPATH, "build", "--index-dir", "index", "--site-dir", "blocker/site"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert_one_located_error(result, project / "blocker")


def test_an_index_folder_the_user_cannot_write_publishes_nothing(project: Path) -> None:
    before = snapshot(project)
    (project / "index").chmod(0o555)
    result = build(project)
    assert_one_located_error(result, "index/")  # as the user wrote it
    assert "Permission denied" in result.stderr
    assert snapshot(project) == before
    assert "published" not in result.stderr


def test_an_index_that_cannot_be_switched_to_restores_the_previous_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last step of a build failing (the index switch) puts the previous site back."""
    import fastpath.build
    from fastpath.build import BuildFailed, BuildOptions, build_project
    from search.store.publish import IndexBuildError

    shutil.copytree(GOLDEN_TREES, tmp_path / "trees")
    options = BuildOptions(write_site(tmp_path, tmp_path / "trees"), index_dir=tmp_path / "index")
    build_project(options)
    before = snapshot(tmp_path)

    def failing_switch(out_dir: Path, folder: Path) -> None:
        raise IndexBuildError(f"{out_dir}/CURRENT: cannot switch to the new index: No space")

    monkeypatch.setattr(fastpath.build, "publish_index", failing_switch)
    with pytest.raises(BuildFailed, match="previous site is published again"):
        build_project(options)
    assert snapshot(tmp_path) == before
