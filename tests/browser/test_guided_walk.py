"""With JavaScript the tree page is a guided walk: one step at a time, answers as buttons."""

from __future__ import annotations

import re

from playwright.sync_api import expect

START = "Do other studies open?"
CACHE = "Clear the cache"
LOADS_NOW = "Do the images load now?"


def test_one_step_at_a_time_with_answers_as_buttons(tree_page, pages):
    tree_page.open(pages.main_tree)
    tree_page.expect_at("other-studies")
    current = tree_page.current
    expect(current.locator("button.fp-answer")).to_have_text(
        ["Yes, only this study fails", "No, nothing loads"]
    )
    # In-tree answers are buttons now; only links to other trees stay links.
    expect(tree_page.root.locator('a.fp-answer:not([data-fp-next^="tree:"])')).to_have_count(0)
    expect(tree_page.root.locator("a.fp-answer")).to_have_count(2)
    expect(tree_page.button("fp-back")).to_be_disabled()
    expect(tree_page.button("fp-restart")).to_be_disabled()
    expect(tree_page.notice()).to_be_hidden()
    assert tree_page.trail() == [START]


def test_answers_back_start_over_trail_and_address(tree_page, pages):
    tree_page.open(pages.main_tree)
    tree_page.answer("Yes, only this study fails")
    tree_page.expect_at("single-study")
    assert tree_page.trail() == [START, CACHE]

    tree_page.answer("Done: next step")
    tree_page.expect_at("still-failing")
    assert tree_page.trail() == [START, CACHE, LOADS_NOW]
    expect(tree_page.root.locator(".fp-trail-list li[aria-current=step]")).to_have_text(LOADS_NOW)

    tree_page.button("fp-back").click()
    tree_page.expect_at("single-study")
    assert tree_page.trail() == [START, CACHE]

    tree_page.answer("Done: next step")
    tree_page.answer("Yes, they load")
    tree_page.expect_at("fixed-cache")
    expect(tree_page.current).to_contain_text("Clearing the cached copy of the study fixed it.")
    assert tree_page.trail() == [START, CACHE, LOADS_NOW, "Fixed by clearing the cache"]

    tree_page.button("fp-restart").click()
    tree_page.expect_at("other-studies")
    assert tree_page.trail() == [START]
    transcript = tree_page.transcript()
    assert "(started over)" not in transcript.split("Steps and answers:")[0]
    expect(tree_page.button("fp-back")).to_be_disabled()


def test_browser_back_and_forward_move_between_steps(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    tree_page.answer("Yes, only this study fails")
    tree_page.answer("Done: next step")
    tree_page.expect_at("still-failing")
    # The theme records the scroll position in history.state as the page scrolls; the walk
    # must survive that.
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(250)

    page.go_back()
    tree_page.expect_at("single-study")
    assert tree_page.trail() == [START, CACHE]
    page.go_back()
    tree_page.expect_at("other-studies")
    assert tree_page.trail() == [START]

    page.go_forward()
    tree_page.expect_at("single-study")
    page.go_forward()
    tree_page.expect_at("still-failing")
    assert tree_page.trail() == [START, CACHE, LOADS_NOW]
    transcript = tree_page.transcript()
    assert "1. Do other studies open? -> Yes, only this study fails" in transcript
    assert "2. Clear the cache -> Done: next step" in transcript

    # A reload keeps the walk (it lives in the history entry).
    page.reload()
    tree_page.expect_at("still-failing")
    assert tree_page.trail() == [START, CACHE, LOADS_NOW]


def test_deep_link_starts_at_that_step_and_says_so(tree_page, pages):
    tree_page.open(pages.main_tree + "#step-still-failing")
    tree_page.expect_at("still-failing")
    expect(tree_page.notice()).to_be_visible()
    expect(tree_page.notice()).to_have_text(
        "Started at this step from a link; the steps before it were not shown."
    )
    assert tree_page.trail() == [LOADS_NOW]
    assert f"Started from a link at: {LOADS_NOW}" in tree_page.transcript()
    expect(tree_page.button("fp-back")).to_be_disabled()

    tree_page.answer("No, still blank")
    tree_page.expect_at("call-pacs")
    tree_page.button("fp-back").click()
    tree_page.expect_at("still-failing")


def test_code_deep_link_says_which_code_it_started_from(tree_page, pages):
    tree_page.page.set_viewport_size({"width": 390, "height": 480})  # short: the page scrolls
    tree_page.open(pages.main_tree + "?code=0xB801#step-single-study")
    tree_page.expect_at("single-study")
    expect(tree_page.notice()).to_have_text("Started at this step from code 0xB801.")
    # Opened at the step's anchor, the page still shows the controls and that notice.
    expect(tree_page.page.locator(".fp-toolbar")).to_be_in_viewport(ratio=1)
    expect(tree_page.notice()).to_be_in_viewport(ratio=1)
    transcript = tree_page.transcript()
    assert f"Started from error code 0xB801 at: {CACHE}" in transcript
    assert re.search(r"^Codes on this path: .*0xB801", transcript, re.M), transcript


def test_codes_page_links_land_on_the_claiming_step(tree_page, pages):
    page = tree_page.page
    page.goto(pages.codes)
    page.locator("#code-DCM9042 a").click()
    expect(tree_page.root).to_have_attribute("data-fp-tree", "fx-images-blank")
    tree_page.expect_at("call-pacs")
    expect(tree_page.notice()).to_have_text("Started at this step from code DCM-9042.")
    expect(page).to_have_url(re.compile(r"\?code=DCM-9042#step-call-pacs$"))


def test_start_page_without_hash_gets_the_start_step_address(tree_page, pages):
    tree_page.open(pages.other_tree)
    tree_page.expect_at("vpn-client")
    expect(tree_page.notice()).to_be_hidden()
    # A link to the start step is simply the start, not "started from a link".
    tree_page.open(pages.other_tree + "#step-vpn-client")
    tree_page.expect_at("vpn-client")
    expect(tree_page.notice()).to_be_hidden()
