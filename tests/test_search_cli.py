"""`fastpath index` and `fastpath search` as support staff and scripts use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fastpath.cli import main
from search.store.builds import current_build

DATA = Path(__file__).parent / "data" / "search"
TREES = DATA / "trees"
BROKEN = DATA / "broken"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "index"
    result = run("index", TREES, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_index_reports_what_it_built(tmp_path: Path) -> None:
    result = run("index", TREES, "--out", tmp_path / "index")
    assert result.exit_code == 0
    assert "indexed 5 tree(s)" in result.stderr
    assert current_build(tmp_path / "index") is not None


def test_a_failed_index_build_shows_located_errors_and_keeps_the_old_index(
    index_dir: Path,
) -> None:
    before = current_build(index_dir)
    result = run("index", BROKEN, "--out", index_dir)
    assert result.exit_code == 1
    assert "broken-links.yaml:11:11: error:" in result.stderr
    assert "previous index is still current" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert current_build(index_dir) == before


def test_search_prints_a_table_with_code_tree_step_and_link(index_dir: Path) -> None:
    result = run("search", "0xA801", "--index", index_dir)
    assert result.exit_code == 0, result.output
    header, first, *_ = result.stdout.splitlines()
    assert header.split() == ["CODE", "FAMILY", "SYSTEM", "TREE", "STEP", "LINK"]
    assert first.split() == [
        "0xA801",
        "-",
        "PACS",
        "viewer",
        "pacs-images-not-loading",
        "single-study",
        "trees/pacs-viewer/pacs-images-not-loading/?code=0xA801#step-single-study",
    ]


def test_search_table_marks_word_hits_and_honours_base_url_and_limit(index_dir: Path) -> None:
    result = run(
        "search",
        "images black",
        "--index",
        index_dir,
        "--limit",
        "1",
        "--base-url",
        "https://fastpath.example/kb/",
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].split() == [
        "-",
        "-",
        "PACS",
        "viewer",
        "pacs-images-not-loading",
        "other-studies",
        "https://fastpath.example/kb/trees/pacs-viewer/pacs-images-not-loading/",
    ]


def test_search_json_matches_the_api_shape(index_dir: Path) -> None:
    result = run("search", "DCM 0042", "--json", "--index", index_dir)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"query", "normalised", "ambiguous", "results"}
    assert data["normalised"] == "DCM0042"
    first = data["results"][0]
    assert first["matched_code"] == "DCM-0042"
    assert {"title", "tree", "step", "url", "matched_code", "snippet", "score"} <= set(first)


def test_search_without_results_says_so(index_dir: Path) -> None:
    result = run("search", "zzqx", "--index", index_dir)
    assert result.exit_code == 0
    assert result.stdout.strip() == "No results for 'zzqx'."


def test_search_without_an_index_tells_how_to_make_one(tmp_path: Path) -> None:
    result = run("search", "0xA801", "--index", tmp_path / "nothing")
    assert result.exit_code == 1
    assert "run `fastpath build`" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("query", ["", "   ", "x" * 257])
def test_search_refuses_an_invalid_query_clearly(index_dir: Path, query: str) -> None:
    result = run("search", query, "--index", index_dir)
    assert result.exit_code == 2
    assert "query is" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("limit", ["0", "51", "ten"])
def test_search_refuses_a_bad_limit(index_dir: Path, limit: str) -> None:
    result = run("search", "0xA801", "--limit", limit, "--index", index_dir)
    assert result.exit_code == 2


def test_serve_without_a_built_site_says_what_to_do(tmp_path: Path) -> None:
    result = run("serve", "--site", tmp_path / "site", "--index", tmp_path / "index")
    assert result.exit_code == 1
    assert "run `fastpath build` first" in result.stderr


def test_search_offers_the_choice_when_two_families_claim_a_code(tmp_path: Path) -> None:
    kb = Path(__file__).parent / "data" / "codes-kb"
    assert run("index", kb, "--out", tmp_path / "index").exit_code == 0
    result = run("search", "204", "--index", tmp_path / "index")
    assert result.exit_code == 0, result.output
    note, header, hl7, rdp, *_ = result.stdout.splitlines()
    assert note.startswith("2 steps claim '204' (the same code in different families")
    assert header.split()[:3] == ["CODE", "FAMILY", "SYSTEM"]
    assert hl7.split()[:4] == ["HL7", "204", "HL7", "error"]
    assert "Worklist and RIS" in hl7 and "hl7-rejected" in hl7
    assert rdp.split()[:3] == ["0x204", "Remote", "Desktop"]
    one = run("search", "HL7 204", "--index", tmp_path / "index").stdout.splitlines()
    assert one[0].split()[0] == "CODE" and "hl7-rejected" in one[1]
