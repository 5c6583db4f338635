"""Advice that must stay safe in the bundled trees, whoever edits them next.

The markers these tests rely on are conventions of the knowledge base (see the authoring
guide): an outage check is a node whose id starts with `outage-`; a check of the user's own
home line is a node whose id starts with `home-line-`, or an escalation to the user's internet
provider.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import pytest

from builder.check import CheckResult, check_paths
from builder.contacts import phone_key
from builder.model import Kind, Node, Tree, is_tree_link, tree_link_id

TREES = Path(__file__).resolve().parent.parent / "decision_trees"
RESULT: CheckResult = check_paths([TREES])
BY_ID: dict[str, Tree] = {t.id: t for t in RESULT.trees}

OUTAGE_PREFIX = "outage-"
HOME_LINE_PREFIX = "home-line-"
PROVIDER = "internet-provider"

# Trees about slowness or lost connections: each must check for an outage first.
SLOWNESS_TREES = (
    "pacs-images-loading-slowly",
    "pacs-images-not-loading",
    "home-images-slow",
    "vpn-wont-connect",
    "remote-desktop-cant-connect",
    "citrix-connection-error",
    "web-viewer-http-error",
)
# Trees in which a report may not reach the referrer.
STUCK_REPORT_TREES = ("report-not-crossing-to-ris", "dictation-lost", "dictation-report-wont-sign")
CRITICAL = "phone critical findings"
NOT_PRIMARY = "do not read primary diagnosis on this display"


def text_of(node: Node) -> str:
    """What the user sees of a node (support notes aside)."""
    return " ".join([node.title, node.text, *(a.label for a in node.answers), *node.include])


def is_home_check(node: Node) -> bool:
    return node.id.startswith(HOME_LINE_PREFIX) or (
        node.kind is Kind.ESCALATION and node.contact == PROVIDER
    )


def reachable_without_outage_check(tree: Tree) -> list[tuple[str, str]]:
    """Every (tree, node) reachable from the tree's start, across links to other trees,
    without passing an outage check."""
    seen: set[tuple[str, str]] = set()
    queue = deque([(tree.id, tree.start)])
    while queue:
        tree_id, node_id = queue.popleft()
        if (tree_id, node_id) in seen or node_id.startswith(OUTAGE_PREFIX):
            continue
        seen.add((tree_id, node_id))
        for target, _ in BY_ID[tree_id].nodes[node_id].targets:
            if is_tree_link(target):
                other = BY_ID[tree_link_id(target)]
                queue.append((other.id, other.start))
            else:
                queue.append((tree_id, target))
    return sorted(seen)


@pytest.mark.parametrize("tree", RESULT.trees, ids=lambda t: t.id)
def test_no_home_line_check_before_an_outage_check(tree: Tree) -> None:
    """From any tree's start, every path meets an outage check before a home-line check or
    a hand-over to the user's internet provider."""
    early = [
        f"{tree_id}#{node_id}"
        for tree_id, node_id in reachable_without_outage_check(tree)
        if is_home_check(BY_ID[tree_id].nodes[node_id])
    ]
    assert early == [], f"home-line steps reachable before any outage check: {early}"


@pytest.mark.parametrize("tree_id", SLOWNESS_TREES)
def test_slowness_trees_have_an_outage_check(tree_id: str) -> None:
    tree = BY_ID[tree_id]
    checks = [n for n in tree.nodes.values() if n.id.startswith(OUTAGE_PREFIX)]
    assert checks, f"{tree_id} has no outage check"
    for check in checks:
        text = text_of(check).lower()
        assert "outage" in text and "colleagues" in text, check.id


def test_the_provider_is_called_only_on_evidence() -> None:
    """Every hand-over to the internet provider comes after a test of the line itself."""
    for tree in RESULT.trees:
        for node in tree.nodes.values():
            if node.kind is Kind.ESCALATION and node.contact == PROVIDER:
                evidence = " ".join(node.include).lower()
                assert re.search(r"speed test|ping|hotspot|router|no device", evidence), (
                    f"{tree.id}#{node.id} escalates to the provider without evidence"
                )


def test_one_bandwidth_figure_everywhere() -> None:
    """The trees name one minimum download speed, and say why."""
    minimums: set[str] = set()
    for tree in RESULT.trees:
        for node in tree.nodes.values():
            for figure in re.findall(r"at least \**(\d+) Mbit/s", node.text):
                minimums.add(figure)
                assert "500 MB" in node.text, f"{tree.id}#{node.id}: the figure without its reason"
    assert minimums == {"100"}


