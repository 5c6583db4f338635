"""The runbook: the whole tree as a numbered script, on screen and on paper.

The print test reads only the text of the page as printed (print media) and follows it,
as an agent with a paper copy would, from step 1 to every resolution and escalation.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import yaml
from playwright.sync_api import expect

TREES = Path(__file__).parents[1] / "data" / "site" / "trees"
TREE_FILE = TREES / "viewer" / "fx-images-blank.yaml"
TREE = yaml.safe_load(TREE_FILE.read_text(encoding="utf-8"))
TEAMS = yaml.safe_load((TREES / "contacts.yaml").read_text(encoding="utf-8"))["teams"]
OTHER_GUIDE = "the guide “Fixture VPN will not connect”"


def _printed_steps(text):
    """{number: (heading, [lines])} from the printed text: a step starts at "N. heading"
    where N is the next number."""
    steps = {}
    current = None
    for line in (raw.strip() for raw in text.splitlines()):
        match = re.match(r"^(\d+)\. (.+)$", line)
        if match and int(match.group(1)) == len(steps) + 1:
            current = int(match.group(1))
            steps[current] = (match.group(2), [])
        elif current is not None and line:
            steps[current][1].append(line)
    return steps


def _ways_on(lines):
    """(answer, where it leads) for every "answer → N" or "answer → the guide ..." line."""
    ways = []
    for line in lines:
        match = re.match(r"^(.+?) → (\d+|the guide .+)$", line)
        if match:
            target = match.group(2)
            ways.append((match.group(1), int(target) if target.isdigit() else target))
    return ways


def _heading(node):
    if "title" in node:
        return node["title"]
    if "escalate" in node:
        return f"Hand over to {node['escalate']}"
    raise AssertionError(f"fixture node without a title: {node}")


def test_printed_runbook_can_be_followed_to_every_outcome(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    tree_page.answer("Yes, only this study fails")  # wherever the walk is, the whole tree prints
    page.emulate_media(media="print")
    steps = _printed_steps(page.locator("article").inner_text())
    assert len(steps) == len(TREE["nodes"]), steps

    # Follow the paper from step 1: every answer names a step that exists on it.
    number_of = {}
    reached = set()
    queue = deque([1])
    while queue:
        number = queue.popleft()
        if number in reached:
            continue
        reached.add(number)
        heading, lines = steps[number]
        node_id = next(i for i, n in TREE["nodes"].items() if _heading(n) == heading)
        number_of[node_id] = number
        for _, target in _ways_on(lines):
            if isinstance(target, int):
                assert target in steps, f"step {number} leads to a missing step {target}"
                queue.append(target)
    assert set(number_of) == set(TREE["nodes"]), "every step is reached from step 1"
    assert steps[1][0] == TREE["nodes"][TREE["start"]]["title"]

    # What the paper says is what the tree says: each answer leads where the YAML does.
    for node_id, node in TREE["nodes"].items():
        heading, lines = steps[number_of[node_id]]
        expected = []
        for answer in node.get("answers", []):
            target = answer["next"]
            where = OTHER_GUIDE if target.startswith("tree:") else number_of[target]
            expected.append((answer["label"], where))
        if "do" in node:
            expected.append(("Done: next step", number_of[node["next"]]))
        assert _ways_on(lines) == expected, (node_id, lines)
        text = "\n".join(lines)
        if "support" in node:
            assert node["support"] in text, (node_id, "support note missing on paper")
        for code in node.get("codes", []):
            assert code["code"] in text, (node_id, code)
        if "escalate" in node:
            team = TEAMS[node["contact"]]
            assert f"Contact: {team['name']}, {team['phone']} ({team['hours']})" in text
            assert "Have ready:" in text
            for item in node["include"]:
                assert item in lines, (node_id, item)
        if "resolved" in node:
            assert node["resolved"] in text
    # No controls on paper.
    controls = (".fp-toolbar", ".fp-trail", ".fp-transcript", ".fp-ticket-actions", ".fp-flowchart")
    for selector in controls:
        expect(page.locator(f".fastpath {selector}")).to_be_hidden()


def test_with_the_support_view_on_the_chart_prints_after_the_script(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    tree_page.button("fp-support-toggle").click()
    expect(tree_page.root.locator(".fp-chart-canvas svg")).to_be_attached(timeout=20_000)
    page.emulate_media(media="print")
    chart = tree_page.root.locator(".fp-chart-canvas svg")
    expect(chart).to_be_visible()
    expect(tree_page.root.locator(".fp-chart-bar")).to_be_hidden()
    article = page.locator("article").bounding_box()
    assert chart.bounding_box()["width"] <= article["width"]
    steps = page.locator(".fastpath section.fp-step")
    expect(steps.locator("visible=true")).to_have_count(len(TREE["nodes"]))


def _pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_a_tree_prints_on_one_or_two_a4_pages(tree_page, pages):
    tree_page.open(pages.main_tree)
    pdf = tree_page.page.pdf(format="A4")
    assert 1 <= _pdf_pages(pdf) <= 2, _pdf_pages(pdf)


def test_runbook_on_screen_shows_every_step_numbered(tree_page, pages):
    page = tree_page.page
    tree_page.open(pages.main_tree)
    runbook = tree_page.button("fp-runbook-toggle")
    runbook.click()
    expect(runbook).to_have_attribute("aria-pressed", "true")
    sections = page.locator(".fastpath section.fp-step")
    expect(sections.locator("visible=true")).to_have_count(len(TREE["nodes"]))
    expect(page.locator("#step-other-studies h2")).to_have_text("1. Do other studies open?")
    expect(page.locator("#step-other-studies .fp-leads-to").first).to_be_visible()
    expect(page.locator("#step-other-studies .fp-support")).to_be_visible()
    # Reading the script: an answer leads to its step on the page; the walk stays put.
    page.locator("#step-other-studies").get_by_role("button", name="No, nothing loads").click()
    expect(page.locator("#step-network")).to_be_focused()
    expect(page.locator("#step-network")).to_be_in_viewport()
    assert tree_page.trail() == ["Do other studies open?"]

    runbook.click()
    expect(runbook).to_have_attribute("aria-pressed", "false")
    tree_page.expect_at("other-studies")
    expect(page.locator(".fastpath .fp-leads-to").first).to_be_hidden()
