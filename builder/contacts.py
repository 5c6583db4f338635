"""The teams escalations hand over to, declared once in contacts.yaml and shown on every
escalation: name, number, when it is answered and who is reached out of hours."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from builder.model import Pos, Tree
from builder.parse import DUPLICATE_KEY, INVALID_ID, WRONG_TYPE, FieldReader
from builder.problems import Problem
from builder.sourcefile import display_path, read_located
from builder.treeformat import CONTACTS_FIELDS, ID_PATTERN, TEAM_FIELDS
from builder.yamlsource import DEFAULT_MAX_BYTES, YMap, YNode

CONTACTS_FILE = "contacts.yaml"


@dataclass(frozen=True, slots=True)
class Team:
    """One team: how to reach it, when, and who answers out of hours."""

    id: str
    name: str
    phone: str
    hours: str
    pos: Pos
    phone_pos: Pos
    after_hours: str = ""
    handles: str = ""

    @property
    def display(self) -> str:
        """The one line an escalation shows, e.g. "PACS administrators, ext. 4455 (24/7)"."""
        line = f"{self.name}, {self.phone} ({self.hours})"
        return f"{line}. Out of hours: {self.after_hours}" if self.after_hours else line


@dataclass(frozen=True, slots=True)
class Contacts:
    """The contacts file of a knowledge base and its teams by id."""

    path: str
    teams: dict[str, Team]
    # True when the whole knowledge base around the file is being checked, so a team that no
    # tree names is really unused (checking one tree says nothing about the others).
    whole_knowledge_base: bool = False
    # Teams with shape errors (reported while reading): escalations naming them are not
    # also reported as naming an unknown team.
    broken: frozenset[str] = frozenset()

    def declares(self, team_id: str) -> bool:
        """Whether the file names the team at all, well-formed or not."""
        return team_id in self.teams or team_id in self.broken


def find_contacts_file(folder: Path) -> Path | None:
    """The contacts.yaml of the knowledge base a folder belongs to.

    It sits at the top of the knowledge base, beside the <system>/ folders: so it is looked
    for in the folder itself and in the one above, which finds it from the top of the
    knowledge base and from any system folder in it.
    """
    folder = folder.resolve()
    for candidate in (folder, folder.parent):
        if (candidate / CONTACTS_FILE).is_file():
            return candidate / CONTACTS_FILE
    return None


def _contacts_of(folder: Path, checked: list[Path]) -> tuple[Path, bool]:
    """The contacts file of a tree folder, and whether it exists (if not: where it belongs)."""
    found = find_contacts_file(folder)
    if found is not None:
        return found, True
    top = folder if folder in checked else folder.parent
    return top / CONTACTS_FILE, False


@dataclass(frozen=True, slots=True)
class ContactScope:
    """Trees, and the contacts file they take their teams from (None when there is none)."""

    trees: list[Tree]
    contacts: Contacts | None
    expected_path: str  # where the missing contacts file belongs


def contact_scopes(
    trees: list[Tree], paths: list[Path]
) -> tuple[list[ContactScope], list[Problem]]:
    """Each tree with the contacts file of its own knowledge base (see find_contacts_file),
    every contacts file read once, and the problems found reading them.

    A team is only called unused when its whole knowledge base is checked: when the folder
    holding the contacts file is, or is inside, a folder given.
    """
    folders = [p.resolve() for p in paths if p.is_dir()]
    # contacts file (or, when there is none, where it belongs) -> the trees it serves
    by_file: dict[tuple[Path, bool], list[Tree]] = {}
    for folder in folders:  # a knowledge base checked whole, even with no trees in it
        if (folder / CONTACTS_FILE).is_file():
            by_file.setdefault((folder / CONTACTS_FILE, True), [])
    # A tree's folder -> the contacts file it takes its teams from (looked up once a folder).
    scope_of: dict[str, tuple[Path, bool]] = {}
    for tree in trees:
        parent = os.path.dirname(tree.path)
        if parent not in scope_of:
            scope_of[parent] = _contacts_of(Path(parent).resolve(), folders)
        by_file.setdefault(scope_of[parent], []).append(tree)
    scopes: list[ContactScope] = []
    problems: list[Problem] = []
    for (path, exists), scoped in by_file.items():
        if not exists:
            scopes.append(ContactScope(scoped, None, display_path(path)))
            continue
        whole = any(path.parent.is_relative_to(folder) for folder in folders)
        contacts, read_problems = load_contacts(path, whole_knowledge_base=whole)
        problems += read_problems
        scopes.append(ContactScope(scoped, contacts, display_path(path)))
    return scopes, problems


def load_contacts(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES, whole_knowledge_base: bool = False
) -> tuple[Contacts | None, list[Problem]]:
    """Read contacts.yaml; teams with shape problems are left out and reported."""
    root, problems = read_located(path, max_bytes)
    if root is None:
        return None, problems
    shown = display_path(path)
    reader = FieldReader(shown)
    found = reader.fields(root, CONTACTS_FIELDS, "the contacts file")
    teams: dict[str, Team] = {}
    broken: set[str] = set()
    if "teams" in found:
        teams, broken = _teams(reader, found["teams"][1])
    return (
        Contacts(shown, teams, whole_knowledge_base, frozenset(broken)),
        problems + reader.problems,
    )


def _teams(reader: FieldReader, value: YNode) -> tuple[dict[str, Team], set[str]]:
    """The well-formed teams, and the ids of those with shape problems (reported)."""
    if not isinstance(value, YMap):
        reader.report(
            value.mark,
            '"teams" must be a mapping of team id to team (name, phone, hours, ...)',
            WRONG_TYPE,
        )
        return {}, set()
    for dup in value.duplicates:
        reader.report(
            dup.mark,
            f'duplicate team id "{dup.value}"; each team needs its own id',
            DUPLICATE_KEY,
        )
    teams: dict[str, Team] = {}
    broken: set[str] = set()
    spec = {f.name: f for f in TEAM_FIELDS}
    for key, item in value.items:
        if not re.match(ID_PATTERN, key.value):
            reader.report(
                key.mark,
                f'team id "{key.value}" must be lower-case letters, digits and hyphens, '
                'like "pacs-oncall"',
                INVALID_ID,
            )
            continue
        where = f'team "{key.value}"'
        if not isinstance(item, YMap):
            reader.report(
                item.mark, f"{where} must be a mapping (name, phone, hours, ...)", WRONG_TYPE
            )
            broken.add(key.value)
            continue
        before = len(reader.problems)
        fields = reader.fields(item, TEAM_FIELDS, where)
        values = {name: reader.string(v, spec[name]) or "" for name, (_, v) in fields.items()}
        if len(reader.problems) > before:
            broken.add(key.value)
            continue
        if key.value in teams:
            continue  # a duplicate id, already reported
        teams[key.value] = Team(
            id=key.value,
            name=values["name"],
            phone=values["phone"],
            hours=values["hours"],
            pos=reader.pos(key.mark),
            phone_pos=reader.pos(fields["phone"][1].mark),
            after_hours=values.get("after_hours", ""),
            handles=values.get("handles", ""),
        )
    return teams, broken


def phone_key(phone: str) -> str:
    """The digits of a number, so "ext. 4455" and "Ext 4455" are one number ("" if none)."""
    return "".join(ch for ch in phone if ch.isdigit())
