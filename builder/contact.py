"""How an escalation's contact is written: the one place the page, the flowchart, the
runbook and the ticket transcript take it from."""

from __future__ import annotations

from builder.model import Node


def contact_text(node: Node) -> str:
    """The contact of an escalation as one line of plain text ("" when it names none)."""
    return " ".join(node.contact.split())
