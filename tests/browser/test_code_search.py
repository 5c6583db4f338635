"""Codes in the browser: the shared typed-query examples read by the offline reader, the home
box offering a choice for an ambiguous code, and the codes page grouped, filtered and fitting
on a phone, on a site of the fixture knowledge base with families (opened from disk)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from builder import codetable
from builder.check import check_paths
from builder.site_build import build_site, load_site_config
from search.query import code_candidates
from search.store.publish import build_index
from search.web.app import create_app
from search.web.testing import running_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from code_vectors import QUERIES, check_readings, vector_prefixes


def _browser_conftest() -> Any:
    """The browser tests' conftest module, as pytest loaded it (it is not a package)."""
    here = Path(__file__).with_name("conftest.py")
    return next(m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == str(here))


Site = Any

KB = Path(__file__).resolve().parents[1] / "data" / "codes-kb"
BOX = "Type the code or message you see"
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots"


@pytest.fixture(scope="module")
def codes_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("codes-site")
    conftest = _browser_conftest()
    config = conftest.write_config(folder, offline=True, fastpath={"trees_dir": str(KB)})
    # Small shards, so that lookups here load a few of many, as on a large knowledge base.
    shard_bytes, codetable.SHARD_BYTES = codetable.SHARD_BYTES, 800
    try:
        site, trees = build_site(load_site_config(config), folder / "site")
    finally:
        codetable.SHARD_BYTES = shard_bytes
    assert len(trees) == 7
    assert len(list((site / "assets/fastpath").glob("code-table-*.js"))) > 4
    return conftest.Site(site, site.as_uri() + "/")


@pytest.fixture(scope="module")
def codes_served(codes_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    index = tmp_path_factory.mktemp("codes-index")
    build_index(check_paths([KB]).trees, index)
    app = create_app(codes_site.folder, index)
    with running_server(app.wsgi) as url:
        yield url + "/"
    app.close()


def test_the_page_reads_typed_queries_as_python_does(page: Any, codes_site: Site) -> None:
    prefixes = [list(p) for p in vector_prefixes()]
    page.goto(codes_site.url + "index.html")
    queries = [v["query"] for v in QUERIES]
    got = page.evaluate(
        "([qs, ps]) => qs.map(q => fastpathCodeReader.codeCandidates(q, ps)"
        ".map(c => fastpathCodeReader.label(c.reading)))",
        [queries, prefixes],
    )
    for vector, labels in zip(QUERIES, got, strict=True):
        python = [c.reading.label() for c in code_candidates(vector["query"], vector_prefixes())]
        assert labels == python, vector["query"]
        check_readings(vector, labels)


def test_the_page_finds_the_shard_of_a_key_as_python_does(page: Any, codes_site: Site) -> None:
    keys = [*(c.key for t in check_paths([KB]).trees for c, _ in t.all_codes()), "", "Ä1"]
    page.goto(codes_site.url + "index.html")
    for shards in (1, 7, 64):
        got = page.evaluate(
            "([keys, n]) => keys.map(k => fastpathCodeReader.keyShard(k, n))", [keys, shards]
        )
        assert got == [codetable.key_shard(k, shards) for k in keys]


def test_an_offline_lookup_loads_only_the_shards_it_needs(page: Any, codes_site: Site) -> None:
    loaded: list[str] = []
    page.on(
        "request", lambda r: loaded.append(r.url.rsplit("/", 1)[1]) if "/code" in r.url else None
    )
    page.goto(codes_site.url + "index.html")
    page.get_by_label(BOX).fill("0xA801")
    expect(page.locator(".fp-go")).to_be_visible()
    shards = [name for name in loaded if name.startswith("code-table-")]
    assert "codes.js" not in loaded, "the table's head comes with the page"
    total = len(list((codes_site.folder / "assets/fastpath").glob("code-table-*.js")))
    assert 1 <= len(shards) < total, shards


@pytest.mark.parametrize("where", ["offline", "api"])
def test_a_code_in_a_claimed_status_range_finds_the_range_step(
    page: Any, codes_site: Site, codes_served: str, where: str
) -> None:
    page.goto(codes_site.url + "index.html" if where == "offline" else codes_served)
    page.get_by_label(BOX).fill("0xA7F3")
    expect(page.locator(".fp-result-code")).to_have_text(["A7xx"])
    assert page.locator(".fp-result-list a").get_attribute("href").endswith("#step-range")
    expect(page.locator(".fp-go")).to_have_count(0)  # a range is offered, not jumped to


def choice_labels(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".fp-choice-label").all_inner_texts()]


