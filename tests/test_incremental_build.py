"""A build after one changed tree reuses the pages it did not touch, and writes exactly the
bytes a full build of the changed project writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from site_project import GOLDEN_TREES, write_site
from test_site_build import fastpath

from builder.build_cache import TreeCache

CHANGED = "trees/pacs-viewer/viewer-blank/index.html"
UNTOUCHED = "trees/workstation/printer-jams/index.html"
SYSTEM_PAGES = ("trees/pacs-viewer/index.html", "trees/workstation/index.html")


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _build(project: Path, site: str) -> None:
    result = fastpath(
        "build", "--site-dir", site, "--index-dir", str(project / "index"), cwd=project
    )
    assert result.returncode == 0, result.stderr


def _inode(path: Path) -> int:
    return os.stat(path).st_ino


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(GOLDEN_TREES, tmp_path / "trees")
    write_site(tmp_path, tmp_path / "trees")
    _build(tmp_path, "site")
    return tmp_path


def _edit(project: Path, old: str, new: str) -> None:
    tree = project / "trees" / "sample" / "viewer-blank.yaml"
    text = tree.read_text(encoding="utf-8")
    assert old in text
    tree.write_text(text.replace(old, new, 1), encoding="utf-8")


def _full_build_of(project: Path) -> dict[str, bytes]:
    """A build of the project as it is now, with nothing kept from earlier builds."""
    shutil.rmtree(project / ".fastpath" / "build-cache")
    _build(project, "site-full")
    return _files(project / "site-full")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Do other studies open normally?", "Do other studies open at all?"),  # a step
        ("title: Viewer shows", "title: Viewer still shows"),  # in every nav
        ("message: Cache corrupt", "message: Cache corrupted"),  # codes page, code table
        ("Panes stay **blank**", "Panes stay **empty**"),  # its system page
    ],
    ids=["step-text", "title", "code-message", "summary"],
)
def test_one_changed_tree_builds_the_bytes_of_a_full_build(
    project: Path, old: str, new: str
) -> None:
    _edit(project, old, new)
    _build(project, "site")
    assert _files(project / "site") == _full_build_of(project)


def test_pages_the_change_does_not_touch_are_reused(project: Path) -> None:
    site = project / "site"
    before = {p: _inode(site / p) for p in (UNTOUCHED, CHANGED, *SYSTEM_PAGES)}
    _edit(project, "Do other studies open normally?", "Do other studies open at all?")
    _build(project, "site")
    assert _inode(site / UNTOUCHED) == before[UNTOUCHED], "an untouched page is rendered again"
    assert _inode(site / CHANGED) != before[CHANGED]
    assert "open at all?" in (site / CHANGED).read_text(encoding="utf-8")
    # The system pages list titles and summaries: a step's text changes neither.
    assert all(_inode(site / p) == before[p] for p in SYSTEM_PAGES)
    _edit(project, "Panes stay **blank**", "Panes stay **empty**")
    _build(project, "site")
    assert _inode(site / SYSTEM_PAGES[0]) != before[SYSTEM_PAGES[0]], "its summary is listed"
    assert _inode(site / SYSTEM_PAGES[1]) == before[SYSTEM_PAGES[1]]


def test_a_page_changed_in_the_published_site_is_rendered_again(project: Path) -> None:
    site = project / "site"
    page = site / UNTOUCHED
    page.unlink()
    page.write_text("edited by hand", encoding="utf-8")
    _build(project, "site")
    assert "edited by hand" not in page.read_text(encoding="utf-8")
    assert _files(site) == _full_build_of(project)


def test_pages_are_reused_through_the_site_link_build_after_build(project: Path) -> None:
    """The cache is the `site` link's, not a build folder's (each build is a new folder)."""
    site = project / "site"
    assert site.is_symlink()
    first_build, page = os.readlink(site), _inode(site / UNTOUCHED)
    for _ in range(2):
        _build(project, "site")
        assert _inode(site / UNTOUCHED) == page, "an unchanged page is rendered again"
    assert os.readlink(site) != first_build
    assert len(list((project / ".fastpath" / "build-cache" / "sites").iterdir())) == 1


def _written(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_what_an_edit_does_not_touch_is_not_made_again(project: Path) -> None:
    """After a step's text changes: one parse cache file of several is written, and of the
    generated pages and scripts only the tree's system page is made again (the codes page and
    the code table, the other systems' pages are kept)."""
    cache = project / ".fastpath" / "build-cache"
    parsed, generated = _written(cache / "trees"), _written(cache / "generated")
    assert len(parsed) >= 2 and len(generated) >= 4
    _edit(project, "Do other studies open normally?", "Do other studies open at all?")
    _build(project, "site")
    parsed_now, generated_now = _written(cache / "trees"), _written(cache / "generated")
    assert parsed_now.keys() == parsed.keys()
    assert sum(parsed_now[n] != parsed[n] for n in parsed) == 1
    assert len(generated_now.keys() - generated.keys()) == 1, "only the system page is new"
    assert len(generated.keys() - generated_now.keys()) == 1, "its old version is dropped"
    assert all(generated_now[n] == generated[n] for n in generated.keys() & generated_now.keys())


def test_the_parse_cache_keeps_only_the_trees_of_the_last_build(tmp_path: Path) -> None:
    paths = [f"trees/t{i}.yaml" for i in range(6)]
    first = TreeCache(tmp_path)
    for path in paths:
        first.put(path, path.encode(), "context", None, [])
    first.save()
    second = TreeCache(tmp_path)
    assert all(second.get(p, p.encode(), "context") == (None, []) for p in paths[1:])
    assert second.get(paths[1], b"edited", "context") is None, "other bytes, not known"
    second.save()  # paths[0] was not in this build
    third = TreeCache(tmp_path)
    assert third.get(paths[0], paths[0].encode(), "context") is None
    assert third.get(paths[2], paths[2].encode(), "context") == (None, [])
