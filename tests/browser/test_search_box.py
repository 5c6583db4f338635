"""The home page's error-code box, served by `fastpath serve` (API) and from static files,
and the theme's own search finding trees by their codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from builder.check import check_paths
from search.store.publish import build_index
from search.web.app import create_app
from search.web.testing import running_server

TREES = Path(__file__).resolve().parent.parent / "data" / "site" / "trees"
STEP_URL = re.compile(r"trees/fixture-viewer/fx-images-blank/\?code=0xB801#step-")


@pytest.fixture(scope="module")
def served(web_site: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site and its index behind the real app on waitress."""
    index = tmp_path_factory.mktemp("index")
    build_index(check_paths([TREES]).trees, index)
    app = create_app(web_site.folder, index)
    with running_server(app.wsgi) as url:
        yield url + "/"
    app.close()


def api_calls(page: Any) -> list[str]:
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/api/search" in r.url else None)
    return calls


def test_results_as_you_type_from_the_api(page: Any, served: str) -> None:
    calls = api_calls(page)
    page.goto(served)
    box = page.get_by_label("Type the code or message you see")
    box.press_sequentially("b801")
    go = page.locator(".fp-go")
    expect(go).to_be_visible()
    expect(go).to_have_attribute("href", STEP_URL)
    expect(go).to_have_text("Go to this step: Fixture images stay blank \u203a Clear the cache")
    assert calls, "the served site asks the API"
    box.fill("fixture vpn connect")  # words: only the API finds these
    expect(page.locator(".fp-result-list a").first).to_contain_text("Fixture VPN")


def test_enter_on_a_single_exact_hit_opens_that_step(page: Any, served: str) -> None:
    page.goto(served)
    page.get_by_label("Type the code or message you see").fill("0x0000B801")
    page.keyboard.press("Enter")
    expect(page).to_have_url(STEP_URL)
    expect(page.locator(".fp-notice")).to_contain_text("from code 0xB801")


def test_a_link_with_q_opens_with_results(page: Any, served: str) -> None:
    page.goto(served + "?q=B801h")
    expect(page.locator(".fp-go")).to_have_attribute("href", STEP_URL)
    expect(page.get_by_label("Type the code or message you see")).to_have_value("B801h")
    expect(page.locator(".md-search__input")).not_to_be_focused()  # not the theme's dialog
    assert "q=B801h" in page.url, "the address keeps the query so it can be shared"


def test_static_host_finds_exact_codes_from_the_table(page: Any, web_site: Any) -> None:
    calls = api_calls(page)
    page.goto(web_site.url)
    box = page.get_by_label("Type the code or message you see")
    box.press_sequentially("fxn 0042")
    expect(page.locator(".fp-result-list a").first).to_contain_text("Fixture VPN")
    assert calls, "it tried the API first"
    box.fill("fixture vpn connect")
    expect(page.locator(".fp-search-status")).to_contain_text("No guide claims that code")


def test_copy_opened_from_disk_finds_codes(page: Any, offline_site: Any) -> None:
    page.goto(offline_site.url + "index.html?q=0xb801")
    go = page.locator(".fp-go")
    expect(go).to_be_visible()
    go.click()
    expect(page.locator(".fp-notice")).to_contain_text("from code 0xB801")


@pytest.mark.parametrize("query", ["FXN-0042", "0xC809", "fxn 0042"])
def test_theme_search_finds_a_tree_by_its_code(page: Any, web_site: Any, query: str) -> None:
    page.goto(web_site.url + "trees/fixture-viewer/")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(query)
    expect(page.locator(".md-search-result__item").first).to_contain_text("Fixture VPN")


def test_the_theme_search_index_is_fetched_only_when_the_search_opens(
    page: Any, web_site: Any
) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(web_site.url + "trees/fixture-viewer/fx-images-blank/")
    expect(page.locator(".fastpath.fp-js")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "search_index" in u], "fetched with the page"
    page.locator("label.md-header__button[for=__search]").click()  # the phone's search icon
    page.keyboard.type("vpn")
    expect(page.locator(".md-search-result__item").first).to_contain_text("Fixture VPN")
    assert [u for u in requested if u.endswith("/search/search_index.json")]
