"""Author text is content, never script: a tree with XSS payloads in every field stays inert.

tests/data/site/trees/injection/xss-every-field.yaml carries script tags, event handlers,
`javascript:` links, attribute and textarea breakers, template syntax, fence and Mermaid
label breakers in every text field. Any of them running would set `window.__xss` or open a
dialog.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from playwright.sync_api import expect

TREE_FILE = (
    Path(__file__).parents[1] / "data" / "site" / "trees" / "injection" / "xss-every-field.yaml"
)
TREE = yaml.safe_load(TREE_FILE.read_text(encoding="utf-8"))
# The escalation's team, with payloads in its name, number, hours and out-of-hours route.
TEAMS = yaml.safe_load((TREE_FILE.parents[1] / "contacts.yaml").read_text(encoding="utf-8"))[
    "teams"
]

# Everything inside `scope` (shadow roots included) that could run script. With `strict`, no
# script or embedded document at all; else only the theme's and Fastpath's own scripts.
SCAN = r"""([scope, strict, siteUrl]) => {
    const found = [];
    const visit = (node) => node.querySelectorAll('*').forEach(e => {
        check(e);
        if (e.shadowRoot) visit(e.shadowRoot);
    });
    const check = (e) => {
        for (const name of e.getAttributeNames()) {
            const value = e.getAttribute(name);
            if (/^on/i.test(name)) found.push(`${e.tagName} ${name}=${value}`);
            if (/^\s*(javascript|vbscript|data):/i.test(value.replace(/[\u0000-\u0020]/g, '')))
                found.push(`${e.tagName} ${name}=${value}`);
        }
        const tag = e.tagName.toLowerCase();
        if (['iframe', 'frame', 'object', 'embed', 'base', 'meta', 'link'].includes(tag)
            && strict) found.push(`<${tag}>`);
        if (tag === 'script') {
            // (Scripts outside the swapped content stay across instant navigation; their
            // relative src then reads differently, so the attribute is checked, not e.src.)
            const src = e.getAttribute('src');
            const own = src ? /^(\.\.\/|\.\/)*assets\/[\w./-]+\.js$/.test(src)
                               || (src.startsWith(siteUrl + 'assets/') && !src.includes('__xss'))
                            : !e.textContent.includes('__xss');
            if (!own || strict) found.push(`<script> ${e.src || e.textContent}`);
        }
    };
    document.querySelectorAll(scope).forEach(root => { check(root); visit(root); });
    return found;
}"""


@pytest.fixture
def context(new_context):
    """The support view is on (it shows the support notes and the flowchart)."""
    context = new_context()
    context.add_init_script("window.localStorage.setItem('fastpath.supportView', 'on')")
    return context


@pytest.fixture
def events():
    return []


@pytest.fixture
def page(context, events):
    """A page where every dialog and script error is recorded (and dialogs dismissed)."""
    page = context.new_page()
    page.on("dialog", lambda dialog: (events.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda error: events.append(f"script error: {error}"))
    return page


@pytest.fixture
def inert(page, events, web_site):
    """Check that nothing of the payloads ran or became live markup."""

    def check(where):
        assert page.evaluate("typeof window.__xss") == "undefined", f"payload ran on {where}"
        assert not events, f"{where}: {events}"
        for scope, strict in [(".fastpath", True), (".md-content", True), ("html", False)]:
            found = page.evaluate(SCAN, [scope, strict, web_site.url])
            assert not found, f"{where}, in {scope}: {found}"

    return check


def _answers(node_id):
    """(label, next) of the in-tree ways on from a step, as the page offers them."""
    node = TREE["nodes"][node_id]
    if "answers" in node:
        return [(a["label"], a["next"]) for a in node["answers"]]
    if "do" in node:
        return [("Done: next step", node["next"])]
    return []


def test_every_step_of_the_injection_tree_is_inert(tree_page, page, inert, pages, web_site):
    tree = tree_page
    tree.open(pages.injection_tree)
    expect(tree.root).to_have_class("fastpath fp-js fp-support-on")
    # The flowchart (Mermaid) renders the breakers as labels, not as diagram syntax.
    expect(page.locator(".fastpath .fp-chart-canvas g.node").nth(4)).to_be_attached(timeout=20_000)
    # The title is shown as text, template syntax untouched.
    expect(page.locator("article h1")).to_contain_text("{{7*7}}")
    expect(page.locator("article h1")).to_contain_text("window.__xss=1")
    inert("the start")

    seen = set()
    edges = 0

    def visit(node_id):
        nonlocal edges
        seen.add(node_id)
        tree.expect_at(node_id)
        if "title" in TREE["nodes"][node_id]:
            title = TREE["nodes"][node_id]["title"]
            numbered = re.compile(rf"^\d+\. {re.escape(title)}$")
            expect(tree.current.locator("h2")).to_have_text(numbered)
        expect(tree.current.locator(".fp-support")).to_have_count(
            1 if "support" in TREE["nodes"][node_id] else 0
        )
        tree.button("fp-copy").click()
        inert(f"step {node_id}")
        for label, target in _answers(node_id):
            if target.startswith("tree:"):
                link = tree.current.get_by_role("link", name=label, exact=True)
                # (The theme makes in-site links absolute.)
                expect(link).to_have_attribute("href", web_site.page(pages.other_tree))
                continue
            # The label is shown exactly as written, as text.
            tree.answer(label)
            edges += 1
            if target not in seen:
                visit(target)
            else:
                tree.expect_at(target)
                inert(f"step {target} from {node_id}")
            tree.button("fp-back").click()
            tree.expect_at(node_id)

    visit(TREE["start"])
    assert seen == set(TREE["nodes"]), f"steps not reached: {set(TREE['nodes']) - seen}"
    assert edges == 6

    # Skip ahead: the assumed answer (a payload) is listed as text.
    tree.button("fp-skip").click()
    tree.expect_at("q-land")
    assumed = TREE["nodes"]["q-basic"]["answers"][0]["label"]
    assert assumed == "<script>window.__xss=1</script> Yes (expert)"
    skipped = f"{TREE['nodes']['q-basic']['title']}: assumed {assumed}"
    expect(tree.root.locator(".fp-trail-skipped")).to_have_text(skipped)
    assert f"{assumed} (assumed)" in tree.transcript()
    tree.button("fp-support-toggle").click()
    tree.button("fp-support-toggle").click()
    inert("after skip ahead")


def test_escalation_payloads_are_text(page, inert, pages):
    page.goto(pages.injection_tree + "#step-e-call")
    escalation = page.locator("#step-e-call .fp-escalation")
    team = TEAMS[TREE["nodes"]["e-call"]["contact"]]
    for field in ("name", "phone", "hours", "after_hours"):
        expect(escalation).to_contain_text(team[field])
    expect(escalation.locator("li")).to_have_text(TREE["nodes"]["e-call"]["include"])
    expect(page.locator("#step-e-call .fp-copy-prominent")).to_be_visible()
    page.locator("#step-e-call .fp-copy-prominent").click()
    inert("the escalation")


def test_code_deep_link_with_a_payload_code(page, inert, pages, web_site):
    code = TREE["codes"][1]["code"]
    page.goto(pages.codes)
    inert("the codes page")
    link = page.locator("table a").filter(has_text="window.__xss").first
    expect(link).to_be_visible()
    # The payload code links to its step with the code quoted in the address.
    row_link = page.locator("tr", has=page.locator("code", has_text=code)).locator("a")
    expect(row_link).to_have_attribute(
        "href", web_site.page(f"{pages.injection_tree}?code={quote(code, safe='')}#step-q-basic")
    )
    row_link.click()
    expect(page.locator(".fastpath .fp-notice")).to_have_text(
        f"Started at this step from code {code}."
    )
    inert("a deep link with a payload code")


def test_system_page_and_navigation_show_payloads_as_text(page, inert, pages):
    page.goto(pages.injection_system)
    expect(page.locator(".fp-tree-list a")).to_have_count(1)
    expect(page.locator(".fp-tree-list a")).to_contain_text("window.__xss=1")
    # The navigation names the system and the tree as text (angle brackets made harmless).
    nav = page.locator(".md-nav--primary")
    lt, gt = "\u2039", "\u203a"  # what page titles show for < and >
    expect(nav).to_contain_text(f'Inject {lt}img src=x onerror="window.__xss=1"{gt}')
    expect(nav).to_contain_text(f"{lt}script{gt}window.__xss=1{lt}/script{gt}")
    inert("the system page")
    page.goto(pages.home)
    inert("the home page")


def test_theme_search_results_for_payload_text_are_inert(page, inert, pages):
    page.goto(pages.injection_tree)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("xss")
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible()
    inert("the theme's search results")


def test_flowchart_labels_show_mermaid_directives_as_text(page, pages):
    page.goto(pages.injection_tree)
    expect(page.locator(".fastpath .fp-chart-canvas g.node").nth(4)).to_be_attached(timeout=20_000)
    labels = page.locator(".fastpath .fp-chart-canvas g.node").all_text_contents()
    title = TREE["nodes"]["s-do"]["title"]
    assert any(re.match(r"\d+\. " + re.escape(title), label) for label in labels), labels
