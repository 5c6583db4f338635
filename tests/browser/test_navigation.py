"""Moving between pages: the theme's instant navigation, the offline copy, the nav itself."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from playwright.sync_api import expect


def _expect_mounted_once(tree_page, tree_id, escalations):
    root = tree_page.page.locator(".fastpath[data-fp-tree]")
    expect(root).to_have_count(1)
    expect(root).to_have_attribute("data-fp-tree", tree_id)
    expect(tree_page.page.locator(".fp-toolbar")).to_have_count(1)
    expect(tree_page.page.locator(".fp-trail")).to_have_count(1)
    expect(tree_page.page.locator(".fp-transcript")).to_have_count(1)
    expect(tree_page.page.locator(".fp-copy-prominent")).to_have_count(escalations)
    expect(root.locator(".fp-flowchart")).to_have_count(1)
    # Still once a moment later: no second mount from a later document$ emission.
    tree_page.page.wait_for_timeout(150)
    counts = tree_page.page.evaluate(
        """() => ['.fastpath', '.fp-toolbar', '.fp-trail', '.fp-transcript', '.fp-notice']
            .map(s => document.querySelectorAll(s).length)"""
    )
    assert counts == [1, 1, 1, 1, 1], counts


def test_instant_navigation_to_another_tree_and_back(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    page.evaluate("window.__sameDocument = true")
    tree_page.button("fp-skip").click()
    tree_page.expect_at("vpn-check")

    # The answer that leads to another tree is an in-site link.
    tree_page.current.get_by_role("link", name="Yes, from home").click()
    expect(page).to_have_url(re.compile(re.escape(pages.other_tree) + r"#step-vpn-client$"))
    expect(tree_page.root).to_have_attribute("data-fp-tree", "fx-vpn-down")
    assert page.evaluate("window.__sameDocument") is True, "expected instant navigation"
    _expect_mounted_once(tree_page, "fx-vpn-down", 1)
    tree_page.expect_at("vpn-client")
    assert tree_page.trail() == ["Is the VPN client connected?"]
    tree_page.answer("No, it fails")
    tree_page.expect_at("call-network")
    expect(tree_page.current).to_contain_text("Network desk, ext. 4000")

    page.go_back()
    tree_page.expect_at("vpn-client")
    page.go_back()
    expect(tree_page.root).to_have_attribute("data-fp-tree", "fx-images-blank")
    assert page.evaluate("window.__sameDocument") is True, "expected instant navigation"
    _expect_mounted_once(tree_page, "fx-images-blank", 1)
    # Back on the first tree, the walk is where it was, with the basics still skipped.
    tree_page.expect_at("vpn-check")
    assert tree_page.trail() == [
        "Do other studies open?: assumed No, nothing loads",
        "Check the network: assumed Yes, websites work",
        "Working from home?",
    ]
    expect(tree_page.notice()).to_be_hidden()

    # Forward again to the other tree, where its own walk is restored.
    page.go_forward()
    expect(tree_page.root).to_have_attribute("data-fp-tree", "fx-vpn-down")
    _expect_mounted_once(tree_page, "fx-vpn-down", 1)
    tree_page.expect_at("vpn-client")
    tree_page.answer("Yes, connected")
    tree_page.expect_at("vpn-check")

    page.go_back()
    tree_page.expect_at("vpn-client")
    page.go_back()
    expect(tree_page.root).to_have_attribute("data-fp-tree", "fx-images-blank")
    tree_page.expect_at("vpn-check")
    tree_page.answer("No, on site")
    tree_page.expect_at("call-pacs")
    tree_page.button("fp-back").click()
    tree_page.expect_at("vpn-check")
    assert page.evaluate("window.__sameDocument") is True


def test_instant_navigation_through_the_site_navigation(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    page.evaluate("window.__sameDocument = true")
    nav = page.locator(".md-nav--primary")
    # Systems a page is not in are collapsed (navigation.prune): open the system first.
    nav.get_by_role("link", name="Fixture network").click()
    expect(page).to_have_url(re.compile(r"/trees/fixture-network/$"))
    nav.get_by_role("link", name="Fixture VPN will not connect").click()
    expect(tree_page.root).to_have_attribute("data-fp-tree", "fx-vpn-down")
    assert page.evaluate("window.__sameDocument") is True, "expected instant navigation"
    _expect_mounted_once(tree_page, "fx-vpn-down", 1)
    tree_page.expect_at("vpn-client")
    nav.get_by_role("link", name="Fixture viewer").click()
    expect(page).to_have_url(re.compile(r"/trees/fixture-viewer/$"))
    nav.get_by_role("link", name="Fixture images stay blank").click()
    expect(tree_page.root).to_have_attribute("data-fp-tree", "fx-images-blank")
    _expect_mounted_once(tree_page, "fx-images-blank", 1)
    tree_page.answer("Yes, only this study fails")
    tree_page.expect_at("single-study")
    assert page.evaluate("window.__sameDocument") is True


def test_offline_copy_opened_from_disk_walks_to_a_resolution(new_context, offline_site):
    from_disk = new_context(base_url=None)
    page = from_disk.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = offline_site.page("trees/fixture-viewer/fx-images-blank.html")
    assert url.startswith("file:///")
    page.goto(url)

    root = page.locator(".fastpath.fp-js")
    expect(root).to_have_count(1)
    current = root.locator("section.fp-step.fp-current")
    expect(current).to_have_id("step-other-studies")
    for label, step in [
        ("Yes, only this study fails", "single-study"),
        ("Done: next step", "still-failing"),
        ("Yes, they load", "fixed-cache"),
    ]:
        current.get_by_role("button", name=label, exact=True).click()
        expect(current).to_have_id(f"step-{step}")
        expect(page.locator(".fastpath section.fp-step:visible")).to_have_count(1)
        expect(page).to_have_url(re.compile(rf"#step-{step}$"))
    expect(current).to_contain_text("Clearing the cached copy of the study fixed it.")
    root.locator(".fp-back").click()
    expect(current).to_have_id("step-still-failing")

    # Links to other trees point at files of the copy, and the walk works there too.
    page.go_back()
    page.go_back()
    expect(current).to_have_id("step-other-studies")
    root.locator(".fp-skip").click()
    expect(current).to_have_id("step-vpn-check")
    current.get_by_role("link", name="Yes, from home").click()
    expect(page).to_have_url(re.compile(r"/fx-vpn-down\.html(#step-vpn-client)?$"))
    expect(page.locator(".fastpath.fp-js")).to_have_attribute("data-fp-tree", "fx-vpn-down")
    page.locator(".fp-current").get_by_role("button", name="Yes, connected").click()
    expect(page.locator(".fp-current")).to_have_id("step-vpn-check")
    assert not errors, errors


class _NavLinks(HTMLParser):
    """The links of the theme's primary navigation in a built page."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "nav" and ("md-nav--primary" in classes or self.depth):
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


def _nav_links(html_file):
    parser = _NavLinks()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.links


def test_navigation_lists_only_the_system_page_for_large_systems(pruned_site, web_site):
    page = "trees/fixture-viewer/fx-images-blank/index.html"
    pruned = _nav_links(pruned_site / page)
    # "Fixture viewer" has two trees, over the limit of one: only its index page is listed.
    assert "../" in pruned, pruned
    assert "../fx-viewer-slow/" not in pruned, pruned
    assert "./" not in pruned, pruned
    # Other systems are collapsed to their index page (navigation.prune); a system within
    # the limit still lists its trees on its own pages.
    assert "../../fixture-network/" in pruned, pruned
    assert "../../fixture-network/fx-vpn-down/" not in pruned, pruned
    network = _nav_links(pruned_site / "trees/fixture-network/fx-vpn-down/index.html")
    assert "./" in network, network

    # With the default limit the same page lists every tree of its system.
    full = _nav_links(web_site.folder / page)
    assert {"../", "./", "../fx-viewer-slow/"} <= set(full), full
    html = (pruned_site / page).read_text(encoding="utf-8")
    assert html.count('href="../fx-viewer-slow/"') == 0
