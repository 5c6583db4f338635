"""Pages open where the user looks: the title and the controls in view, nothing under the
theme's sticky header, the buttons wrapping as groups."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

SIZES = [(1280, 800), (390, 844)]

# For each visible control: is the element under the middle of it that control (or inside
# it), and is it below the theme's header?
CONTROLS = (
    ".fp-toolbar button, .fp-current .fp-answers .md-button, "
    ".fp-current .fp-ticket-actions .md-button, .fp-jump input, .fp-jump button"
)
UNCOVERED = """([root, selector]) => {
    const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
    const controls = root.querySelectorAll(selector);
    const problems = [];
    let checked = 0;
    for (const c of controls) {
        const box = c.getBoundingClientRect();
        if (!box.width || !box.height) continue;  // hidden (skip ahead off the expert path)
        checked += 1;
        if (box.top < header || box.bottom > innerHeight) {
            problems.push(`${c.textContent || c.id}: not fully in view below the header`);
            continue;
        }
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        if (!hit || !(hit === c || c.contains(hit))) {
            const what = hit && hit.outerHTML.slice(0, 80);
            problems.push(`${c.textContent || c.id}: covered by ${what}`);
        }
    }
    return {checked, problems};
}"""


def _open(new_context, path, width, height, support=False):
    context = new_context(viewport={"width": width, "height": height})
    if support:
        context.add_init_script("window.localStorage.setItem('fastpath.supportView', 'on')")
    page = context.new_page()
    page.goto(path)
    expect(page.locator(".fastpath.fp-js")).to_have_count(1)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # the theme's own scrolling to the address's anchor is done
    return page


def _assert_uncovered(page, at_least, selector=CONTROLS):
    root = page.locator(".fastpath.fp-js").element_handle()
    result = page.evaluate(UNCOVERED, [root, selector])
    assert not result["problems"], result["problems"]
    assert result["checked"] >= at_least, result


@pytest.mark.parametrize("width,height", SIZES)
def test_a_tree_page_opens_at_its_title_with_the_controls_in_view(
    new_context, pages, width, height
):
    page = _open(new_context, pages.main_tree, width, height)
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("article h1")).to_be_in_viewport(ratio=1)
    expect(page.locator(".fastpath .fp-current h2")).to_be_in_viewport(ratio=1)
    # Back, Start over, Copy, Skip ahead, Support view, Runbook, and the two answers.
    _assert_uncovered(page, 8)


@pytest.mark.parametrize("width,height", SIZES)
def test_a_code_link_opens_at_the_step_with_the_controls_below_the_header(
    new_context, pages, width, height
):
    page = _open(new_context, pages.main_tree + "?code=0xB801#step-single-study", width, height)
    current = page.locator(".fastpath .fp-current")
    expect(current).to_have_id("step-single-study")
    title = current.locator("h2")
    expect(title).to_be_in_viewport(ratio=1)
    header = page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
    assert title.bounding_box()["y"] >= header
    expect(page.locator(".fastpath .fp-notice")).to_be_in_viewport(ratio=1)
    _assert_uncovered(page, 6)


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844), (390, 480)])
def test_a_deep_link_far_down_a_long_page_keeps_the_controls_in_view(
    new_context, pages, width, height
):
    link = pages.main_tree + "?code=DCM-9042#step-call-pacs"
    page = _open(new_context, link, width, height, support=True)
    expect(page.locator(".fastpath .fp-current")).to_have_id("step-call-pacs")
    expect(page.locator(".fastpath .fp-current h2")).to_be_in_viewport()
    _assert_uncovered(page, 5, ".fp-toolbar button, .fp-jump input, .fp-jump button")
    # Further down the step, the ticket buttons once scrolled to are not under the header.
    actions = page.locator(".fastpath .fp-current .fp-ticket-actions")
    actions.evaluate("a => a.scrollIntoView({block: 'start'})")
    _assert_uncovered(page, 2, ".fp-current .fp-ticket-actions .md-button")


GROUP_ROWS = """root => [...root.querySelectorAll('.fp-toolbar-group')].map(group =>
    [...group.querySelectorAll('button')].filter(b => b.offsetWidth)
        .map(b => Math.round(b.getBoundingClientRect().top)))"""


@pytest.mark.parametrize("width,height", SIZES)
@pytest.mark.parametrize("support", [False, True])
def test_toolbar_buttons_wrap_as_groups(new_context, pages, width, height, support):
    page = _open(new_context, pages.main_tree, width, height, support)
    rows = page.locator(".fastpath.fp-js").evaluate(GROUP_ROWS)
    assert [len(group) for group in rows] == [3, 1, 2], rows
    for group in rows:
        assert len(set(group)) == 1, f"a group split over rows: {rows}"
    # No button alone on a row while its group has others: rows hold whole groups.
    tops = sorted({top for group in rows for top in group})
    for top in tops:
        on_row = [t for group in rows for t in group if t == top]
        assert len(on_row) > 1 or (len(rows[1]) == 1 and rows[1][0] == top), rows
