"""Where "Open a ticket" sends the transcript: an e-mail address or a ticketing URL template."""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDERS = ("{summary}", "{description}")
_EMAIL = re.compile(r"^[^\s@?&#]+@[^\s@?&#]+$")


@dataclass(frozen=True, slots=True)
class TicketTarget:
    """A deployer's ticket target; both empty means the pages offer copying only."""

    email: str = ""
    url: str = (
        ""  # e.g. https://jira.example.org/create?summary={summary}&description={description}
    )


def ticket_target_problems(target: TicketTarget) -> list[str]:
    """What is wrong with a configured target, as messages naming the option."""
    problems = []
    if target.email and not _EMAIL.match(target.email):
        problems.append(f"ticket_email: not an e-mail address: {target.email!r}")
    if target.url:
        if not re.match(r"^https?://", target.url):
            problems.append(f"ticket_url: must start with https:// or http://: {target.url!r}")
        if not any(p in target.url for p in PLACEHOLDERS):
            problems.append(
                "ticket_url: has no placeholder for the ticket text; "
                "use {summary} and {description}"
            )
    if target.email and target.url:
        problems.append("ticket_email and ticket_url: set one, not both")
    return problems