@pytest.mark.parametrize("where", ["offline", "api"])
def test_an_ambiguous_code_is_offered_as_a_choice(
    page: Any, codes_site: Site, codes_served: str, where: str
) -> None:
    page.goto(codes_site.url + "index.html" if where == "offline" else codes_served)
    box = page.get_by_label(BOX)
    box.fill("204")
    expect(page.locator(".fp-choice-title")).to_have_text(
        "2 guides handle 204. Which one do you see?"
    )
    assert choice_labels(page) == [
        "HL7 204 — HL7 error: Unknown key identifier — Worklist and RIS",
        "0x204 — Remote Desktop: Socket connect failed — Remote access",
    ]
    expect(page.locator(".fp-go")).to_have_count(0)
    before = page.url
    box.press("Enter")
    page.wait_for_timeout(300)
    assert page.url.split("?")[0] == before.split("?")[0], "Enter does not pick one of two"
    box.fill("Code 43")
    expect(page.locator(".fp-choice-title")).to_have_text(
        "2 guides handle Code 43. Which one do you see?"
    )
    systems = sorted(label.rsplit(" — ", 1)[1] for label in choice_labels(page))
    assert systems == ["Dictation", "Monitors"]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-choice-{where}.png"), full_page=True)


@pytest.mark.parametrize("where", ["offline", "api"])
@pytest.mark.parametrize(
    ("query", "step"),
    [("HL7 204", "step-unknown-key"), ("0x204", "step-socket"), ("0xa801h", "step-destination")],
)
def test_a_prefix_or_hex_form_goes_straight_to_one_step(
    page: Any, codes_site: Site, codes_served: str, where: str, query: str, step: str
) -> None:
    page.goto(codes_site.url + "index.html" if where == "offline" else codes_served)
    page.get_by_label(BOX).fill(query)
    go = page.locator(".fp-go")
    expect(go).to_be_visible()
    assert go.get_attribute("href").endswith("#" + step)
    expect(page.locator(".fp-choice")).to_have_count(0)


def visible_codes(page: Any) -> list[str]:
    return page.locator(".fp-code-table tbody tr:visible td:first-child").all_inner_texts()


def test_the_codes_page_groups_by_family_and_filters_offline(page: Any, codes_site: Site) -> None:
    page.goto(codes_site.url + "codes.html")
    headings = page.locator(".fp-code-group h2").all_inner_texts()
    assert "Device Manager — Dictation" in headings
    assert "Device Manager — Monitors" in headings
    assert "HL7 error — Worklist and RIS" in headings
    box = page.get_by_label("Filter codes")
    box.fill("HL7 204")
    assert visible_codes(page) == ["HL7 204"]
    box.fill("0x204")
    assert visible_codes(page) == ["0x204"]
    box.fill("204")
    assert sorted(visible_codes(page)) == ["0x204", "HL7 204"]
    box.fill("code 43")
    assert visible_codes(page) == ["Code 43", "Code 43"]
    expect(page.locator(".fp-code-group:visible")).to_have_count(2)
    box.fill("certificate")
    assert visible_codes(page) == ["NET::ERR_CERT_DATE_INVALID"]
    box.fill("nothing like this")
    expect(page.locator(".fp-codes-none")).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_no_column_of_the_codes_page_is_cut_off(
    new_context: Any, codes_site: Site, width: int, height: int
) -> None:
    page = new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(codes_site.url + "codes.html")
    cells = page.locator(".fp-code-table td, .fp-code-table th")
    right = page.evaluate("document.documentElement.clientWidth")
    for box in [cells.nth(i).bounding_box() for i in range(cells.count())]:
        if box is not None and box["width"] > 0:
            assert box["x"] >= 0 and box["x"] + box["width"] <= right + 1, box
    assert page.evaluate("document.documentElement.scrollWidth") <= right
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"codes-{width}.png"), full_page=True)


@pytest.mark.parametrize("query", ["A801", "0xA801"])
def test_the_theme_search_gives_the_step_that_claims_a_code_first(
    page: Any, codes_site: Site, query: str
) -> None:
    page.goto(codes_site.url + "index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    search.press_sequentially(query)
    first = page.locator(".md-search-result__item").first
    expect(first).to_contain_text("Check the destination")
    expect(first).to_contain_text("Refused: Move Destination unknown")
    links = [a.get_attribute("href") for a in first.locator("a").all()]
    assert any("retrieve-failed" in link and link.endswith("#step-destination") for link in links)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"theme-search-{query}.png"))
