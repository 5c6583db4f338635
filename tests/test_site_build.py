"""The MkDocs plugin and `fastpath build`: real builds of small sites."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from site_project import GOLDEN_TREES, write_site


def fastpath(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("fastpath")
    return subprocess.run(
        [str(exe), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("site")
    shutil.copytree(GOLDEN_TREES, tmp / "trees")
    write_site(tmp, tmp / "trees")
    result = fastpath("build", "--index-dir", str(tmp / "index"), cwd=tmp)
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def test_generates_tree_system_and_code_pages(built: Path) -> None:
    page = (built / "trees/pacs-viewer/viewer-blank/index.html").read_text(encoding="utf-8")
    assert 'id="step-others-open"' in page
    assert (built / "trees/pacs-viewer/index.html").is_file()
    assert (built / "trees/workstation/printer-jams/index.html").is_file()
    codes = (built / "codes/index.html").read_text(encoding="utf-8")
    assert "DCM-0042" in codes and "0xA702" in codes
    assert (built / "assets/fastpath/codes.js").read_text().startswith("window.fastpathCodes = ")


def test_edit_link_points_at_the_tree_yaml(built: Path) -> None:
    page = (built / "trees/pacs-viewer/viewer-blank/index.html").read_text(encoding="utf-8")
    edit = (
        "https://git.example.org/radiology-it/fastpath/-/edit/main/trees/sample/viewer-blank.yaml"
    )
    assert f'href="{edit}"' in page


def test_nav_groups_trees_by_system(built: Path) -> None:
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "PACS viewer" in home and "Workstation" in home
    assert "trees/pacs-viewer/" in home


def test_nav_lists_only_the_index_of_big_systems(tmp_path: Path) -> None:
    write_site(tmp_path, GOLDEN_TREES, nav_trees_per_system=0)
    result = fastpath("build", "--index-dir", str(tmp_path / "index"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert 'href="trees/pacs-viewer/"' in home
    assert "trees/pacs-viewer/viewer-blank/" not in home


def test_broken_tree_stops_the_build_and_keeps_the_old_site(tmp_path: Path) -> None:
    trees = tmp_path / "trees"
    shutil.copytree(GOLDEN_TREES, trees)
    write_site(tmp_path, trees)
    assert fastpath("build", "--index-dir", str(tmp_path / "index"), cwd=tmp_path).returncode == 0
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*"))
    broken = trees / "sample" / "printer-jams.yaml"
    broken.write_text(broken.read_text().replace("next: fixed", "next: fixd"))
    result = fastpath("build", "--index-dir", str(tmp_path / "index"), cwd=tmp_path)
    assert result.returncode == 1
    assert "printer-jams.yaml:11:11: error:" in result.stderr
    assert 'did you mean "fixed"' in result.stderr
    assert "previous site was left as it was" in result.stderr
    assert "Traceback" not in result.stderr
    after = sorted(p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*"))
    assert after == before
    assert not list(tmp_path.glob(".site-*")), "no staging folder left behind"


def test_a_site_that_fails_late_publishes_no_new_index(tmp_path: Path) -> None:
    trees = tmp_path / "trees"
    shutil.copytree(GOLDEN_TREES, trees)
    write_site(tmp_path, trees)
    index = tmp_path / "index"
    assert fastpath("build", "--index-dir", str(index), cwd=tmp_path).returncode == 0
    current = (index / "CURRENT").read_text()
    builds = sorted(p.name for p in index.iterdir())
    stale = trees / "sample" / "printer-jams.yaml"
    stale.write_text(stale.read_text().replace("reviewed: 2026-11-01", "reviewed: 2001-01-01"))
    # Checked trees start the index; the strict build then fails on the stale-review warning.
    result = fastpath("build", "--strict", "--index-dir", str(index), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "stale-review" in result.stderr
    assert (index / "CURRENT").read_text() == current
    assert sorted(p.name for p in index.iterdir()) == builds


def test_the_theme_search_finds_codes_on_tree_pages_only(built: Path) -> None:
    index = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert not [loc for loc in locations if loc.startswith("codes/")], "codes listed twice"
    assert "0xA702" in locations["trees/pacs-viewer/viewer-blank/"]
