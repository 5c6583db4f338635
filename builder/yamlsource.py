"""Read a YAML file into located, untyped nodes, refusing hostile input cleanly.

Every scalar stays a string: the tree format decides types, not YAML 1.1 implicit
typing. The file is read from the parser's event stream with an explicit stack, so
deep nesting cannot exhaust the Python stack, and anchors/aliases are refused
outright, so an alias bomb costs nothing.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builder.problems import Level, Rule

FILE_TOO_LARGE = Rule(
    "file-too-large",
    Level.ERROR,
    "the file is larger than the size cap (2 MiB unless --max-bytes says otherwise)",
)
BINARY_FILE = Rule(
    "binary-file",
    Level.ERROR,
    "the file holds binary data, not text",
)
INVALID_UTF8 = Rule(
    "invalid-utf8",
    Level.ERROR,
    "the file is not valid UTF-8",
)
EMPTY_FILE = Rule(
    "empty-file",
    Level.ERROR,
    "the file is empty",
)
UNREADABLE = Rule(
    "unreadable",
    Level.ERROR,
    "the file cannot be read at all",
)
MULTIPLE_DOCUMENTS = Rule(
    "multiple-documents",
    Level.ERROR,
    "the file holds more than one YAML document",
)
YAML_ALIAS = Rule(
    "yaml-alias",
    Level.ERROR,
    "YAML anchors and aliases are refused (they can multiply a small file into gigabytes)",
)
TOO_DEEP = Rule(
    "too-deep",
    Level.ERROR,
    "the YAML nests deeper than any tree needs",
)
YAML_SYNTAX = Rule(
    "yaml-syntax",
    Level.ERROR,
    "the file is not valid YAML",
)
NOT_A_MAPPING = Rule(
    "not-a-mapping",
    Level.ERROR,
    "the top of the file is not a mapping of keys",
)
TAB_INDENT = Rule(
    "tab-indent",
    Level.ERROR,
    "a tab is used for indentation; YAML needs spaces",
)
OUTSIDE_LINK = Rule(
    "outside-link",
    Level.ERROR,
    "a symlink in the knowledge base leads outside it",
)
RULES = (
    FILE_TOO_LARGE,
    BINARY_FILE,
    INVALID_UTF8,
    EMPTY_FILE,
    UNREADABLE,
    MULTIPLE_DOCUMENTS,
    YAML_ALIAS,
    TOO_DEEP,
    YAML_SYNTAX,
    NOT_A_MAPPING,
    TAB_INDENT,
    OUTSIDE_LINK,
)

try:  # libyaml is much faster; the pure-Python loader gives the same events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a file."""

    line: int
    col: int


@dataclass(slots=True)
class YScalar:
    value: str
    mark: Mark
    plain: bool  # unquoted, so YAML would have typed it


@dataclass(slots=True)
class YSeq:
    items: list[YNode]
    mark: Mark


@dataclass(slots=True)
class YMap:
    items: list[tuple[YScalar, YNode]]
    mark: Mark
    duplicates: list[YScalar] = field(default_factory=list)


YNode = YScalar | YSeq | YMap


class SourceError(Exception):
    """A file that cannot be read as a YAML mapping, with where and why."""

    def __init__(self, message: str, rule: Rule, mark: Mark = Mark(1, 1)) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.mark = mark


