"""The page compiler: golden pages, sanitising, URLs and the indexes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.check import check_paths
from builder.codetable import code_table
from builder.contacts import Team
from builder.flowchart import flowchart, mermaid_label
from builder.model import Tree
from builder.pages import (
    BODY_END,
    BODY_START,
    SiteContext,
    codes_page,
    insert_body,
    system_page,
    systems,
    tree_body,
    tree_page,
)
from builder.step_numbers import step_numbers
from builder.ticket import TicketTarget, ticket_target_problems

DATA = Path(__file__).parent / "data" / "golden" / "trees"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def trees() -> dict[str, Tree]:
    result = check_paths([DATA])
    assert not result.errors
    return {t.id: t for t in result.trees}


@pytest.fixture(scope="module")
def teams() -> dict[str, Team]:
    result = check_paths([DATA])
    assert result.contacts is not None
    return result.contacts.teams


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed (UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("directory_urls", [True, False])
def test_tree_body_matches_golden(
    trees: dict[str, Tree], teams: dict[str, Team], directory_urls: bool
) -> None:
    body = tree_body(trees["viewer-blank"], SiteContext(trees, directory_urls, teams))
    suffix = "" if directory_urls else "-flat"
    assert_golden(f"viewer-blank{suffix}.html", body)


def test_tree_page_stub_matches_golden(trees: dict[str, Tree]) -> None:
    assert_golden("viewer-blank.md", tree_page(trees["viewer-blank"]))


def test_the_body_replaces_the_digest_in_the_finished_page(trees: dict[str, Tree]) -> None:
    page = f"<html>before {BODY_START}<p>digest</p>{BODY_END} after</html>"
    assert insert_body(page, "<div>tree</div>") == "<html>before <div>tree</div> after</html>"
    with pytest.raises(ValueError, match="markers"):
        insert_body("<html></html>", "<div>tree</div>")


def test_system_and_codes_pages_match_golden(trees: dict[str, Tree]) -> None:
    grouped = systems(trees.values())
    assert list(grouped) == ["PACS viewer", "Workstation"]
    assert_golden("system-pacs-viewer.md", system_page("PACS viewer", grouped["PACS viewer"]))
    assert_golden("codes.md", codes_page(trees.values()))


def test_page_has_no_raw_html_from_authors(trees: dict[str, Tree]) -> None:
    page = tree_body(trees["viewer-blank"], SiteContext(trees)) + tree_page(trees["viewer-blank"])
    assert "<script>" not in page
    assert "onerror" not in page
    assert "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not run
    stub = tree_page(trees["viewer-blank"])
    assert 'title: "Viewer shows \\u2039blank\\u203a panes' in stub  # theme-safe title


def test_answers_link_to_steps_and_other_trees(trees: dict[str, Tree]) -> None:
    page = tree_body(trees["viewer-blank"], SiteContext(trees))
    assert 'href="#step-clear-cache" data-fp-next="clear-cache"' in page
    assert 'href="../../workstation/printer-jams/" data-fp-next="tree:printer-jams"' in page
    flat = tree_body(trees["viewer-blank"], SiteContext(trees, directory_urls=False))
    assert 'href="../workstation/printer-jams.html"' in flat


def test_expert_path_is_in_the_markup(trees: dict[str, Tree]) -> None:
    page = tree_body(trees["viewer-blank"], SiteContext(trees))
    assert 'data-fp-landing="still-blank"' in page
    assert "[[&#34;others-open&#34;, &#34;No&#34;], [&#34;restarted&#34;, &#34;&#34;]]" in page


def test_escalation_shows_the_team_from_contacts(
    trees: dict[str, Tree], teams: dict[str, Team]
) -> None:
    """The escalation names its team by id; the page shows who, what number, when, and
    whom to reach out of hours."""
    assert trees["viewer-blank"].nodes["call-pacs"].contact == "pacs-oncall"
    page = tree_body(trees["viewer-blank"], SiteContext(trees, teams=teams))
    assert (
        '<p class="fp-contact"><strong>Contact:</strong> PACS administrators, ext. 4455 (24/7). '
        "Out of hours: The on-call PACS administrator answers ext. 4455 (forwarded to their "
        "mobile)</p>"
    ) in page


def test_mermaid_labels_cannot_break_out() -> None:
    label = mermaid_label('a "quoted" <b>|x|</b> ``` %%{init: {"theme": "dark"}}%%')
    for char in '"<|`%{}':
        assert char not in label


def test_flowchart_names_linked_trees(trees: dict[str, Tree]) -> None:
    chart = flowchart(trees["viewer-blank"], {"printer-jams": "Film printer jams"})
    assert "Go to: Film printer jams" in chart
    assert "class n0,n1 basic" in chart


def test_code_table_has_exact_and_loose_keys(trees: dict[str, Tree]) -> None:
    table = code_table(trees.values())["codes"]
    assert table["A702"][0]["url"] == "trees/pacs-viewer/viewer-blank/?code=0xA702#step-others-open"
    assert table["DCM0042"][0]["code"] == "DCM-0042"
    assert table["42"][0]["code"] == "DCM-0042"  # typed without its prefix


def test_steps_are_numbered_breadth_first_from_the_start(trees: dict[str, Tree]) -> None:
    numbers = step_numbers(trees["viewer-blank"])
    assert numbers == {
        "others-open": 1,
        "clear-cache": 2,
        "restarted": 3,
        "fixed": 4,
        "still-blank": 5,
        "call-pacs": 6,
    }
    body = tree_body(trees["viewer-blank"], SiteContext(trees))
    # The page lists the steps in that order, each answer naming its step.
    order = [body.index(f'id="step-{node_id}"') for node_id in numbers]
    assert order == sorted(order)
    assert '<span class="fp-step-number">6.</span> Hand over to PACS administrators' in body
    assert '>Yes</a> <span class="fp-leads-to">→ 2<' in body
    assert '<span class="fp-leads-to">→ the guide “Film printer jams”</span>' in body


def test_flowchart_labels_are_whole_numbered_and_escalations_name_their_contact(
    trees: dict[str, Tree], teams: dict[str, Team]
) -> None:
    chart = flowchart(trees["viewer-blank"], teams=teams)
    assert (
        'n5[["6. Hand over to PACS administrators<br>PACS administrators, ext. 4455 (24/7). '
        "Out of hours: The on-call PACS administrator answers ext. 4455 (forwarded to their "
        'mobile)"]]'
    ) in chart
    assert 'n0{"1. Do other studies open?"}' in chart
    long_text = "word " * 80
    assert mermaid_label(long_text) == long_text.strip()  # wrapped by the chart, never cut


def test_the_ticket_target_is_on_the_page_only_when_configured(trees: dict[str, Tree]) -> None:
    plain = tree_body(trees["viewer-blank"], SiteContext(trees))
    assert "data-fp-ticket" not in plain
    target = TicketTarget(url="https://tickets.example.org/new?s={summary}&d={description}")
    body = tree_body(trees["viewer-blank"], SiteContext(trees, ticket=target))
    assert (
        'data-fp-ticket-url="https://tickets.example.org/new?s={summary}&amp;d={description}"'
        in body
    )
    mail = tree_body(trees["viewer-blank"], SiteContext(trees, ticket=TicketTarget("sd@x.org")))
    assert 'data-fp-ticket-email="sd@x.org"' in mail


@pytest.mark.parametrize(
    "target,problem",
    [
        (TicketTarget(email="servicedesk@example.org"), None),
        (TicketTarget(url="https://jira.example.org/create?summary={summary}"), None),
        (TicketTarget(email="not an address"), "ticket_email: not an e-mail address"),
        (TicketTarget(url="javascript:alert(1)//{summary}"), "must start with https://"),
        (TicketTarget(url="https://jira.example.org/create"), "has no placeholder"),
        (TicketTarget("a@b.org", "https://t.example.org/{summary}"), "set one, not both"),
    ],
)
def test_ticket_targets_are_checked(target: TicketTarget, problem: str | None) -> None:
    problems = ticket_target_problems(target)
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0], problems
