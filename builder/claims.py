"""A tree's code claims: their family and keys, settled once at load, and where each leads.

`resolve_codes` runs when a tree is loaded: each claim gets its family (as written, or from
a typed prefix such as `HL7` or `Code`) and the keys it is found by. `claimed_codes` is the
one projection "code -> step" that the pages, the code table and the search index read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from builder.codes import claim_keys, compact, prefix_table
from builder.families import FamilyRegistry
from builder.model import Base, Code, Family, Tree
from builder.problems import Level, Problem, Rule, did_you_mean, error
from builder.urls import step_url

UNKNOWN_FAMILY = Rule(
    "unknown-family",
    Level.ERROR,
    'a code names a family families.yaml does not declare (with "did you mean")',
)
FAMILY_UNDECIDED = Rule(
    "family-undecided",
    Level.ERROR,
    "a code with no family: and no typed prefix that names one",
)
EMPTY_CODE = Rule(
    "empty-code",
    Level.ERROR,
    "a code with no letters or digits to search by (it could never be found)",
)
RULES = (UNKNOWN_FAMILY, FAMILY_UNDECIDED, EMPTY_CODE)


def infer_family(written: str, registry: FamilyRegistry) -> Family | None:
    """The family whose typed prefix starts the code (`AADSTS50076`, `Code 43`), if one does."""
    value = compact(written)
    table = prefix_table((f.id, f.prefixes) for f in registry.families.values())
    for prefix, family_id in table:
        if value.startswith(prefix) and len(value) > len(prefix):
            return registry.families[family_id]
    return None


def _resolve(code: Code, registry: FamilyRegistry) -> Iterator[Problem]:
    family: Family | None = None
    if code.family:
        family = registry.get(code.family)
        if family is None:
            known = ", ".join(sorted(registry.families)) or "none: there is no families.yaml"
            hint = did_you_mean(code.family, registry.families)
            yield error(
                code.family_pos or code.pos,
                f'unknown family "{code.family}"{hint}; families: {known}',
                UNKNOWN_FAMILY,
            )
    elif registry:
        family = infer_family(code.code, registry)
        if family is None:
            yield error(
                code.pos,
                f'cannot tell the family of code "{code.code}": add a family: line '
                f"(one of {', '.join(sorted(registry.families))}) or write its prefix",
                FAMILY_UNDECIDED,
            )
        else:
            code.family = family.id
    keys = claim_keys(
        code.code,
        family.prefixes if family else (),
        hex_family=family is not None and family.base is Base.HEX,
    )
    code.family_ref = family
    code.key, code.alternates, code.hex = keys.key, keys.alternates, keys.hex
    if not keys.key:
        yield error(
            code.pos,
            f'code "{code.code}" cannot be searched for: a code is letters A-Z and digits, '
            "with spaces or - _ . : / # between them (e.g. 0xA801, HL7 204)",
            EMPTY_CODE,
        )


def resolve_codes(tree: Tree, registry: FamilyRegistry) -> list[Problem]:
    """Give every claim of the tree its family and keys; the problems of those that lack one."""
    problems: list[Problem] = []
    for code, _ in tree.all_codes():
        problems.extend(_resolve(code, registry))
    return problems


@dataclass(frozen=True, slots=True)
class ClaimedCode:
    """One claim and where it leads: the projection pages, code table and index share."""

    code: Code
    tree: Tree
    node_id: str
    tree_level: bool  # claimed by the tree itself (lands on its start step)
    url: str  # the step, opened from this code

    @property
    def step_label(self) -> str:
        return self.tree.nodes[self.node_id].label

    @property
    def family_label(self) -> str:
        """The family's name, else its id, else '' (a knowledge base without families)."""
        return self.code.family_name or self.code.family


def claims_of(tree: Tree, directory_urls: bool = True) -> list[ClaimedCode]:
    """Every code the tree claims that can be found, tree-level first."""
    places = [(code, tree.start, True) for code in tree.codes]
    for node in tree.nodes.values():
        places.extend((code, node.id, False) for code in node.codes)
    return [
        ClaimedCode(
            code, tree, node_id, tree_level, step_url(tree, node_id, code.code, directory_urls)
        )
        for code, node_id, tree_level in places
        if code.key
    ]


def claimed_codes(trees: Iterable[Tree], directory_urls: bool = True) -> list[ClaimedCode]:
    """Every claim of the knowledge base, by tree id."""
    return [
        c for tree in sorted(trees, key=lambda t: t.id) for c in claims_of(tree, directory_urls)
    ]
