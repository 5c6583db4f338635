"""What the index holds: one document per tree and one per step that claims codes.

Plain data built from the tree model, with no search engine in sight, so the engine can be
swapped without touching how trees become documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from builder.claims import ClaimedCode, claims_of
from builder.codes import PrefixTable, prefix_table
from builder.families import families_in
from builder.model import Code, Node, Tree
from builder.urls import step_url, system_slug, tree_url


class DocumentKind(StrEnum):
    """A whole tree (lands on its start) or one step that claims codes."""

    TREE = "tree"
    STEP = "step"


@dataclass(frozen=True, slots=True)
class CodeClaim:
    """An error code as its author wrote it, the keys it is found by, and where it leads.

    `family` and `hex` say which typed forms mean it (`HL7 204` is not Remote Desktop
    `0x204`); `step_title` is the step it opens, as the user reads it.
    """

    code: str
    message: str
    key: str
    alternates: tuple[str, ...]
    step: str
    url: str
    family: str = ""
    family_name: str = ""
    hex: bool = False
    step_title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "key": self.key,
            "alternates": list(self.alternates),
            "step": self.step,
            "url": self.url,
            "family": self.family,
            "family_name": self.family_name,
            "hex": self.hex,
            "step_title": self.step_title,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CodeClaim:
        return cls(
            str(data["code"]),
            str(data["message"]),
            str(data["key"]),
            tuple(str(a) for a in data["alternates"]),
            str(data["step"]),
            str(data["url"]),
            str(data.get("family", "")),
            str(data.get("family_name", "")),
            bool(data.get("hex", False)),
            str(data.get("step_title", "")),
        )

    @classmethod
    def from_claim(cls, claim: ClaimedCode) -> CodeClaim:
        """The index's copy of a claim, keys as the loader settled them."""
        code = claim.code
        return cls(
            code.code,
            code.message,
            code.key,
            code.alternates,
            claim.node_id,
            claim.url,
            code.family,
            claim.family_label,
            code.hex,
            plain_text(claim.step_label),
        )


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One searchable unit: what it is called, what it says, and the URL it opens."""

    doc_id: str
    kind: DocumentKind
    tree: str
    tree_title: str
    system: str
    step: str
    title: str
    symptoms: tuple[str, ...]
    text: str
    url: str
    codes: tuple[CodeClaim, ...]

    @property
    def system_slug(self) -> str:
        return system_slug(self.system)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "kind": self.kind.value,
            "tree": self.tree,
            "tree_title": self.tree_title,
            "system": self.system,
            "step": self.step,
            "title": self.title,
            "symptoms": list(self.symptoms),
            "text": self.text,
            "url": self.url,
            "codes": [c.to_dict() for c in self.codes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchDocument:
        return cls(
            str(data["doc_id"]),
            DocumentKind(data["kind"]),
            str(data["tree"]),
            str(data["tree_title"]),
            str(data["system"]),
            str(data["step"]),
            str(data["title"]),
            tuple(str(s) for s in data["symptoms"]),
            str(data["text"]),
            str(data["url"]),
            tuple(CodeClaim.from_dict(c) for c in data["codes"]),
        )


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]*>")
_MARKUP = re.compile(r"(\*\*|__|[*`~]|^\s{0,3}#{1,6}\s+|^\s{0,3}>\s?)", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def plain_text(markdown: str) -> str:
    """Markdown as the words a reader sees, on one line (for indexing and snippets)."""
    text = _LINK.sub(r"\1", markdown)
    text = _HTML_TAG.sub(" ", text)
    text = _MARKUP.sub("", text)
    return _SPACE.sub(" ", text).strip()


def _claims(tree: Tree, directory_urls: bool) -> dict[tuple[bool, str], tuple[CodeClaim, ...]]:
    """The tree's claims by (tree-level, node id): tree-level claims go in the tree document."""
    grouped: dict[tuple[bool, str], list[CodeClaim]] = {}
    for claim in claims_of(tree, directory_urls):
        grouped.setdefault((claim.tree_level, claim.node_id), []).append(
            CodeClaim.from_claim(claim)
        )
    return {place: tuple(claims) for place, claims in grouped.items()}


def code_prefixes(trees: Iterable[Tree]) -> PrefixTable:
    """The typed prefixes of the families the trees' codes belong to (for reading queries)."""
    families = families_in(code.family_ref for t in trees for code, _ in t.all_codes())
    return prefix_table((f.id, f.prefixes) for f in families)


def _code_lines(codes: Iterable[Code]) -> list[str]:
    return [f"{c.code} {c.message}".strip() for c in codes]


def _node_lines(node: Node) -> list[str]:
    """Everything a reader of the step sees, support-only notes aside."""
    lines = [
        node.title,
        node.text,
        *(a.label for a in node.answers),
        node.contact,
        *node.include,
        *_code_lines(node.codes),
    ]
    return [line for line in lines if line]


def _join(lines: Iterable[str]) -> str:
    return " ".join(plain_text(line) for line in lines if line)


def tree_document(
    tree: Tree,
    directory_urls: bool = True,
    claims: dict[tuple[bool, str], tuple[CodeClaim, ...]] | None = None,
) -> SearchDocument:
    """The document of a whole tree: its codes land on the start step."""
    claims = claims if claims is not None else _claims(tree, directory_urls)
    lines = [tree.summary, *_code_lines(tree.codes)]
    for node in tree.nodes.values():
        lines.extend(_node_lines(node))
    return SearchDocument(
        doc_id=tree.id,
        kind=DocumentKind.TREE,
        tree=tree.id,
        tree_title=tree.title,
        system=tree.system,
        step=tree.start,
        title=plain_text(tree.title),
        symptoms=tuple(plain_text(s) for s in tree.symptoms),
        text=_join(lines),
        url=tree_url(tree, directory_urls),
        codes=claims.get((True, tree.start), ()),
    )


def step_document(
    tree: Tree,
    node: Node,
    directory_urls: bool = True,
    claims: tuple[CodeClaim, ...] | None = None,
) -> SearchDocument:
    """The document of one step that claims codes: a search hit opens the tree there."""
    return SearchDocument(
        doc_id=f"{tree.id}#{node.id}",
        kind=DocumentKind.STEP,
        tree=tree.id,
        tree_title=tree.title,
        system=tree.system,
        step=node.id,
        title=plain_text(node.label),
        symptoms=(),
        text=_join(_node_lines(node)),
        url=step_url(tree, node.id, directory_urls=directory_urls),
        codes=claims
        if claims is not None
        else _claims(tree, directory_urls).get((False, node.id), ()),
    )


def documents_from_trees(
    trees: Iterable[Tree], directory_urls: bool = True
) -> list[SearchDocument]:
    """Every document of the knowledge base: each tree, then each of its code-claiming steps.

    URLs are those of a site built with `use_directory_urls` as given (MkDocs' default: on).
    """
    documents: list[SearchDocument] = []
    for tree in sorted(trees, key=lambda t: t.id):
        claims = _claims(tree, directory_urls)
        documents.append(tree_document(tree, directory_urls, claims))
        documents.extend(
            step_document(tree, node, directory_urls, claims.get((False, node.id), ()))
            for node in tree.nodes.values()
            if node.codes
        )
    return documents
