"""Code families: the registry in `families.yaml`, read and checked like a tree.

The same digits mean different things in different families (`204` is an HL7 error code,
`0x204` a Remote Desktop disconnect). A family says what its codes are called, the prefixes
people type before them (`HL7 204`, `Code 43`, `AADSTS50076`), whether they are hex (so
`0x` and an `h` suffix apply) and how unique a code must be across the knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from builder.model import Base, Family, Pos, Scope
from builder.problems import Level, Problem, Rule, error
from builder.treeformat import Field, FieldType
from builder.yamlsource import DEFAULT_MAX_BYTES, UNREADABLE, SourceError, YMap, YNode, load_file

if TYPE_CHECKING:
    from builder.parse import FieldReader

FAMILIES_FILE = "families.yaml"


@dataclass(frozen=True, slots=True)
class FamilyRegistry:
    """Every family of a knowledge base, by id (empty when it has no families.yaml)."""

    families: dict[str, Family] = field(default_factory=dict)
    path: str = ""

    def __bool__(self) -> bool:
        return bool(self.families)

    def get(self, family_id: str) -> Family | None:
        """The family with this id, if declared."""
        return self.families.get(family_id)


EMPTY_REGISTRY = FamilyRegistry()

FAMILY_FIELDS: tuple[Field, ...] = (
    Field("name", FieldType.STRING, True, "What people call these codes, e.g. HL7 error."),
    Field("base", FieldType.STRING, True, "hex or decimal: hex codes may be typed 0x... or ...h."),
    Field("prefixes", FieldType.STRINGS, False, "What people type before a code: HL7, Code, ..."),
    Field("ranges", FieldType.BOOL, False, "Claims may name ranges such as A7xx."),
    Field(
        "unique_within",
        FieldType.STRING,
        False,
        "knowledge-base (default) or system: where a code may be claimed only once.",
    ),
)

INVALID_FAMILY = Rule(
    "invalid-family",
    Level.ERROR,
    "a family that cannot be used (bad base or scope, a prefix two families share)",
)
RULES = (INVALID_FAMILY,)


_E = TypeVar("_E", Base, Scope)


def _choice(reader: FieldReader, node: YNode, spec: Field, choices: type[_E], default: _E) -> _E:
    value = reader.string(node, spec)
    if value is None:
        return default
    try:
        return choices(value)
    except ValueError:
        allowed = " or ".join(c.value for c in choices)
        reader.report(node.mark, f'"{spec.name}" must be {allowed}, not "{value}"', INVALID_FAMILY)
        return default


def parse_families(root: YMap, path: str) -> tuple[FamilyRegistry, list[Problem]]:
    """Read the registry from a parsed families.yaml, reporting every problem."""
    from builder.parse import FieldReader

    reader = FieldReader(path)
    top = reader.fields(root, (Field("families", FieldType.NODES, True, "The families."),), path)
    families: dict[str, Family] = {}
    if "families" not in top:
        return FamilyRegistry({}, path), reader.problems
    body = top["families"][1]
    if not isinstance(body, YMap):
        reader.report(
            body.mark, '"families" must be a mapping of family id to family', INVALID_FAMILY
        )
        return FamilyRegistry({}, path), reader.problems
    reader.check_duplicates(body, "family id")
    spec = {f.name: f for f in FAMILY_FIELDS}
    for key, value in body.items:
        reader.check_id(key, "family id")
        if not isinstance(value, YMap):
            reader.report(value.mark, f'family "{key.value}" must be a mapping', INVALID_FAMILY)
            continue
        found = reader.fields(value, FAMILY_FIELDS, f'family "{key.value}"')
        get = {name: node for name, (_, node) in found.items()}
        families.setdefault(
            key.value,
            Family(
                id=key.value,
                name=reader.string(get["name"], spec["name"]) or key.value
                if "name" in get
                else key.value,
                base=_choice(reader, get["base"], spec["base"], Base, Base.DECIMAL)
                if "base" in get
                else Base.DECIMAL,
                prefixes=tuple(reader.strings(get["prefixes"], spec["prefixes"]))
                if "prefixes" in get
                else (),
                ranges=reader.boolean(get["ranges"], spec["ranges"]) if "ranges" in get else False,
                unique_within=_choice(
                    reader, get["unique_within"], spec["unique_within"], Scope, Scope.KNOWLEDGE_BASE
                )
                if "unique_within" in get
                else Scope.KNOWLEDGE_BASE,
                pos=reader.pos(key.mark),
            ),
        )
    registry = FamilyRegistry(families, path)
    return registry, reader.problems + list(_prefix_clashes(registry))


def _prefix_clashes(registry: FamilyRegistry) -> Iterator[Problem]:
    from builder.codes import compact

    owner: dict[str, Family] = {}
    for family in registry.families.values():
        for prefix in family.prefixes:
            typed = compact(prefix)
            first = owner.setdefault(typed, family)
            if not typed:
                yield error(
                    family.pos or Pos(registry.path, 1, 1),
                    f'family "{family.id}": prefix "{prefix}" has no letters or digits',
                    INVALID_FAMILY,
                )
            elif first is not family:
                yield error(
                    family.pos or Pos(registry.path, 1, 1),
                    f'family "{family.id}": prefix "{prefix}" is also a prefix of family '
                    f'"{first.id}"; a typed prefix must pick one family',
                    INVALID_FAMILY,
                )


def load_families(
    path: Path, shown: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[FamilyRegistry, list[Problem]]:
    """Read and check a families.yaml; an unreadable file is one located problem."""
    try:
        root = load_file(path, max_bytes)
    except SourceError as e:
        return FamilyRegistry({}, shown), [
            error(Pos(shown, e.mark.line, e.mark.col), e.message, e.rule)
        ]
    except (RecursionError, MemoryError, ValueError) as e:
        message = f"cannot read file: {type(e).__name__}"
        return FamilyRegistry({}, shown), [error(Pos(shown, 1, 1), message, UNREADABLE)]
    return parse_families(root, shown)


def families_in(codes_families: Iterable[Family | None]) -> list[Family]:
    """The distinct families among claims, sorted by id."""
    found = {f.id: f for f in codes_families if f is not None}
    return [found[k] for k in sorted(found)]
