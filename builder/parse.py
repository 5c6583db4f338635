"""Turn located YAML nodes into a Tree, reporting every shape problem on the way."""

from __future__ import annotations

import re
from datetime import date

from builder.model import Answer, Code, Node, Pos, Tree
from builder.problems import Level, Problem, Rule, closest, error
from builder.treeformat import (
    ALL_NODE_KEYS,
    ANSWER_FIELDS,
    CODE_FIELDS,
    DATE_PATTERN,
    ID_PATTERN,
    KIND_FIELDS,
    KIND_KEYS,
    NODE_COMMON_FIELDS,
    TARGET_PATTERN,
    TREE_FIELDS,
    Field,
    FieldType,
)
from builder.yamlsource import Mark, YMap, YNode, YScalar, YSeq

UNKNOWN_KEY = Rule(
    "unknown-key",
    Level.ERROR,
    'a key the format does not know (with "did you mean")',
)
MISSING_KEY = Rule(
    "missing-key",
    Level.ERROR,
    "a required key is missing",
)
WRONG_TYPE = Rule(
    "wrong-type",
    Level.ERROR,
    "a value of the wrong type (a list where one value belongs, not true/false, ...)",
)
EMPTY_VALUE = Rule(
    "empty-value",
    Level.ERROR,
    "a required value is empty",
)
INVALID_ID = Rule(
    "invalid-id",
    Level.ERROR,
    "an id that is not lower-case letters, digits and hyphens",
)
DUPLICATE_KEY = Rule(
    "duplicate-key",
    Level.ERROR,
    "the same key twice in one mapping (the later value would silently win)",
)
DUPLICATE_NODE = Rule(
    "duplicate-node",
    Level.ERROR,
    "two nodes with the same id",
)
NODE_KIND = Rule(
    "node-kind",
    Level.ERROR,
    "a node that is not exactly one of ask, do, resolved or escalate",
)
RULES = (
    UNKNOWN_KEY,
    MISSING_KEY,
    WRONG_TYPE,
    EMPTY_VALUE,
    INVALID_ID,
    DUPLICATE_KEY,
    DUPLICATE_NODE,
    NODE_KIND,
)

_TYPE_NAMES = {YScalar: "a single value", YSeq: "a list", YMap: "a mapping"}


