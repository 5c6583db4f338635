"""Keyboard use, phone screens and axe-core checks of the tree, home and system pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

ACTIVE = """() => {
    const a = document.activeElement;
    return {
        tag: a.tagName.toLowerCase(),
        id: a.id,
        answer: a.matches('.fastpath section.fp-current button.fp-answer'),
        text: a.textContent.trim(),
    };
}"""


def _tab_to_an_answer(page, limit=80):
    """Press Tab until an answer button of the current step has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE)["answer"]:
            return page.evaluate(ACTIVE)["text"]
    raise AssertionError(f"no answer button reached in {limit} presses of Tab")


def test_keyboard_only_walk(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    page.evaluate("document.activeElement.blur()")

    assert _tab_to_an_answer(page) == "Yes, only this study fails"
    page.keyboard.press("Enter")
    tree_page.expect_at("single-study")
    assert page.evaluate(ACTIVE)["id"] == "step-single-study", page.evaluate(ACTIVE)
    expect(page.locator(".fastpath .fp-live")).to_have_text("Now at: Clear the cache")

    assert _tab_to_an_answer(page, limit=5) == "Done: next step"
    page.keyboard.press("Space")
    tree_page.expect_at("still-failing")
    assert page.evaluate(ACTIVE)["id"] == "step-still-failing", page.evaluate(ACTIVE)

    # Shift+Tab from the step reaches the toolbar: Back works from the keyboard too.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('fp-back')"):
            break
    else:
        raise AssertionError("Back is not reachable with Shift+Tab from the step")
    page.keyboard.press("Enter")
    tree_page.expect_at("single-study")
    assert page.evaluate(ACTIVE)["id"] == "step-single-study"


def test_keyboard_skip_ahead_and_support_toggle(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('fp-skip')"):
            break
    else:
        raise AssertionError("the skip-ahead button is not reachable with Tab")
    page.keyboard.press("Enter")
    tree_page.expect_at("vpn-check")
    assert page.evaluate(ACTIVE)["id"] == "step-vpn-check"

    tree_page.button("fp-support-toggle").focus()
    page.keyboard.press("Space")
    expect(tree_page.button("fp-support-toggle")).to_have_attribute("aria-pressed", "true")


PHONE = {"width": 390, "height": 844}


def _assert_no_horizontal_overflow(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what}: page is {width}px wide on a 390px screen"


@pytest.fixture
def phone(new_context):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    return context.new_page()


def test_phone_screen_has_no_horizontal_overflow(phone, pages):
    for path, what in [
        (pages.home, "home page"),
        (pages.viewer_system, "system page"),
        (pages.codes, "codes page"),
    ]:
        phone.goto(path)
        expect(phone.locator("article h1")).to_be_visible()
        _assert_no_horizontal_overflow(phone, what)

    phone.goto(pages.main_tree)
    root = phone.locator(".fastpath.fp-js")
    expect(root).to_have_count(1)
    _assert_no_horizontal_overflow(phone, "tree page")
    root.locator(".fp-support-toggle").tap()
    expect(root.locator(".fp-chart-canvas svg")).to_be_attached(timeout=20_000)
    root.locator(".fp-skip").tap()
    root.locator(".fp-current").get_by_role("button", name="No, on site").tap()
    expect(root.locator(".fp-current")).to_have_id("step-call-pacs")
    expect(root.locator(".fp-current .fp-copy-prominent")).to_be_visible()
    _assert_no_horizontal_overflow(phone, "tree page at an escalation, support view on")
    # The toolbar buttons wrap instead of running off the screen.
    for box in root.locator(".fp-toolbar button:visible").evaluate_all(
        "buttons => buttons.map(b => b.getBoundingClientRect().right)"
    ):
        assert box <= PHONE["width"], box

    phone.goto(pages.injection_tree)
    expect(phone.locator(".fastpath.fp-js")).to_have_count(1)
    _assert_no_horizontal_overflow(phone, "injection tree page")


# The theme's search dialog (`.md-search`, role=dialog, from Material's own
# partials/search.html) has no accessible name. It is theme markup that only a theme
# override could change, not Fastpath's pages; everything else is checked.
AXE_CONTEXT = {"exclude": [[".md-search"]]}
SERIOUS = {"serious", "critical"}


def _serious_violations(page):
    # Let CSS transitions (button focus colours, the header title) finish first: axe
    # measures the colours of the moment.
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
            .map(a => a.finished))"""
    )
    result = Axe().run(page, context=AXE_CONTEXT)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_problems(new_context, pages, scheme):
    page = new_context(color_scheme=scheme).new_page()
    problems = {}
    for path in (pages.home, pages.viewer_system, pages.codes):
        page.goto(path)
        expect(page.locator("article h1")).to_be_visible()
        problems[path or "home"] = _serious_violations(page)

    page.goto(pages.main_tree)
    root = page.locator(".fastpath.fp-js")
    expect(root).to_have_count(1)
    problems["tree page, start"] = _serious_violations(page)
    # Support view on (its button keeps the focus), at an escalation.
    root.locator(".fp-support-toggle").click()
    root.locator(".fp-skip").click()
    root.locator(".fp-current").get_by_role("button", name="No, on site").click()
    expect(root.locator(".fp-current")).to_have_id("step-call-pacs")
    root.locator(".fp-support-toggle").focus()
    # The chart, its controls and the jump field are part of what is checked.
    expect(root.locator(".fp-chart-canvas svg g.node[role=button]").first).to_be_attached(
        timeout=20_000
    )
    expect(root.locator(".fp-jump input")).to_be_visible()
    problems["tree page, escalation, support view"] = _serious_violations(page)
    root.locator(".fp-runbook-toggle").click()
    problems["tree page, runbook"] = _serious_violations(page)

    found = {where: issues for where, issues in problems.items() if issues}
    assert not found, found