CACHE_CLEARING = re.compile(
    r"(?<!don't )(?<!not )\b(clear|remove|delete|empty)\w*\b[^.\n]{0,40}\bcache"
    r"|remove from cache|cached studies",
    re.IGNORECASE,
)


def cache_steps() -> list[tuple[str, Node]]:
    """Steps that tell the user to clear the viewer's cache (the browser's is another matter)."""
    found = []
    for tree in RESULT.trees:
        for node in tree.nodes.values():
            if (
                node.kind in (Kind.QUESTION, Kind.STEP)
                and CACHE_CLEARING.search(node.text)
                and "cookies" not in node.text.lower()
            ):
                found.append((tree.id, node))
    return found


def test_there_are_cache_steps_to_check() -> None:
    assert {tree_id for tree_id, _ in cache_steps()} >= {
        "pacs-images-not-loading",
        "pacs-images-loading-slowly",
    }


@pytest.mark.parametrize(
    ("tree_id", "node"), cache_steps(), ids=lambda v: v if isinstance(v, str) else v.id
)
def test_clearing_the_cache_checks_the_outgoing_queue_first(tree_id: str, node: Node) -> None:
    text = node.text.lower()
    queue = text.find("outgoing queue")
    assert queue >= 0, f"{tree_id}#{node.id} clears the cache without naming the outgoing queue"
    assert queue < CACHE_CLEARING.search(node.text).start(), (  # type: ignore[union-attr]
        f"{tree_id}#{node.id} names the outgoing queue only after clearing the cache"
    )


@pytest.mark.parametrize("tree_id", STUCK_REPORT_TREES)
def test_stuck_report_steps_say_phone_critical_findings(tree_id: str) -> None:
    """Every step a radiologist sees while a report may not reach the referrer."""
    missing = [
        n.id
        for n in BY_ID[tree_id].nodes.values()
        if n.kind is not Kind.RESOLUTION and CRITICAL not in text_of(n).lower()
    ]
    assert missing == []


def test_failed_display_qa_is_not_for_primary_diagnosis_where_the_radiologist_looks() -> None:
    """At the start, where the expert path lands, and at the hand-over: not only in a
    support note."""
    from builder.expert import expert_path

    tree = BY_ID["display-qa-failed"]
    seen = [tree.nodes[tree.start], tree.nodes[expert_path(tree).landing]]
    seen += [n for n in tree.nodes.values() if n.kind is Kind.ESCALATION]
    for node in seen:
        assert NOT_PRIMARY in text_of(node).lower().replace("*", ""), node.id


def test_no_two_teams_share_a_number() -> None:
    assert RESULT.contacts is not None
    numbers = [phone_key(t.phone) for t in RESULT.contacts.teams.values()]
    numbers = [n for n in numbers if n]
    assert len(numbers) == len(set(numbers))


def test_every_escalation_names_a_known_team_and_night_routes_reach_a_person() -> None:
    assert RESULT.contacts is not None
    teams = RESULT.contacts.teams
    for tree in RESULT.trees:
        for node in tree.nodes.values():
            if node.kind is Kind.ESCALATION:
                assert node.contact in teams, f"{tree.id}#{node.id}: {node.contact}"
    # A lost report at night reaches the dictation on-call engineer, not a queue.
    lost = BY_ID["dictation-lost"].nodes["call-dictation"]
    assert "on-call" in teams[lost.contact].after_hours
    # Medical physics and the integration on-call no longer share ext. 4470.
    assert phone_key(teams["medical-physics"].phone) != phone_key(teams["integration-oncall"].phone)


REQUIRED_TEAMS = {
    "service-desk",
    "desktop-support",
    "pacs-oncall",
    "ris-admins",
    "integration-oncall",
    "medical-physics",
    "network-oncall",
    "citrix-team",
    "dictation-team",
    "identity-access",
    "internet-provider",
    "reading-coordinator",
}


def test_the_teams_other_trees_rely_on_exist() -> None:
    assert RESULT.contacts is not None
    assert set(RESULT.contacts.teams) >= REQUIRED_TEAMS


def test_the_markers_are_in_use() -> None:
    """The order test means something only if the trees carry its markers."""
    home = [n.id for t in RESULT.trees for n in t.nodes.values() if is_home_check(n)]
    outage = [n.id for t in RESULT.trees for n in t.nodes.values() if n.id.startswith("outage-")]
    assert len(home) >= 8 and len(outage) >= 7
