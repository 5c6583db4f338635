"""The expert path: one click past the basic checks, listed with the answers assumed."""

from __future__ import annotations

from playwright.sync_api import expect

SKIPPED_TRAIL = [
    "Do other studies open?: assumed No, nothing loads",
    "Check the network: assumed Yes, websites work",
]
SKIPPED_TRANSCRIPT = [
    "  - Do other studies open? -> No, nothing loads (assumed)",
    "  - Check the network -> Yes, websites work (assumed)",
]


def test_skip_ahead_lands_after_the_basics_and_back_undoes_it(tree_page, pages):
    tree_page.open(pages.main_tree)
    tree_page.expect_at("other-studies")
    expect(tree_page.current.locator(".fp-badge")).to_have_text("Basic check")
    skip = tree_page.button("fp-skip")
    expect(skip).to_be_visible()
    expect(skip).to_have_text("I've done the basics: skip ahead")

    skip.click()
    tree_page.expect_at("vpn-check")
    expect(skip).to_be_hidden()
    assert tree_page.trail() == [*SKIPPED_TRAIL, "Working from home?"]
    expect(tree_page.root.locator(".fp-trail-list li.fp-trail-skipped")).to_have_count(2)
    transcript = tree_page.transcript()
    header = "Basic checks skipped (already done by the user, answers assumed):"
    assert header in transcript, transcript
    lines = transcript.splitlines()
    start = lines.index(header) + 1
    assert lines[start : start + 2] == SKIPPED_TRANSCRIPT, transcript
    assert "Codes on this path: 0xB702, 0xB705" in transcript

    tree_page.button("fp-back").click()
    tree_page.expect_at("other-studies")
    assert tree_page.trail() == ["Do other studies open?"]
    expect(skip).to_be_visible()
    assert "Basic checks skipped" not in tree_page.transcript()


def test_skip_ahead_from_a_later_basic_check_skips_only_the_rest(tree_page, pages):
    tree_page.open(pages.main_tree)
    tree_page.answer("No, nothing loads")
    tree_page.expect_at("network")
    expect(tree_page.button("fp-skip")).to_be_visible()
    tree_page.button("fp-skip").click()
    tree_page.expect_at("vpn-check")
    assert tree_page.trail() == [
        "Do other studies open?",
        "Check the network: assumed Yes, websites work",
        "Working from home?",
    ]
    transcript = tree_page.transcript()
    assert "1. Do other studies open? -> No, nothing loads" in transcript
    assert SKIPPED_TRANSCRIPT[1] in transcript
    assert SKIPPED_TRANSCRIPT[0] not in transcript

    tree_page.page.go_back()
    tree_page.expect_at("network")


def test_skip_ahead_is_offered_only_on_the_basic_checks(tree_page, pages):
    tree_page.open(pages.main_tree)
    tree_page.answer("Yes, only this study fails")
    tree_page.expect_at("single-study")
    expect(tree_page.button("fp-skip")).to_be_hidden()
    # A tree without basic checks never offers it.
    tree_page.open(pages.other_tree)
    tree_page.expect_at("vpn-client")
    expect(tree_page.button("fp-skip")).to_be_hidden()
