"""Outage notices: `notices.yaml` at the top of the knowledge base, read and checked.

    notices:
      - message: PACS is down for everyone. Do not reboot; a fix is expected at 14:00.
        systems: [PACS viewer]          # optional: systems, trees and codes it concerns
        trees: [pacs-images-not-loading]
        codes: ["0xA702"]
        from: 2026-12-03T08:00+01:00   # ISO date and time; without an offset: server time
        until: 2026-12-03T14:00+01:00
        reference: INC0012345           # optional: the incident number

A notice that names no system, tree or code concerns every page. Problems are reported like
the trees' (`path:line:col: error: message [rule]`), all at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from builder.codes import normalise_code
from builder.model import Pos, Tree
from builder.parse import DUPLICATE_KEY, MISSING_KEY, UNKNOWN_KEY, WRONG_TYPE
from builder.problems import Level, Problem, Rule, closest, error, warning
from builder.yamlsource import UNREADABLE, SourceError, YMap, YNode, YScalar, YSeq, load_file

BAD_DATE = Rule(
    "bad-date",
    Level.ERROR,
    "a notice's from/until is not an ISO date and time",
)
MESSAGE_TOO_LONG = Rule(
    "message-too-long",
    Level.ERROR,
    "a notice's message is longer than the cap",
)
UNTIL_BEFORE_FROM = Rule(
    "until-before-from",
    Level.ERROR,
    "a notice ends before it starts",
)
UNKNOWN_TREE = Rule(
    "unknown-tree",
    Level.ERROR,
    'a notice names a tree the knowledge base does not have (with "did you mean")',
)
UNKNOWN_SYSTEM = Rule(
    "unknown-system",
    Level.ERROR,
    'a notice names a system no tree belongs to (with "did you mean")',
)
UNCLAIMED_CODE = Rule(
    "unclaimed-code",
    Level.WARNING,
    "a notice names a code no tree claims (it shows on the home page only)",
)
RULES = (
    BAD_DATE,
    MESSAGE_TOO_LONG,
    UNTIL_BEFORE_FROM,
    UNKNOWN_TREE,
    UNKNOWN_SYSTEM,
    UNCLAIMED_CODE,
)

NOTICES_FILE = "notices.yaml"
MAX_NOTICES_BYTES = 256 * 1024
MAX_MESSAGE = 1000

_REQUIRED = ("message", "from", "until")
_LISTS = ("systems", "trees", "codes")
_KEYS = (*_REQUIRED, *_LISTS, "reference")


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice, its times in UTC."""

    message: str
    starts: datetime
    until: datetime
    systems: tuple[str, ...] = ()
    trees: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    reference: str = ""

    def current(self, now: datetime) -> bool:
        return self.starts <= now < self.until

    def to_json(self) -> dict[str, object]:
        """The notice as the pages read it (code keys computed here, as for the trees)."""
        return {
            "message": self.message,
            "systems": list(self.systems),
            "trees": list(self.trees),
            "codes": list(self.codes),
            "code_keys": sorted({normalise_code(c) for c in self.codes} - {""}),
            "from": self.starts.isoformat(),
            "until": self.until.isoformat(),
            "reference": self.reference,
        }


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.meant: set[str] = set()  # required keys a misspelt key stands for

    def report(self, node: YNode | YScalar, message: str, rule: Rule) -> None:
        self.problems.append(error(Pos(self.path, node.mark.line, node.mark.col), message, rule))

    def keys(self, ymap: YMap, allowed: tuple[str, ...], where: str) -> dict[str, YNode]:
        """The allowed keys found; a misspelt one is reported once, with its did-you-mean."""
        found: dict[str, YNode] = {}
        self.meant = set()
        for dup in ymap.duplicates:
            self.report(dup, f'duplicate key "{dup.value}" in {where}', DUPLICATE_KEY)
        for key, value in ymap.items:
            if key.value in allowed:
                found.setdefault(key.value, value)
            else:
                guess = closest(key.value, allowed)
                hint = f' (did you mean "{guess}"?)' if guess else ""
                self.report(key, f'unknown key "{key.value}" in {where}{hint}', UNKNOWN_KEY)
                self.meant.update([guess] if guess else [])
        return found

    def text(self, node: YNode, name: str) -> str | None:
        if not isinstance(node, YScalar) or not node.value.strip():
            self.report(node, f'"{name}" must be a non-empty text', WRONG_TYPE)
            return None
        return node.value.strip()

    def texts(self, node: YNode, name: str) -> list[tuple[str, YScalar]]:
        if not isinstance(node, YSeq):
            self.report(
                node, f'"{name}" must be a list, like [{name[:-1]}-1, {name[:-1]}-2]', WRONG_TYPE
            )
            return []
        found = []
        for item in node.items:
            if isinstance(item, YScalar) and item.value.strip():
                found.append((item.value.strip(), item))
            else:
                self.report(item, f'each entry of "{name}" must be a non-empty text', WRONG_TYPE)
        return found

    def when(self, node: YNode, name: str) -> datetime | None:
        text = self.text(node, name)
        if text is None:
            return None
        try:
            # Without an offset, the time is the server's local time (what on-call staff mean).
            return datetime.fromisoformat(text).astimezone(UTC)
        except (ValueError, OverflowError):
            self.report(
                node,
                f'"{name}" must be a date and time like 2026-12-03T14:00+01:00, not "{text}"',
                BAD_DATE,
            )
            return None


