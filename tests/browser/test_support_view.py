"""The support view: notes for support staff and the flowchart of the tree."""

from __future__ import annotations

import re

from playwright.sync_api import expect

# Flowchart ids are the nodes in file order: n0, n1, ...
FLOW_ID = {"other-studies": "n0", "network": "n1", "vpn-check": "n2", "call-pacs": "n6"}


def _expect_highlighted(tree_page, node_id):
    # Playwright's CSS engine pierces the (opened) shadow root the diagram is rendered in.
    current = tree_page.page.locator(".fastpath .fp-flowchart div.mermaid g.node.fp-flow-current")
    expect(current).to_have_count(1)
    expect(current).to_have_id(re.compile(rf"flowchart-{FLOW_ID[node_id]}-\d+$"))


def test_support_view_shows_notes_and_flowchart_with_the_current_step(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    note = tree_page.current.locator(".fp-support")
    chart = tree_page.root.locator(".fp-flowchart")
    toggle = tree_page.button("fp-support-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(note).to_be_hidden()
    expect(chart).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Ask for the accession number first.")
    expect(chart).to_be_visible()
    # The theme renders the diagram with the vendored Mermaid into a shadow root.
    page.wait_for_function(
        """() => {
            const host = document.querySelector('.fastpath .fp-flowchart div.mermaid');
            return !!(host && host.shadowRoot && host.shadowRoot.querySelector('svg g.node'));
        }"""
    )
    nodes = page.locator(".fastpath .fp-flowchart div.mermaid g.node")
    expect(nodes.filter(has_text="Do other studies open?")).to_have_count(1)
    expect(nodes.filter(has_text="Go to: Fixture VPN will not connect")).to_have_count(2)
    _expect_highlighted(tree_page, "other-studies")

    tree_page.answer("No, nothing loads")
    tree_page.expect_at("network")
    _expect_highlighted(tree_page, "network")
    tree_page.button("fp-skip").click()
    tree_page.expect_at("vpn-check")
    _expect_highlighted(tree_page, "vpn-check")
    expect(tree_page.current.locator(".fp-support")).to_contain_text("Most home users")


def test_support_view_choice_survives_a_reload(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    toggle = tree_page.button("fp-support-toggle")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")

    page.reload()
    expect(tree_page.root).to_have_class(re.compile(r"\bfp-support-on\b"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(tree_page.current.locator(".fp-support")).to_be_visible()
    _expect_highlighted(tree_page, "other-studies")

    # Another tree page of the same site uses the same choice; turning it off sticks too.
    tree_page.open(pages.other_tree)
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(tree_page.root.locator(".fp-flowchart")).to_be_hidden()
