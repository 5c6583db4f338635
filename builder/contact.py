"""How an escalation's contact is written: the one place the page, the flowchart, the
runbook and the ticket transcript take it from."""

from __future__ import annotations

from collections.abc import Mapping

from builder.contacts import Team
from builder.model import Node


def contact_text(node: Node, teams: Mapping[str, Team]) -> str:
    """The contact of an escalation as one line of plain text ("" when it names none): the
    team of contacts.yaml it names, or the bare id if that is unknown (the check reports it)."""
    team = teams.get(node.contact)
    text = team.display if team is not None else node.contact
    return " ".join(text.split())
