"""Without JavaScript the tree page is the whole tree; printed, it shows every step."""

from __future__ import annotations

import re

from playwright.sync_api import expect

MAIN_NODES = [
    "other-studies",
    "network",
    "vpn-check",
    "single-study",
    "still-failing",
    "fixed-cache",
    "call-pacs",
]
# Each in-tree answer: (from step, answer label, to step).
MAIN_ANSWERS = [
    ("other-studies", "Yes, only this study fails", "single-study"),
    ("other-studies", "No, nothing loads", "network"),
    ("network", "Yes, websites work", "vpn-check"),
    ("vpn-check", "No, on site", "call-pacs"),
    ("single-study", "Done: next step", "still-failing"),
    ("still-failing", "Yes, they load", "fixed-cache"),
    ("still-failing", "No, still blank", "call-pacs"),
]


def test_without_javascript_every_step_is_a_section_and_every_answer_a_link(
    new_context, web_site, pages
):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(pages.main_tree)

    root = page.locator(".fastpath[data-fp-tree=fx-images-blank]")
    expect(root).not_to_have_class(re.compile(r"\bfp-js\b"))
    expect(page.locator(".fp-toolbar, .fp-trail, .fp-transcript")).to_have_count(0)
    sections = root.locator("section.fp-step")
    expect(sections).to_have_count(len(MAIN_NODES))
    for node_id in MAIN_NODES:
        section = root.locator(f"section#step-{node_id}")
        expect(section).to_be_visible()
        expect(section).to_have_attribute("data-fp-node", node_id)
    assert sections.first.get_attribute("id") == "step-other-studies", "start comes first"

    for source, label, target in MAIN_ANSWERS:
        link = root.locator(f"#step-{source} a.fp-answer", has_text=label)
        expect(link).to_have_count(1)
        expect(link).to_have_attribute("href", f"#step-{target}")
    tree_links = root.locator('a.fp-answer[data-fp-next="tree:fx-vpn-down"]')
    expect(tree_links).to_have_count(2)
    for href in tree_links.evaluate_all("links => links.map(a => a.href)"):
        assert href == web_site.page(pages.other_tree), href

    # The static skip link leads to where the expert path lands.
    expect(root.locator(".fp-static-skip a")).to_have_attribute("href", "#step-vpn-check")

    # Following an answer link moves to its step's anchor.
    root.locator("#step-other-studies a.fp-answer", has_text="Yes, only this study").click()
    expect(page).to_have_url(re.compile(r"#step-single-study$"))
    expect(root.locator("#step-single-study")).to_be_in_viewport()

    escalation = root.locator("#step-call-pacs .fp-escalation")
    expect(escalation).to_be_visible()
    expect(escalation).to_contain_text("PACS administrators, ext. 4455 (24/7)")
    expect(escalation.locator("li")).to_have_text(
        ["accession number", "error code and its full message"]
    )
    # Codes on the path are on the page, at the steps that claim them.
    expect(root.locator("#step-single-study .fp-codes")).to_contain_text("0xB801")
    expect(root.locator(".fp-tree-codes")).to_contain_text("0xB702")
    # Notes for support staff are part of the printed/static tree.
    expect(root.locator("#step-other-studies .fp-support")).to_be_visible()


def test_print_shows_every_step_and_hides_the_controls(tree_page, pages):
    tree_page.open(pages.main_tree)
    tree_page.answer("Yes, only this study fails")
    tree_page.expect_at("single-study")
    page = tree_page.page
    expect(page.locator(".fastpath section.fp-step:visible")).to_have_count(1)

    page.emulate_media(media="print")
    for node_id in MAIN_NODES:
        expect(page.locator(f"#step-{node_id}")).to_be_visible()
    for selector in (".fp-toolbar", ".fp-trail", ".fp-notice", ".fp-transcript"):
        expect(page.locator(f".fastpath {selector}")).to_be_hidden()
    expect(page.locator(".fp-copy-prominent")).to_be_hidden()
    expect(page.locator("#step-call-pacs .fp-escalation")).to_contain_text("ext. 4455")

    page.emulate_media(media="screen")
    expect(page.locator(".fastpath section.fp-step:visible")).to_have_count(1)
    expect(page.locator(".fastpath .fp-toolbar")).to_be_visible()