def _mark(m: Any) -> Mark:
    if m is None:
        return Mark(1, 1)
    return Mark(m.line + 1, m.column + 1)


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a tree file as UTF-8 text, refusing huge, binary, undecodable or empty files.

    Only regular files are read (a FIFO would block, /dev/zero never end), and never more
    than max_bytes + 1 bytes, whatever size the file claims (/proc files claim 0).
    """
    try:
        _require_regular_file(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
        try:
            info = os.fstat(fd)
            _require_regular_file(info.st_mode)  # it may have been swapped since the stat
            if info.st_size > max_bytes:
                raise SourceError(
                    f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit for a tree",
                    FILE_TOO_LARGE,
                )
            with open(fd, "rb", closefd=False) as f:
                data = f.read(max_bytes + 1)
        finally:
            os.close(fd)
    except OSError as e:
        raise SourceError(f"cannot read file: {e.strerror or e}", UNREADABLE) from None
    if len(data) > max_bytes:
        raise SourceError(f"file is over the {max_bytes:,}-byte limit for a tree", FILE_TOO_LARGE)
    if b"\x00" in data:
        raise SourceError(
            "binary file (contains NUL bytes); a tree is UTF-8 text",
            BINARY_FILE,
            _offset_mark(data, data.index(b"\x00")),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SourceError(
            f"invalid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8",
            INVALID_UTF8,
            _offset_mark(data, e.start),
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise SourceError("file is empty; a tree needs at least id, title and nodes", EMPTY_FILE)
    return text


# Opening a FIFO must not wait for a writer; on Windows, bytes must not be translated.
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _require_regular_file(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise SourceError(f"cannot read {kind}; a tree is a regular file", UNREADABLE)


def _offset_mark(data: bytes, offset: int) -> Mark:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return Mark(line, len(data[start:offset].decode("utf-8", "replace")) + 1)


def parse_yaml(text: str) -> YMap:
    """Parse YAML text into located nodes; the top level must be a mapping."""
    stack: list[YMap | YSeq] = []
    pending_key: list[YScalar | None] = []
    seen_keys: list[set[str]] = []
    root: YNode | None = None
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise SourceError(
                        "more than one YAML document; a file holds one tree",
                        MULTIPLE_DOCUMENTS,
                        _mark(event.start_mark),
                    )
                continue
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise SourceError(
                    "YAML anchors and aliases (& and *) are not allowed in trees; "
                    "write the value out",
                    YAML_ALIAS,
                    _mark(event.start_mark),
                )
            node: YNode | None = None
            if isinstance(event, yaml.ScalarEvent):
                node = YScalar(
                    event.value,
                    _mark(event.start_mark),
                    plain=event.style is None or event.style == "",
                )
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise SourceError(
                        f"nesting deeper than {MAX_DEPTH} levels",
                        TOO_DEEP,
                        _mark(event.start_mark),
                    )
                new: YMap | YSeq = (
                    YMap([], _mark(event.start_mark))
                    if isinstance(event, yaml.MappingStartEvent)
                    else YSeq([], _mark(event.start_mark))
                )
                _attach(stack, pending_key, seen_keys, new)
                stack.append(new)
                pending_key.append(None)
                seen_keys.append(set())
                if root is None:
                    root = new
                continue
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                pending_key.pop()
                seen_keys.pop()
                continue
            if node is not None:
                if not stack:
                    root = node
                else:
                    _attach(stack, pending_key, seen_keys, node)
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text) from None
    except yaml.reader.ReaderError as e:  # its text spans lines; keep the problem on one
        at = text.find(chr(e.character))
        where = _offset_mark(text.encode(), len(text[:at].encode())) if at >= 0 else Mark(1, 1)
        raise SourceError(
            f"control character U+{e.character:04X} is not allowed in a tree; remove it",
            YAML_SYNTAX,
            where,
        ) from None
    except yaml.YAMLError as e:
        raise SourceError(f"YAML error: {e}", YAML_SYNTAX) from None
    if root is None:
        raise SourceError("file is empty; a tree needs at least id, title and nodes", EMPTY_FILE)
    if not isinstance(root, YMap):
        kind = "a list" if isinstance(root, YSeq) else "a single value"
        raise SourceError(
            f"the top level is {kind}; a tree file must be a mapping "
            "(id: ..., title: ..., nodes: ...)",
            NOT_A_MAPPING,
            root.mark,
        )
    return root


def _attach(
    stack: list[YMap | YSeq],
    pending_key: list[YScalar | None],
    seen_keys: list[set[str]],
    node: YNode,
) -> None:
    if not stack:
        return
    parent = stack[-1]
    if isinstance(parent, YSeq):
        parent.items.append(node)
        return
    key = pending_key[-1]
    if key is None:
        if not isinstance(node, YScalar):
            raise SourceError("a mapping key must be a plain value", YAML_SYNTAX, node.mark)
        if node.value in seen_keys[-1]:
            parent.duplicates.append(node)
        seen_keys[-1].add(node.value)
        pending_key[-1] = node
    else:
        parent.items.append((key, node))
        pending_key[-1] = None


def _syntax_error(e: yaml.MarkedYAMLError, text: str) -> SourceError:
    mark = e.problem_mark or e.context_mark
    problem = e.problem or "syntax error"
    # libyaml often says only "found character that cannot start any token": look at it.
    if "tab" in problem or _char_at(text, mark) == "\t":
        return SourceError(
            "tab character used for indentation; indent with spaces", TAB_INDENT, _mark(mark)
        )
    if "maximum nesting depth" in problem:  # libyaml's own limit, met first in flow style
        return SourceError(f"nesting deeper than {MAX_DEPTH} levels", TOO_DEEP, _mark(mark))
    context = f" {e.context}" if e.context else ""
    return SourceError(
        f"YAML syntax error:{context} {problem}".replace("  ", " "), YAML_SYNTAX, _mark(mark)
    )


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    return line[mark.column : mark.column + 1]


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> YMap:
    """Read and parse one tree file into located nodes."""
    return parse_yaml(read_text(path, max_bytes))
