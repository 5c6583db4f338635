"""The tree format, declared once: the parser and the JSON Schema both read this."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from builder.model import Kind


class FieldType(StrEnum):
    STRING = "string"  # a one-line plain value
    TEXT = "text"  # Markdown
    BOOL = "bool"  # true / false only
    DATE = "date"  # YYYY-MM-DD
    ID = "id"  # lower-case letters, digits and hyphens
    TARGET = "target"  # a node id, or tree:<tree-id>
    STRINGS = "strings"  # a list of strings
    CODES = "codes"  # a list of code entries
    ANSWERS = "answers"  # a list of answers
    NODES = "nodes"  # a mapping of node id -> node


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: FieldType
    required: bool
    description: str


ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
TARGET_PATTERN = r"^(tree:)?[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

TREE_FIELDS: tuple[Field, ...] = (
    Field("id", FieldType.ID, True, "Unique tree id; must match the file name."),
    Field("title", FieldType.STRING, True, "What the user is facing, in their words."),
    Field("system", FieldType.STRING, True, "The system the tree belongs to (groups navigation)."),
    Field("summary", FieldType.TEXT, True, "One or two sentences shown in lists and search."),
    Field("symptoms", FieldType.STRINGS, False, "What the user sees, in their words."),
    Field(
        "codes", FieldType.CODES, False, "Codes that mean this whole tree; search lands on start."
    ),
    Field("owner", FieldType.STRING, True, "Who keeps this tree right."),
    Field("reviewed", FieldType.DATE, True, "Date of the last review, YYYY-MM-DD."),
    Field("start", FieldType.TARGET, True, "The id of the first node."),
    Field("nodes", FieldType.NODES, True, "The steps of the tree, by id."),
)

CODE_FIELDS: tuple[Field, ...] = (
    Field("code", FieldType.STRING, True, "The code as it appears on screen, e.g. 0xA801."),
    Field("message", FieldType.STRING, True, "The code's official meaning."),
    Field("source", FieldType.STRING, False, "Where the meaning comes from, e.g. DICOM PS3.4."),
    Field(
        "family",
        FieldType.ID,
        False,
        "The code family (see families.yaml), e.g. dicom-status, hl7, rdp-disconnect.",
    ),
)

ANSWER_FIELDS: tuple[Field, ...] = (
    Field("label", FieldType.STRING, True, "The answer as the user would say it."),
    Field("next", FieldType.TARGET, True, "Node id or tree:<tree-id> this answer leads to."),
    Field(
        "expert",
        FieldType.BOOL,
        False,
        "The answer an expert has already confirmed (one per basic question).",
    ),
)

NODE_COMMON_FIELDS: tuple[Field, ...] = (
    Field("title", FieldType.STRING, False, "A short name for the step (trail, flowchart)."),
    Field("basic", FieldType.BOOL, False, "A basic check the expert path may skip."),
    Field("support", FieldType.TEXT, False, "Notes shown to support staff only."),
    Field("codes", FieldType.CODES, False, "Codes that point straight at this step."),
)

KIND_FIELDS: dict[Kind, tuple[Field, ...]] = {
    Kind.QUESTION: (
        Field("ask", FieldType.TEXT, True, "A question to the user."),
        Field("answers", FieldType.ANSWERS, True, "The possible answers."),
    ),
    Kind.STEP: (
        Field("do", FieldType.TEXT, True, "An instruction to carry out."),
        Field("next", FieldType.TARGET, True, "Where to go once it is done."),
    ),
    Kind.RESOLUTION: (Field("resolved", FieldType.TEXT, True, "What fixed it (a terminal step)."),),
    Kind.ESCALATION: (
        Field("escalate", FieldType.STRING, True, "Who takes over (a terminal step)."),
        Field(
            "contact",
            FieldType.ID,
            True,
            "The team to call: a team id from contacts.yaml (its number and hours are shown).",
        ),
        Field("include", FieldType.STRINGS, True, "What to give them."),
    ),
}

KIND_KEYS: dict[str, Kind] = {fields[0].name: kind for kind, fields in KIND_FIELDS.items()}
ALL_NODE_KEYS: tuple[str, ...] = tuple(
    [f.name for f in NODE_COMMON_FIELDS]
    + [f.name for fields in KIND_FIELDS.values() for f in fields]
)

# contacts.yaml, at the top of the knowledge base: `teams:` maps a team id to these fields.
CONTACTS_FIELDS: tuple[Field, ...] = (
    Field("teams", FieldType.NODES, True, "The teams escalations hand over to, by id."),
)

TEAM_FIELDS: tuple[Field, ...] = (
    Field("name", FieldType.STRING, True, "The team's name as callers know it."),
    Field("phone", FieldType.STRING, True, "The number to call, e.g. ext. 4455."),
    Field("hours", FieldType.STRING, True, "When that number is answered, e.g. 24/7."),
    Field(
        "after_hours",
        FieldType.STRING,
        False,
        "Who is reached out of hours: a person's route (on-call pager or phone), not a queue.",
    ),
    Field("handles", FieldType.STRING, False, "What the team looks after."),
)
