"""The support view: notes for support staff, the flowchart made for a call, jumping to a
step, the agent's layout, and the events other scripts listen to."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

# Flowchart ids are the nodes in file order: n0, n1, ...
FLOW_ID = {
    "other-studies": "n0",
    "network": "n1",
    "vpn-check": "n2",
    "single-study": "n3",
    "still-failing": "n4",
    "call-pacs": "n6",
}
CHART_NODES = ".fastpath .fp-chart-canvas g.node"


def _chart_node(tree_page, node_id):
    return tree_page.page.locator(f'{CHART_NODES}[data-fp-node="{node_id}"]')


def _expect_highlighted(tree_page, node_id):
    current = tree_page.page.locator(f"{CHART_NODES}.fp-flow-current")
    expect(current).to_have_count(1)
    expect(current).to_have_id(re.compile(rf"flowchart-{FLOW_ID[node_id]}-\d+$"))
    expect(current).to_have_attribute("aria-current", "step")


def _support_on(tree_page):
    tree_page.button("fp-support-toggle").click()
    # The first chart loads and parses the diagram library: slow on a busy machine.
    expect(tree_page.root.locator(".fp-chart-canvas svg")).to_be_attached(timeout=20_000)


def test_support_view_shows_notes_and_flowchart_with_the_current_step(tree_page, pages):
    tree_page.open(pages.main_tree)
    note = tree_page.current.locator(".fp-support")
    chart = tree_page.root.locator(".fp-flowchart")
    toggle = tree_page.button("fp-support-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(note).to_be_hidden()
    expect(chart).to_be_hidden()

    _support_on(tree_page)
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(tree_page.root.locator(".fp-live")).to_have_text("Support view on")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Ask for the accession number first.")
    expect(chart).to_be_visible()
    nodes = tree_page.page.locator(CHART_NODES)
    # Numbered as on the page; links to other guides named; escalations with their contact.
    expect(nodes.filter(has_text="1. Do other studies open?")).to_have_count(1)
    expect(nodes.filter(has_text="Go to: Fixture VPN will not connect")).to_have_count(2)
    expect(_chart_node(tree_page, "call-pacs")).to_contain_text(
        "PACS administrators, ext. 4455 (24/7)"
    )
    expect(_chart_node(tree_page, "call-pacs")).to_contain_text("Hand over to PACS administrators")
    # Answers label the edges, whole.
    edges = tree_page.page.locator(".fastpath .fp-chart-canvas g.edgeLabel")
    expect(edges.filter(has_text="Yes, only this study fails")).to_have_count(1)
    assert not any("…" in t for t in nodes.all_text_contents())
    _expect_highlighted(tree_page, "other-studies")
    # Where each answer leads shows with the step.
    expect(tree_page.current.locator(".fp-leads-to").first).to_have_text("→ 2 Clear the cache")

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
    _support_on(tree_page)

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


STYLE = """b => { const s = getComputedStyle(b);
    return [s.backgroundColor, s.color, getComputedStyle(b, '::before').content]; }"""


def test_the_toggle_looks_different_on_and_off(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    toggle = tree_page.button("fp-support-toggle")
    off = toggle.evaluate(STYLE)
    _support_on(tree_page)
    # Away from the button, so neither hover nor focus colours it.
    page.mouse.move(1, 1)
    page.evaluate("document.activeElement.blur()")
    on = toggle.evaluate(STYLE)
    assert on[0] != off[0], (on, off)
    assert on[1] != off[1], (on, off)
    assert "✓" in on[2] and "✓" not in off[2], (on, off)


def test_no_diagram_code_loads_until_the_support_view_opens(tree_page, pages, web_site):
    page = tree_page.page
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    tree_page.open(pages.main_tree)
    page.wait_for_load_state("networkidle")
    assert not [u for u in requests if "mermaid" in u or u.endswith("/chart.js")], requests
    assert page.evaluate("typeof window.mermaid") == "undefined"

    _support_on(tree_page)
    assert web_site.url + "assets/fastpath/vendor/mermaid.min.js" in requests
    assert web_site.url + "assets/fastpath/chart.js" in requests
    # Moving to another tree (instant navigation) draws its chart without loading it again.
    tree_page.answer("No, nothing loads")
    tree_page.current.get_by_role("link", name="No, nothing opens").click()
    expect(tree_page.root).to_have_attribute("data-fp-tree", "fx-vpn-down")
    expect(tree_page.root.locator(".fp-chart-canvas svg")).to_be_attached(timeout=20_000)
    assert len([u for u in requests if "mermaid" in u]) == 1, requests


def test_clicking_a_step_in_the_chart_moves_the_walk_there(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    _support_on(tree_page)
    _chart_node(tree_page, "still-failing").click()
    tree_page.expect_at("still-failing")
    _expect_highlighted(tree_page, "still-failing")
    assert tree_page.trail() == ["Do other studies open?", "Do the images load now?"]
    assert (
        "  1. (agent jumped to step 4. Do the images load now?, from the flowchart)"
        in tree_page.transcript().splitlines()
    ), tree_page.transcript()

    # From the keyboard: Tab reaches the steps of the chart; Enter moves there.
    node = _chart_node(tree_page, "call-pacs")
    expect(node).to_have_attribute("role", "button")
    expect(node).to_have_attribute("aria-label", "Go to step 7: PACS administrators")
    node.focus()
    page.keyboard.press("Enter")
    tree_page.expect_at("call-pacs")
    tree_page.button("fp-back").click()
    tree_page.expect_at("still-failing")


def test_jump_to_a_step_by_its_number_or_a_code(tree_page, pages):
    tree_page.open(pages.main_tree)
    _support_on(tree_page)
    field = tree_page.root.get_by_label("Jump to step: its number, or the code the caller")
    field.fill("5")
    field.press("Enter")
    tree_page.expect_at("vpn-check")
    field.fill("b801")  # typed as the caller reads it: 0xB801
    field.press("Enter")
    tree_page.expect_at("single-study")
    field.fill("DCM 9042")
    tree_page.root.get_by_role("button", name="Go", exact=True).click()
    tree_page.expect_at("call-pacs")
    lines = tree_page.transcript().splitlines()
    assert "  1. (agent jumped to step 5. Working from home?, by step number)" in lines
    assert "  2. (agent jumped to step 2. Clear the cache, by code 0xB801)" in lines
    assert "  3. (agent jumped to step 7. PACS administrators, by code DCM-9042)" in lines

    field.fill("0xFFFF")
    field.press("Enter")
    expect(tree_page.root.locator(".fp-jump-status")).to_have_text(
        "No step or code “0xFFFF” in this guide."
    )
    tree_page.expect_at("call-pacs")


def test_zoom_whole_chart_and_full_screen(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    _support_on(tree_page)
    svg = tree_page.root.locator(".fp-chart-canvas svg")
    view = tree_page.root.locator(".fp-chart-view")
    width = lambda: float(svg.get_attribute("width"))  # noqa: E731
    # Fitted: as wide as the box at most.
    assert width() <= view.evaluate("v => v.clientWidth"), width()
    fitted = width()
    tree_page.root.get_by_role("button", name="Zoom in").click()
    tree_page.root.get_by_role("button", name="Zoom in").click()
    assert width() == pytest.approx(fitted * 1.5625, abs=2)
    # Zoomed in, the current step is in the middle of the box, not scrolled out of it.
    tree_page.answer("No, nothing loads")
    box = view.bounding_box()
    node = _chart_node(tree_page, "network").bounding_box()
    assert box["x"] <= node["x"] and node["x"] + node["width"] <= box["x"] + box["width"]
    assert box["y"] <= node["y"] and node["y"] + node["height"] <= box["y"] + box["height"]

    full = tree_page.root.get_by_role("button", name="Full screen")
    full.click()
    expect(tree_page.root.locator(".fp-flowchart")).to_have_class(re.compile(r"fp-chart-full"))
    panel = tree_page.root.locator(".fp-flowchart").bounding_box()
    size = page.viewport_size
    assert panel["width"] == size["width"] and panel["height"] == size["height"], panel
    page.keyboard.press("Escape")
    expect(tree_page.root.locator(".fp-flowchart")).not_to_have_class(re.compile(r"fp-chart-full"))
    tree_page.root.get_by_role("button", name="Whole chart").click()
    assert width() <= view.evaluate("v => v.clientWidth")


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_step_and_chart_side_by_side_on_a_wide_screen_stacked_on_a_phone(
    new_context, pages, width, height
):
    page = new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(pages.main_tree)
    root = page.locator(".fastpath.fp-js")
    root.locator(".fp-support-toggle").click()
    expect(root.locator(".fp-chart-canvas svg")).to_be_attached(timeout=20_000)
    step = root.locator(".fp-step.fp-current").bounding_box()
    chart = root.locator(".fp-flowchart").bounding_box()
    if width >= 1280:
        assert chart["x"] >= step["x"] + step["width"], (step, chart)
        assert chart["y"] < step["y"] + step["height"], (step, chart)
        # Both in the first screen: the agent sees the step and the chart together.
        assert chart["y"] < height and step["y"] < height
    else:
        assert chart["y"] >= step["y"] + step["height"], (step, chart)
        assert chart["x"] + chart["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width


EVENTS = """() => {
    window.__events = [];
    for (const name of ['walk-started', 'step-shown', 'skip-ahead', 'resolved', 'escalated'])
        document.addEventListener('fastpath:' + name, e => window.__events.push(
            [name, e.detail.tree, e.detail.step, e.detail.started, e.detail.how]));
}"""


def test_the_walk_tells_other_scripts_what_happens(new_context, pages):
    context = new_context()
    context.add_init_script(f"({EVENTS})()")
    page = context.new_page()
    page.goto(pages.main_tree)
    root = page.locator(".fastpath.fp-js")
    expect(root).to_have_count(1)
    root.locator(".fp-skip").click()
    root.locator(".fp-current").get_by_role("button", name="No, on site").click()
    expect(root.locator(".fp-current")).to_have_id("step-call-pacs")
    tree = "fx-images-blank"
    assert page.evaluate("window.__events") == [
        ["walk-started", tree, "other-studies", "start", "start"],
        ["step-shown", tree, "other-studies", "start", "start"],
        ["step-shown", tree, "vpn-check", "start", "skip"],
        ["skip-ahead", tree, "vpn-check", "start", "skip"],
        ["step-shown", tree, "call-pacs", "start", "answer"],
        ["escalated", tree, "call-pacs", "start", "answer"],
    ]
    page.evaluate("window.__events = []")
    page.goto(pages.main_tree + "?code=0xB801#step-single-study")
    expect(page.locator(".fastpath .fp-current")).to_have_id("step-single-study")
    assert page.evaluate("window.__events")[:2] == [
        ["walk-started", tree, "single-study", "code", "code"],
        ["step-shown", tree, "single-study", "code", "code"],
    ]
