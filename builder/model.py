"""The tree model: plain typed data, every value knowing where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


@dataclass(frozen=True, slots=True, order=True)
class Pos:
    """A place in a source file (1-based line and column)."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Kind(StrEnum):
    QUESTION = "question"
    STEP = "step"
    RESOLUTION = "resolution"
    ESCALATION = "escalation"

    @property
    def terminal(self) -> bool:
        return self in (Kind.RESOLUTION, Kind.ESCALATION)


TREE_LINK_PREFIX = "tree:"


class Base(StrEnum):
    """How a family writes its numbers: hex codes may be typed with `0x` or an `h` suffix."""

    HEX = "hex"
    DECIMAL = "decimal"


class Scope(StrEnum):
    """Where a code of the family must be claimed only once."""

    KNOWLEDGE_BASE = "knowledge-base"
    # A Device Manager code means something different for each kind of device: each system
    # (monitors, dictation) may claim `Code 43` once, and search offers the choice.
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Family:
    """One family of codes, as declared in families.yaml."""

    id: str
    name: str
    base: Base = Base.DECIMAL
    prefixes: tuple[str, ...] = ()
    ranges: bool = False  # claims may name status ranges such as A7xx (DICOM)
    unique_within: Scope = Scope.KNOWLEDGE_BASE
    pos: Pos | None = field(default=None, compare=False)


@dataclass(slots=True)
class Code:
    """An error code a tree or step claims, with its official meaning.

    `family` is the id as written or inferred from a typed prefix; the loader fills in the
    family itself and the keys the code is found by (`builder.codes.claim_keys`), once.
    """

    code: str
    message: str
    pos: Pos
    source: str = ""
    family: str = ""
    family_pos: Pos | None = None
    family_ref: Family | None = None
    key: str = ""
    alternates: tuple[str, ...] = ()
    hex: bool = False

    @property
    def family_name(self) -> str:
        """The family's display name, or '' when the code has none."""
        return self.family_ref.name if self.family_ref else ""


@dataclass(slots=True)
class Answer:
    label: str
    next: str
    pos: Pos
    next_pos: Pos
    expert: bool = False


@dataclass(slots=True)
class Node:
    id: str
    kind: Kind
    text: str  # the ask / do / resolved / escalate text
    pos: Pos
    title: str = ""
    basic: bool = False
    answers: list[Answer] = field(default_factory=list)
    next: str = ""
    next_pos: Pos | None = None
    support: str = ""
    codes: list[Code] = field(default_factory=list)
    contact: str = ""  # a team id from contacts.yaml
    contact_pos: Pos | None = None
    include: list[str] = field(default_factory=list)

    @property
    def targets(self) -> list[tuple[str, Pos]]:
        """Where this node can lead, with the place each link is written."""
        if self.kind is Kind.QUESTION:
            return [(a.next, a.next_pos) for a in self.answers]
        if self.kind is Kind.STEP and self.next and self.next_pos is not None:
            return [(self.next, self.next_pos)]
        return []

    @property
    def label(self) -> str:
        """A short name for the node: its title, else the first line of its text."""
        if self.title:
            return self.title
        first = self.text.strip().splitlines()[0] if self.text.strip() else self.id
        return first if len(first) <= 80 else first[:77].rstrip() + "..."


@dataclass(slots=True)
class Tree:
    id: str
    title: str
    system: str
    summary: str
    start: str
    nodes: dict[str, Node]
    path: str
    pos: Pos
    symptoms: list[str] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    owner: str = ""
    reviewed: date | None = None
    reviewed_pos: Pos | None = None
    start_pos: Pos | None = None
    id_pos: Pos | None = None
    system_pos: Pos | None = None
    # Nodes with shape errors (reported while reading): their links are not fully known, so
    # the checks of links, reachability and dead ends do not pile more errors onto them.
    broken_nodes: frozenset[str] = frozenset()

    def sound_nodes(self) -> list[Node]:
        """The nodes read without shape errors."""
        return [n for n in self.nodes.values() if n.id not in self.broken_nodes]

    def all_codes(self) -> list[tuple[Code, str]]:
        """Every code in the tree with the node that handles it (tree codes land on start)."""
        found = [(c, self.start) for c in self.codes]
        for node in self.nodes.values():
            found.extend((c, node.id) for c in node.codes)
        return found


def is_tree_link(target: str) -> bool:
    return target.startswith(TREE_LINK_PREFIX)


def tree_link_id(target: str) -> str:
    return target[len(TREE_LINK_PREFIX) :]