def _notice(reader: _Reader, ymap: YMap, number: int) -> tuple[Notice | None, dict[str, YNode]]:
    where = f"notice {number}"
    fields = reader.keys(ymap, _KEYS, where)
    for name in _REQUIRED:
        if name not in fields and name not in reader.meant:
            reader.report(ymap, f'missing required key "{name}" in {where}', MISSING_KEY)
    message = reader.text(fields["message"], "message") if "message" in fields else None
    if message is not None and len(message) > MAX_MESSAGE:
        reader.report(
            fields["message"], f"message longer than {MAX_MESSAGE} characters", MESSAGE_TOO_LONG
        )
    starts = reader.when(fields["from"], "from") if "from" in fields else None
    until = reader.when(fields["until"], "until") if "until" in fields else None
    if starts is not None and until is not None and until <= starts:
        reader.report(fields["until"], '"until" must be later than "from"', UNTIL_BEFORE_FROM)
    lists = {name: reader.texts(fields[name], name) for name in _LISTS if name in fields}
    reference = reader.text(fields["reference"], "reference") if "reference" in fields else ""
    if message is None or starts is None or until is None or until <= starts:
        return None, fields

    def values(name: str) -> tuple[str, ...]:
        return tuple(v for v, _ in lists.get(name, []))

    notice = Notice(
        message,
        starts,
        until,
        values("systems"),
        values("trees"),
        values("codes"),
        reference or "",
    )
    return notice, fields


def _check_against_trees(reader: _Reader, fields: dict[str, YNode], trees: list[Tree]) -> None:
    ids = {t.id for t in trees}
    systems = {t.system for t in trees}
    claimed = {normalise_code(c.code) for t in trees for c, _ in t.all_codes()}
    for name, known, rule in (
        ("trees", ids, UNKNOWN_TREE),
        ("systems", systems, UNKNOWN_SYSTEM),
    ):
        if name not in fields or not isinstance(fields[name], YSeq):
            continue
        for value, item in _scalars(fields[name]):
            if value not in known:
                guess = closest(value, known)
                hint = f' (did you mean "{guess}"?)' if guess else ""
                reader.report(item, f'no {name[:-1]} "{value}" in the knowledge base{hint}', rule)
    if "codes" in fields:
        for value, item in _scalars(fields["codes"]):
            if normalise_code(value) not in claimed:
                reader.problems.append(
                    warning(
                        Pos(reader.path, item.mark.line, item.mark.col),
                        f'no tree claims code "{value}": the notice shows on the home page only',
                        UNCLAIMED_CODE,
                    )
                )


def _scalars(node: YNode) -> list[tuple[str, YScalar]]:
    if not isinstance(node, YSeq):
        return []
    return [(i.value.strip(), i) for i in node.items if isinstance(i, YScalar) and i.value.strip()]


def load_notices(
    path: Path, shown: str, trees: list[Tree] | None = None
) -> tuple[list[Notice], list[Problem]]:
    """Every well-formed notice in the file and every problem; none of either if it is absent.

    With `trees`, the systems, trees and codes named are checked against them too.
    """
    if not path.is_file():
        return [], []
    reader = _Reader(shown)
    try:
        root = load_file(path, MAX_NOTICES_BYTES)
    except SourceError as e:
        return [], [error(Pos(shown, e.mark.line, e.mark.col), e.message, e.rule)]
    except (RecursionError, MemoryError, ValueError) as e:
        return [], [error(Pos(shown, 1, 1), f"cannot read file: {type(e).__name__}", UNREADABLE)]
    top = reader.keys(root, ("notices",), "the notices file")
    notices: list[Notice] = []
    if "notices" not in top:
        reader.report(root, 'missing required key "notices" (a list of notices)', MISSING_KEY)
    elif not isinstance(top["notices"], YSeq):
        reader.report(top["notices"], '"notices" must be a list ([] for none)', WRONG_TYPE)
    else:
        for number, item in enumerate(top["notices"].items, 1):
            if not isinstance(item, YMap):
                reader.report(item, f"notice {number} must be a mapping (message: ...)", WRONG_TYPE)
                continue
            notice, fields = _notice(reader, item, number)
            if trees is not None:
                _check_against_trees(reader, fields, trees)
            if notice is not None:
                notices.append(notice)
    return notices, sorted(reader.problems)


def check_notice_files(
    paths: Iterable[Path], trees: list[Tree], display_path: Callable[[Path], str]
) -> list[Problem]:
    """The problems of the notices file at the top of each knowledge-base folder checked."""
    problems: list[Problem] = []
    for folder in paths:
        candidate = folder / NOTICES_FILE
        if folder.is_dir() and candidate.is_file():
            problems.extend(load_notices(candidate, display_path(candidate), trees)[1])
    return problems


def upcoming(notices: Iterable[Notice], now: datetime) -> list[Notice]:
    """Notices that have not expired yet (current or still to come)."""
    return [n for n in notices if n.until > now]


def notices_js(notices: Iterable[Notice], now: datetime) -> str:
    """The static copy for hosts without the API: notices not expired at build time."""
    data = [n.to_json() for n in upcoming(notices, now)]
    text = json.dumps(data, ensure_ascii=True).replace("</", "<\\/")
    return f"window.fastpathNotices = {text};\n"