class FieldReader:
    """Reads the values of one file against declared fields, collecting every problem
    instead of stopping at the first (trees and the registries beside them share it)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        # Nodes already reported as malformed: checks of the tree's shape leave them alone.
        self.broken_nodes: set[str] = set()

    def pos(self, mark: Mark) -> Pos:
        return Pos(self.path, mark.line, mark.col)

    def report(self, mark: Mark, message: str, rule: Rule) -> None:
        self.problems.append(error(self.pos(mark), message, rule))

    def check_duplicates(self, ymap: YMap, what: str) -> None:
        """Report keys written twice in a mapping of ids (nodes, families)."""
        for dup in ymap.duplicates:
            self.report(
                dup.mark, f'duplicate {what} "{dup.value}"; each needs its own id', DUPLICATE_NODE
            )

    def check_id(self, key: YScalar, what: str) -> None:
        """Report an id that is not lower-case letters, digits and hyphens."""
        if not re.match(ID_PATTERN, key.value):
            self.report(
                key.mark,
                f'{what} "{key.value}" must be lower-case letters, digits and hyphens',
                INVALID_ID,
            )

    def fields(
        self,
        ymap: YMap,
        allowed: tuple[Field, ...],
        where: str,
        extra_allowed: tuple[str, ...] = (),
    ) -> dict[str, tuple[YScalar, YNode]]:
        """Check keys against the declared fields; return the known ones by name."""
        names = [f.name for f in allowed]
        for dup in ymap.duplicates:
            self.report(
                dup.mark,
                f'duplicate key "{dup.value}" in {where}; the later value would silently win',
                DUPLICATE_KEY,
            )
        found: dict[str, tuple[YScalar, YNode]] = {}
        meant: set[str] = set()
        for key, value in ymap.items:
            if key.value in names:
                found.setdefault(key.value, (key, value))
            elif key.value not in extra_allowed:
                guess = closest(key.value, names)
                hint = f' (did you mean "{guess}"?)' if guess else ""
                self.report(key.mark, f'unknown key "{key.value}" in {where}{hint}', UNKNOWN_KEY)
                meant.update([guess] if guess else [])
        for f in allowed:
            # A misspelt required key is one mistake: its "did you mean" line says it all.
            if f.required and f.name not in found and f.name not in meant:
                self.report(ymap.mark, f'missing required key "{f.name}" in {where}', MISSING_KEY)
        return found

    def _type_error(self, node: YNode, field: Field, expected: str) -> None:
        got = _TYPE_NAMES[type(node)]
        self.report(node.mark, f'"{field.name}" must be {expected}, not {got}', WRONG_TYPE)

    def string(self, node: YNode, field: Field) -> str | None:
        if not isinstance(node, YScalar):
            self._type_error(node, field, "text")
            return None
        if not node.value.strip():
            self.report(node.mark, f'"{field.name}" is empty', EMPTY_VALUE)
            return None
        value = node.value
        if field.type is FieldType.ID and not re.match(ID_PATTERN, value):
            self.report(
                node.mark,
                f'"{field.name}" must be lower-case letters, digits and '
                f'hyphens, like "vpn-wont-connect"; got "{value}"',
                INVALID_ID,
            )
        if field.type is FieldType.TARGET and not re.match(TARGET_PATTERN, value):
            self.report(
                node.mark,
                f'"{field.name}" must be a node id or tree:<tree-id>; got "{value}"',
                INVALID_ID,
            )
        return value

    def boolean(self, node: YNode, field: Field) -> bool:
        if isinstance(node, YScalar) and node.plain and node.value in ("true", "false"):
            return node.value == "true"
        shown = f'"{node.value}"' if isinstance(node, YScalar) else _TYPE_NAMES[type(node)]
        self.report(node.mark, f'"{field.name}" must be true or false, not {shown}', WRONG_TYPE)
        return False

    def day(self, node: YNode, field: Field) -> date | None:
        text = self.string(node, field)
        if text is None:
            return None
        try:
            if not re.match(DATE_PATTERN, text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            self.report(
                node.mark,
                f'"{field.name}" must be a date like 2026-11-01, not "{text}"',
                WRONG_TYPE,
            )
            return None

    def strings(self, node: YNode, field: Field) -> list[str]:
        if not isinstance(node, YSeq):
            self._type_error(node, field, "a list")
            return []
        out = []
        for item in node.items:
            value = self.string(item, field)
            if value is not None:
                out.append(value)
        return out

    def seq_of_maps(self, node: YNode, field: Field) -> list[YMap]:
        if not isinstance(node, YSeq):
            self._type_error(node, field, "a list")
            return []
        maps = []
        for item in node.items:
            if isinstance(item, YMap):
                maps.append(item)
            else:
                self._type_error(item, field, "a list of mappings")
        return maps

    def codes(self, node: YNode, field: Field) -> list[Code]:
        out = []
        for item in self.seq_of_maps(node, field):
            found = self.fields(item, CODE_FIELDS, "a code")
            values = {
                name: self.string(v, f)
                for f in CODE_FIELDS
                if (name := f.name) in found
                for _, v in [found[name]]
            }
            code, message = values.get("code"), values.get("message")
            if code and message:
                out.append(
                    Code(
                        code,
                        message,
                        self.pos(found["code"][1].mark),
                        values.get("source") or "",
                        values.get("family") or "",
                        self.pos(found["family"][1].mark) if "family" in found else None,
                    )
                )
        return out

    def answers(self, node: YNode, field: Field) -> list[Answer]:
        out = []
        for item in self.seq_of_maps(node, field):
            found = self.fields(item, ANSWER_FIELDS, "an answer")
            label = self.string(found["label"][1], ANSWER_FIELDS[0]) if "label" in found else None
            target = self.string(found["next"][1], ANSWER_FIELDS[1]) if "next" in found else None
            expert = (
                self.boolean(found["expert"][1], ANSWER_FIELDS[2]) if "expert" in found else False
            )
            if label is not None and target is not None:
                out.append(
                    Answer(
                        label, target, self.pos(item.mark), self.pos(found["next"][1].mark), expert
                    )
                )
        return out

    def node(self, key: YScalar, value: YNode) -> Node | None:
        where = f'node "{key.value}"'
        if not isinstance(value, YMap):
            self.report(
                value.mark,
                f"{where} must be a mapping of keys (ask/do/resolved/escalate and their fields)",
                WRONG_TYPE,
            )
            return None
        kinds = [KIND_KEYS[k.value] for k, _ in value.items if k.value in KIND_KEYS]
        if len(kinds) != 1:
            if kinds:
                message = (
                    f"{where} mixes kinds ({', '.join(k.value for k in kinds)}); "
                    "a node is exactly one of ask, do, resolved, escalate"
                )
            else:
                message = (
                    f"{where} has no kind: give it one of ask (question), "
                    "do (step), resolved (resolution) or escalate (escalation)"
                )
            self.report(value.mark, message, NODE_KIND)
            self.fields(value, (), where, extra_allowed=ALL_NODE_KEYS)
            return None
        kind = kinds[0]
        allowed = NODE_COMMON_FIELDS + KIND_FIELDS[kind]
        found = self.fields(value, allowed, f"{where} ({kind.value})")
        spec = {f.name: f for f in allowed}
        text_field = KIND_FIELDS[kind][0]
        node = Node(id=key.value, kind=kind, text="", pos=self.pos(key.mark))
        for name, (_, v) in found.items():
            f = spec[name]
            if name == text_field.name:
                node.text = self.string(v, f) or ""
            elif name == "title":
                node.title = self.string(v, f) or ""
            elif name == "basic":
                node.basic = self.boolean(v, f)
            elif name == "support":
                node.support = self.string(v, f) or ""
            elif name == "codes":
                node.codes = self.codes(v, f)
            elif name == "answers":
                node.answers = self.answers(v, f)
            elif name == "next":
                node.next = self.string(v, f) or ""
                node.next_pos = self.pos(v.mark)
            elif name == "contact":
                node.contact = self.string(v, f) or ""
                node.contact_pos = self.pos(v.mark)
            elif name == "include":
                node.include = self.strings(v, f)
        return node

    def nodes(self, value: YNode, field: Field) -> dict[str, Node]:
        if not isinstance(value, YMap):
            self._type_error(value, field, "a mapping of node id to node")
            return {}
        for dup in value.duplicates:
            self.report(
                dup.mark,
                f'duplicate node id "{dup.value}"; each node needs its own id',
                DUPLICATE_NODE,
            )
        out: dict[str, Node] = {}
        for key, item in value.items:
            if not re.match(ID_PATTERN, key.value):
                self.report(
                    key.mark,
                    f'node id "{key.value}" must be lower-case letters, digits and hyphens',
                    INVALID_ID,
                )
            before = len(self.problems)
            node = self.node(key, item)
            if len(self.problems) > before:
                self.broken_nodes.add(key.value)
            if node is not None and key.value not in out:
                out[key.value] = node
        return out


def parse_tree(root: YMap, path: str) -> tuple[Tree | None, list[Problem]]:
    """Build a Tree from a parsed file; the tree is None when required parts are unusable."""
    reader = FieldReader(path)
    found = reader.fields(root, TREE_FIELDS, "the tree")
    spec = {f.name: f for f in TREE_FIELDS}
    values: dict[str, object] = {}
    for name, (_, v) in found.items():
        f = spec[name]
        if f.type in (FieldType.STRING, FieldType.TEXT, FieldType.ID, FieldType.TARGET):
            values[name] = reader.string(v, f)
        elif f.type is FieldType.DATE:
            values[name] = reader.day(v, f)
        elif f.type is FieldType.STRINGS:
            values[name] = reader.strings(v, f)
        elif f.type is FieldType.CODES:
            values[name] = reader.codes(v, f)
        elif f.type is FieldType.NODES:
            values[name] = reader.nodes(v, f)

    def mark_of(name: str) -> Pos | None:
        return reader.pos(found[name][1].mark) if name in found else None

    required = ("id", "start", "nodes")
    if any(not values.get(name) for name in required):
        return None, reader.problems
    tree = Tree(
        id=str(values["id"]),
        title=str(values.get("title") or values["id"]),
        system=str(values.get("system") or "Other"),
        summary=str(values.get("summary") or ""),
        start=str(values["start"]),
        nodes=values["nodes"],  # type: ignore[arg-type]
        broken_nodes=frozenset(reader.broken_nodes),
        path=path,
        pos=reader.pos(root.mark),
        symptoms=values.get("symptoms") or [],  # type: ignore[arg-type]
        codes=values.get("codes") or [],  # type: ignore[arg-type]
        owner=str(values.get("owner") or ""),
        reviewed=values.get("reviewed"),  # type: ignore[arg-type]
        reviewed_pos=mark_of("reviewed"),
        start_pos=mark_of("start"),
        id_pos=mark_of("id"),
        system_pos=mark_of("system"),
    )
    return tree, reader.problems
