"""Every link the site, the code table and the API give leads to a page that exists, whatever
the site's URL style; a newcomer's site links to no placeholder repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from site_project import GOLDEN_TREES, write_site

from builder.check import check_paths
from search.web.app import create_app
from search.web.testing import call_wsgi


def build(tmp: Path, *, directory_urls: bool, env: dict[str, str] | None = None) -> Path:
    shutil.copytree(GOLDEN_TREES, tmp / "trees")
    config = write_site(tmp, tmp / "trees")
    if not directory_urls:
        text = config.read_text(encoding="utf-8")
        config.write_text(text + "use_directory_urls: false\n", encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("fastpath")), "build", "--index-dir", "index"],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": os.environ["PATH"], **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return tmp / "site"


def assert_leads_somewhere(site: Path, url: str) -> None:
    """A URL relative to the site root names a page, and its #fragment an element in it."""
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc, url
    path = unquote(parts.path)
    target = site / path
    if path.endswith("/") or not path:
        target = target / "index.html"
    assert target.is_file(), f"{url}: no {target.relative_to(site)}"
    if parts.fragment:
        html = target.read_text(encoding="utf-8")
        assert f'id="{parts.fragment}"' in html, f"{url}: no element #{parts.fragment}"


@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory-urls", "html-urls"])
def test_every_api_and_code_table_link_leads_to_its_step(
    tmp_path: Path, directory_urls: bool
) -> None:
    site = build(tmp_path, directory_urls=directory_urls)
    table_urls = {
        entry["url"]
        for shard in (site / "assets/fastpath").glob("code-table-*.js")
        for entries in json.loads(
            shard.read_text(encoding="utf-8").split("] = ", 1)[1].rstrip().rstrip(";")
        ).values()
        for entry in entries
    }
    assert table_urls
    for url in table_urls:
        assert_leads_somewhere(site, url)
        assert url.split("?")[0].endswith(".html") != directory_urls

    app = create_app(site, tmp_path / "index")
    try:
        codes = [c.code for t in check_paths([tmp_path / "trees"]).trees for c, _ in t.all_codes()]
        api_urls: set[str] = set()
        for query in [*codes, "printer", "images"]:
            response = call_wsgi(app.wsgi, "/api/search", query_string=f"q={query}")
            api_urls.update(hit["url"] for hit in response.json()["results"])
    finally:
        app.close()
    assert table_urls <= api_urls
    for url in api_urls:
        assert_leads_somewhere(site, url)


def test_no_repository_configured_means_no_repository_links(tmp_path: Path) -> None:
    site = build(tmp_path, directory_urls=True)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="edit"' not in html, page
        assert "md-source" not in html, page
        assert "git.example.org" not in html, page


def test_a_configured_repository_gets_edit_links_to_the_yaml(tmp_path: Path) -> None:
    repo = "https://git.hospital.example/radiology/kb"
    site = build(tmp_path, directory_urls=True, env={"FASTPATH_REPO_URL": repo})
    page = (site / "trees/pacs-viewer/viewer-blank/index.html").read_text(encoding="utf-8")
    assert f'href="{repo}/-/edit/main/trees/sample/viewer-blank.yaml"' in page
