"""The MkDocs plugin and `fastpath build`: real builds of small sites."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
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
    published = Path(os.readlink(tmp_path / "site")).name
    assert [p.name for p in (tmp_path / ".site-builds").iterdir()] == [published], (
        "no build folder left behind"
    )


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


def test_the_site_and_index_are_readable_by_others(tmp_path: Path) -> None:
    """Folders and files get the umask's permissions (0755/0644 under 022), not 0700."""
    shutil.copytree(GOLDEN_TREES, tmp_path / "trees")
    write_site(tmp_path, tmp_path / "trees")
    exe = Path(sys.executable).with_name("fastpath")
    result = subprocess.run(
        [str(exe), "build", "--index-dir", "index"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr
    site = [tmp_path / "site", *(tmp_path / "site").rglob("*")]
    assert {p.stat().st_mode & 0o777 for p in site if p.is_dir()} == {0o755}
    assert {p.stat().st_mode & 0o777 for p in site if p.is_file()} == {0o644}
    # Whoosh makes its (empty) lock file like a program, 0777 less the umask: 0755.
    index = [tmp_path / "index", *(tmp_path / "index").rglob("*")]
    assert {p.stat().st_mode & 0o777 for p in index} <= {0o755, 0o644}
    assert {p.stat().st_mode & 0o777 for p in index if p.is_dir()} == {0o755}


def test_pages_are_served_throughout_rebuilds(tmp_path: Path) -> None:
    """A reader fetching pages while the site is rebuilt and republished never gets a 404."""
    from fastpath.build import BuildOptions, build_project
    from search.web.static import site_app
    from search.web.testing import running_server

    shutil.copytree(GOLDEN_TREES, tmp_path / "trees")
    options = BuildOptions(write_site(tmp_path, tmp_path / "trees"), index_dir=tmp_path / "index")
    build_project(options)
    pages = ["", "trees/pacs-viewer/viewer-blank/", "trees/pacs-viewer/", "codes/"]
    statuses: list[int] = []
    done = threading.Event()

    def fetch(base: str) -> None:
        while not done.is_set():
            for page in pages:
                try:
                    with urllib.request.urlopen(f"{base}/{page}", timeout=10) as response:
                        response.read()
                        statuses.append(response.status)
                except urllib.error.HTTPError as e:
                    statuses.append(e.code)

    with running_server(site_app(tmp_path / "site")) as base:
        reader = threading.Thread(target=fetch, args=(base,))
        reader.start()
        try:
            for _ in range(3):
                build_project(options)
        finally:
            done.set()
            reader.join()
    assert statuses and set(statuses) == {200}, f"{statuses.count(404)} of {len(statuses)}"


def test_a_build_killed_mid_way_leaves_nothing_after_the_next(tmp_path: Path) -> None:
    shutil.copytree(GOLDEN_TREES, tmp_path / "trees")
    write_site(tmp_path, tmp_path / "trees")
    assert fastpath("build", "--index-dir", "index", cwd=tmp_path).returncode == 0
    first = os.readlink(tmp_path / "site")
    builds = tmp_path / ".site-builds"
    killed = subprocess.Popen(
        [str(Path(sys.executable).with_name("fastpath")), "build", "--index-dir", "index"],
        cwd=tmp_path,
        stderr=subprocess.DEVNULL,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    for _ in range(1200):  # until the build has written part of its site
        if any((p / "assets").exists() for p in builds.iterdir() if p.name not in first):
            break
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert len(list(builds.iterdir())) == 2, "the killed build's folder is left"
    assert fastpath("build", "--index-dir", "index", cwd=tmp_path).returncode == 0
    latest = Path(os.readlink(tmp_path / "site")).name
    assert sorted(p.name for p in builds.iterdir()) == sorted([Path(first).name, latest])


def test_the_diagram_library_ships_but_no_page_loads_it(built: Path) -> None:
    assets = built / "assets" / "fastpath"
    assert (assets / "vendor" / "mermaid.min.js").stat().st_size > 1_000_000
    assert (assets / "chart.js").is_file()
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "mermaid.min.js" not in html, page
        # The theme would fetch Mermaid from a CDN for any element of class "mermaid".
        assert 'class="mermaid"' not in html, page


def test_a_bad_ticket_target_stops_the_build_with_a_clear_message(tmp_path: Path) -> None:
    write_site(tmp_path, GOLDEN_TREES, ticket_url="https://tickets.example.org/new")
    result = fastpath("build", "--index-dir", str(tmp_path / "index"), cwd=tmp_path)
    assert result.returncode == 1
    assert "ticket_url: has no placeholder for the ticket text" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_theme_search_finds_codes_on_tree_pages_only(built: Path) -> None:
    index = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert not [loc for loc in locations if loc.startswith("codes/")], "codes listed twice"
    assert "0xA702" in locations["trees/pacs-viewer/viewer-blank/"]


def test_the_theme_search_reads_a_system_page_as_words(built: Path) -> None:
    index = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))
    text = next(d["text"] for d in index["docs"] if d["location"] == "trees/pacs-viewer/")
    # The title, the summary and the codes of each tree are separate words in the snippet.
    assert "no images&quot; Panes stay" in text or '"no images" Panes stay' in text, text
    assert "opens. Codes: 0xA702" in text, text
