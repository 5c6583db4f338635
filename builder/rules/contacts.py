"""Escalations name teams from contacts.yaml: every name known, every team used, every
number belonging to one team."""

from __future__ import annotations

from collections.abc import Iterator

from builder.contacts import Contacts, phone_key
from builder.model import Kind, Node, Tree
from builder.problems import Level, Problem, Rule, did_you_mean, error, warning

MISSING_CONTACTS = Rule(
    "missing-contacts",
    Level.ERROR,
    "escalations name teams but the knowledge base has no contacts.yaml",
)
UNKNOWN_CONTACT = Rule(
    "unknown-contact",
    Level.ERROR,
    'an escalation\'s `contact` is not a team of contacts.yaml (with "did you mean")',
)
UNUSED_CONTACT = Rule(
    "unused-contact", Level.WARNING, "a team in contacts.yaml no escalation names"
)
DUPLICATE_PHONE = Rule(
    "duplicate-phone", Level.ERROR, "two teams in contacts.yaml have the same phone number"
)
RULES = (MISSING_CONTACTS, UNKNOWN_CONTACT, UNUSED_CONTACT, DUPLICATE_PHONE)


def _escalations(trees: list[Tree]) -> Iterator[Node]:
    for tree in trees:
        for node in tree.sound_nodes():
            if node.kind is Kind.ESCALATION and node.contact and node.contact_pos is not None:
                yield node


def check_contacts_known(
    trees: list[Tree], contacts: Contacts | None, expected_path: str
) -> Iterator[Problem]:
    """Each escalation's contact is a team of contacts.yaml (one error if there is no file)."""
    escalations = sorted(_escalations(trees), key=lambda n: n.contact_pos or n.pos)
    if contacts is None:
        if escalations:
            first = escalations[0]
            assert first.contact_pos is not None
            yield error(
                first.contact_pos,
                f'escalations name teams (here "{first.contact}") but there is no '
                f"contacts file at the top of the knowledge base ({expected_path}); "
                "add one that declares them",
                MISSING_CONTACTS,
            )
        return
    for node in escalations:
        if not contacts.declares(node.contact):
            assert node.contact_pos is not None
            hint = did_you_mean(node.contact, contacts.teams)
            yield error(
                node.contact_pos,
                f'contact "{node.contact}" is not a team in {contacts.path}{hint}',
                UNKNOWN_CONTACT,
            )


def check_unused_teams(trees: list[Tree], contacts: Contacts | None) -> Iterator[Problem]:
    """A team no escalation names is stale or misspelt (only known for a whole knowledge base)."""
    if contacts is None or not contacts.whole_knowledge_base:
        return
    used = {node.contact for node in _escalations(trees)}
    for team in contacts.teams.values():
        if team.id not in used:
            yield warning(
                team.pos,
                f'team "{team.id}" is not the contact of any escalation; '
                "remove it or hand over to it",
                UNUSED_CONTACT,
            )


def check_duplicate_phones(contacts: Contacts | None) -> Iterator[Problem]:
    """Two teams on one number: a caller cannot know whom they will reach."""
    if contacts is None:
        return
    first: dict[str, str] = {}
    for team in sorted(contacts.teams.values(), key=lambda t: t.phone_pos):
        key = phone_key(team.phone)
        if not key:
            continue  # no number of ours (e.g. the user's own internet provider)
        if key in first:
            yield error(
                team.phone_pos,
                f'teams "{first[key]}" and "{team.id}" have the same phone number '
                f'("{team.phone}"); give each team its own',
                DUPLICATE_PHONE,
            )
        else:
            first[key] = team.id
