"""Copy for ticket: the walk as plain text on the clipboard, ready for a ticket."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect


@pytest.fixture
def context(new_context, web_site):
    """Pages of this module may read the clipboard."""
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web_site.url[:-1])
    return context


COPIED = "Copied the transcript for your ticket."


def _clipboard(page):
    return page.evaluate("navigator.clipboard.readText()")


def test_copy_for_ticket_at_an_escalation(tree_page, web_site, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    tree_page.button("fp-skip").click()
    tree_page.answer("No, on site")
    tree_page.expect_at("call-pacs")

    prominent = tree_page.current.locator("button.fp-copy-prominent")
    expect(prominent).to_be_visible()
    expect(prominent).to_have_text("Copy for ticket")
    expect(tree_page.root.locator(".fp-copy-prominent")).to_have_count(1)
    before = datetime.now(UTC)
    prominent.click()
    expect(tree_page.root.locator(".fp-live")).to_have_text(COPIED)
    text = _clipboard(page)
    lines = text.splitlines()

    assert lines[0] == "Fastpath: Fixture images stay blank", text
    assert lines[1] == f"Page: {web_site.page(pages.main_tree)}#step-call-pacs", text
    skipped = lines.index("Basic checks skipped (already done by the user, answers assumed):")
    assert lines[skipped + 1 : skipped + 3] == [
        "  - Do other studies open? -> No, nothing loads (assumed)",
        "  - Check the network -> Yes, websites work (assumed)",
    ], text
    steps = lines.index("Steps and answers:")
    assert lines[steps + 1] == "  1. Working from home? -> No, on site", text
    assert "Now at: PACS administrators" in lines
    assert (
        "Contact: PACS administrators, ext. 4455 (24/7). "
        "Out of hours: The on-call PACS administrator answers ext. 4455"
    ) in lines
    ready = lines.index("Have ready:")
    assert lines[ready + 1 : ready + 3] == [
        "  - accession number",
        "  - error code and its full message",
    ], text
    assert "Codes on this path: 0xB702, 0xB705, DCM-9042" in lines
    when = next(line for line in lines if line.startswith("Time: "))
    stamp = re.search(r"\((\d{4}-\d\d-\d\dT[\d:.]+Z)\)$", when)
    assert stamp, when
    copied_at = datetime.fromisoformat(stamp.group(1).replace("Z", "+00:00"))
    assert abs((copied_at - before).total_seconds()) < 60, (copied_at, before)
    user_agent = page.evaluate("navigator.userAgent")
    assert lines[-1] == f"Browser: {user_agent}", text
    assert "Chrome" in user_agent
    # What was copied is also in the transcript on the page.
    assert tree_page.transcript().split("\nTime: ")[0] == text.split("\nTime: ")[0]


def test_copy_for_ticket_lists_each_step_and_answer_in_order(tree_page, web_site, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree + "?code=0xB702#step-other-studies")
    tree_page.answer("Yes, only this study fails")
    tree_page.answer("Done: next step")
    tree_page.expect_at("still-failing")
    tree_page.button("fp-copy").click()
    expect(tree_page.root.locator(".fp-live")).to_have_text(COPIED)
    text = _clipboard(page)
    lines = text.splitlines()
    assert lines[0] == "Fastpath: Fixture images stay blank"
    assert lines[1] == f"Page: {web_site.page(pages.main_tree)}?code=0xB702#step-still-failing"
    assert "Started from error code 0xB702 at: Do other studies open?" in lines
    steps = lines.index("Steps and answers:")
    assert lines[steps + 1 : steps + 3] == [
        "  1. Do other studies open? -> Yes, only this study fails",
        "  2. Clear the cache -> Done: next step",
    ], text
    assert "Basic checks skipped" not in text
    assert "Now at: Do the images load now?" in lines
    assert "Codes on this path: 0xB702, 0xB801" in lines


SUMMARY = "Fixture images stay blank: hand over to PACS administrators"


def _at_the_escalation(tree_page, pages):
    tree_page.open(pages.main_tree)
    tree_page.button("fp-skip").click()
    tree_page.answer("No, on site")
    tree_page.expect_at("call-pacs")


def _query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_open_a_ticket_sends_the_transcript_to_the_ticketing_system(tree_page, web_site, pages):
    page = tree_page.page
    _at_the_escalation(tree_page, pages)
    link = tree_page.current.get_by_role("link", name="Open a ticket")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href.startswith(web_site.url + "new-ticket/?summary="), href
    query = _query(href)
    assert query["summary"] == SUMMARY
    assert query["description"] == tree_page.transcript()
    assert "Have ready:" in query["description"]

    with page.context.expect_page() as opened:
        link.click()
    ticket = opened.value
    ticket.wait_for_load_state()
    assert urlsplit(ticket.url).path == "/new-ticket/"
    sent = _query(ticket.url)
    assert sent["summary"] == SUMMARY
    assert sent["description"].splitlines()[:3] == tree_page.transcript().splitlines()[:3]


def test_a_transcript_too_long_for_a_link_is_copied_instead(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    tree_page.button("fp-support-toggle").click()
    field = tree_page.root.locator(".fp-jump input")
    for number in ["4", "2"] * 20 + ["7"]:  # an agent going back and forth on a long call
        field.fill(number)
        field.press("Enter")
    tree_page.expect_at("call-pacs")
    link = tree_page.current.get_by_role("link", name="Open a ticket")
    with page.context.expect_page() as opened:
        link.click()
    expect(tree_page.root.locator(".fp-live")).to_have_text(
        "The transcript is too long for a link: it was copied. Paste it into the ticket."
    )
    copied = _clipboard(page)
    assert copied.count("(agent jumped to step") == 41, copied
    assert copied.split("\nTime: ")[0] == tree_page.transcript().split("\nTime: ")[0]
    sent = _query(opened.value.url)
    assert sent["summary"] == SUMMARY
    assert sent["description"] == "The transcript from Fastpath is on the clipboard: paste it here."
    assert len(link.get_attribute("href")) <= 2000


def test_offline_copy_offers_copy_and_an_e_mail_ticket(new_context, offline_site):
    page = new_context(base_url=None).new_page()
    page.goto(offline_site.page("trees/fixture-viewer/fx-images-blank.html#step-call-pacs"))
    current = page.locator(".fastpath.fp-js section.fp-current")
    expect(current).to_have_id("step-call-pacs")
    expect(current.get_by_role("button", name="Copy for ticket")).to_be_visible()
    link = current.get_by_role("link", name="Open a ticket")
    href = link.get_attribute("href")
    assert href.startswith("mailto:servicedesk@example.org?subject="), href
    query = _query(href)
    assert query["subject"] == SUMMARY
    assert "Contact: PACS administrators, ext. 4455 (24/7). " in query["body"]
    # The flowchart draws from the copy on disk too (its code is loaded from there).
    page.locator(".fastpath .fp-support-toggle").click()
    expect(page.locator(".fastpath .fp-chart-canvas g.node.fp-flow-current")).to_have_attribute(
        "data-fp-node", "call-pacs", timeout=20_000
    )
    current.get_by_role("button", name="Copy for ticket").click()
    expect(page.locator(".fastpath .fp-live")).to_have_text(
        re.compile(r"^(Copied the transcript for your ticket\.|Could not copy automatically: .*)$")
    )
