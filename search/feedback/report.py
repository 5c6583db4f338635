"""The report: what the events say, as plain data read from the database.

Counts are per visit (a random id per browser tab, see events.py): a visit of a tree is any
visit with an event of that tree and version. It is *resolved* or *escalated* when it reached
such a step, and *left without an outcome* when it reached neither. A step's drop-off counts
the visits without an outcome whose last step was that one, against the visits that reached
that step at all, so a step on a branch few people take is measured against those few.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from builder.codes import normalise_code, range_keys
from builder.model import Tree
from search.feedback.store import StoreError, connect

TOP_SEARCHES = 20
TOP_DROP_OFFS = 20


@dataclass(frozen=True, slots=True)
class TreeInfo:
    """What the report shows about a tree beyond its id."""

    title: str
    owner: str
    steps: dict[str, str]  # node id -> label


@dataclass(frozen=True, slots=True)
class Catalog:
    """The knowledge base as the report needs it: titles, owners, step labels, claimed codes."""

    trees: dict[str, TreeInfo] = field(default_factory=dict)
    claimed_keys: frozenset[str] = frozenset()

    def title(self, tree: str) -> str:
        info = self.trees.get(tree)
        return info.title if info else tree

    def owner(self, tree: str) -> str:
        info = self.trees.get(tree)
        return info.owner if info else ""

    def step(self, tree: str, node: str) -> str:
        info = self.trees.get(tree)
        return info.steps.get(node, node) if info else node

    def claims(self, query: str) -> bool | None:
        """Whether some tree claims the code typed; None when the text is not a code."""
        key = normalise_code(query)
        # Codes have digits as typed (0xBEEF does, its key BEEF does not); words have none.
        if not key or not any(ch.isdigit() for ch in query):
            return None
        return key in self.claimed_keys or any(k in self.claimed_keys for k in range_keys(key))


def catalog_of(trees: Iterable[Tree]) -> Catalog:
    """The catalog of loaded trees."""
    infos: dict[str, TreeInfo] = {}
    keys: set[str] = set()
    for tree in trees:
        infos[tree.id] = TreeInfo(
            tree.title, tree.owner, {n.id: n.label for n in tree.nodes.values()}
        )
        keys.update(normalise_code(code.code) for code, _ in tree.all_codes())
    return Catalog(infos, frozenset(keys - {""}))


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass(frozen=True, slots=True)
class TreeStats:
    tree: str
    title: str
    owner: str
    version: str
    visits: int
    resolved: int
    escalated: int
    left: int
    fixed_yes: int
    fixed_no: int
    skipped_ahead: int

    @property
    def resolved_pct(self) -> float:
        return _percent(self.resolved, self.visits)

    @property
    def escalated_pct(self) -> float:
        return _percent(self.escalated, self.visits)

    @property
    def left_pct(self) -> float:
        return _percent(self.left, self.visits)


@dataclass(frozen=True, slots=True)
class DropOff:
    tree: str
    version: str
    node: str
    step: str
    reached: int
    ended: int

    @property
    def ended_pct(self) -> float:
        return _percent(self.ended, self.reached)


@dataclass(frozen=True, slots=True)
class Flag:
    tree: str
    node: str
    step: str
    owner: str
    count: int
    comments: list[str]


@dataclass(frozen=True, slots=True)
class SearchCount:
    query: str
    count: int


@dataclass(frozen=True, slots=True)
class Report:
    since: str | None
    tree: str | None
    trees: list[TreeStats]
    drop_offs: list[DropOff]
    flags: list[Flag]
    searches: int
    searches_opened: int
    no_result_searches: list[SearchCount]
    unclaimed_codes: list[SearchCount]

    @property
    def scope(self) -> str:
        """What the report covers, for people: ` since 2026-11-26 15:12 UTC, tree x`."""
        scope = ""
        if self.since:
            moment = datetime.fromisoformat(self.since).astimezone(UTC)
            scope += f" since {moment:%Y-%m-%d %H:%M} UTC"
        return scope + (f", tree {self.tree}" if self.tree else "")

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (percentages included)."""
        data = asdict(self)
        for stats, row in zip(self.trees, data["trees"], strict=True):
            row.update(
                resolved_pct=stats.resolved_pct,
                escalated_pct=stats.escalated_pct,
                left_pct=stats.left_pct,
            )
        for drop, row in zip(self.drop_offs, data["drop_offs"], strict=True):
            row["ended_pct"] = drop.ended_pct
        return data


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`7d`, `12h`, a date (`2026-11-01`) or a date and time; ValueError if none of those."""
    now = now or datetime.now(UTC)
    text = text.strip()
    try:
        if len(text) > 1 and text[:-1].isdigit() and text[-1] in "dh":
            amount = int(text[:-1])
            return now - (timedelta(days=amount) if text[-1] == "d" else timedelta(hours=amount))
        moment = datetime.fromisoformat(text).astimezone(UTC)
        moment.timestamp()  # the report filters on it: a year 1 date must fail here
        return moment
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None


class _Visit:
    """What one visit of one tree version did: its outcome, answers and the steps it saw."""

    __slots__ = ("escalated", "fixed_no", "fixed_yes", "last", "reached", "resolved", "skipped")

    def __init__(self) -> None:
        self.resolved = self.escalated = self.fixed_yes = self.fixed_no = self.skipped = False
        self.last = ""
        self.reached: set[str] = set()


class _Tally:
    """The report's figures, gathered in one pass over the events in the order they came.

    One pass in Python over a plain table scan beats GROUP BY queries here: those sort the
    whole table once per figure (about a minute over a million events), this takes seconds.
    """

    def __init__(self, tree: str | None) -> None:
        self.tree = tree
        self.visits: dict[tuple[str, str, str], _Visit] = {}
        self.flags: dict[tuple[str, str], list[str]] = {}
        self.searches = self.opened = 0
        self.nothing: Counter[str] = Counter()
        self.typed: Counter[str] = Counter()

    def add(self, row: tuple[Any, ...]) -> None:
        kind, visit, tree, version, node, fixed, comment, query, results, opened = row
        if kind == "search":
            self.searches += 1
            self.opened += bool(opened)
            self.typed[query.upper()] += 1
            if results == 0:
                self.nothing[query.lower()] += 1
            return
        if self.tree and tree != self.tree:
            return
        key = (tree, version, visit)
        v = self.visits.get(key)
        if v is None:
            v = self.visits[key] = _Visit()
        if kind == "step":
            v.reached.add(node)
            v.last = node
        elif kind == "left":
            v.last = node
        elif kind == "resolved":
            v.resolved = True
        elif kind == "escalated":
            v.escalated = True
        elif kind == "fixed_it":
            v.fixed_yes |= bool(fixed)
            v.fixed_no |= not fixed
        elif kind == "skip_ahead":
            v.skipped = True
        elif kind == "flag":
            self.flags.setdefault((tree, node), []).append(comment)

    def tree_stats(self, catalog: Catalog) -> list[TreeStats]:
        counts: dict[tuple[str, str], list[int]] = {}
        for (tree, version, _), v in self.visits.items():
            c = counts.setdefault((tree, version), [0] * 7)
            outcome = v.resolved or v.escalated
            for i, flag in enumerate(
                (True, v.resolved, v.escalated, not outcome, v.fixed_yes, v.fixed_no, v.skipped)
            ):
                c[i] += flag
        return [
            TreeStats(tree, catalog.title(tree), catalog.owner(tree), version, *c)
            for (tree, version), c in sorted(counts.items())
        ]

    def drop_offs(self, catalog: Catalog) -> list[DropOff]:
        reached: Counter[tuple[str, str, str]] = Counter()
        ended: Counter[tuple[str, str, str]] = Counter()
        for (tree, version, _), v in self.visits.items():
            reached.update((tree, version, node) for node in v.reached)
            if not (v.resolved or v.escalated) and v.last:
                ended[(tree, version, v.last)] += 1
        drops = [
            DropOff(t, ver, n, catalog.step(t, n), max(reached[(t, ver, n)], count), count)
            for (t, ver, n), count in ended.items()
        ]
        # Most endings first (where most people give up), then the highest share.
        drops.sort(key=lambda d: (-d.ended, -d.ended_pct, d.tree, d.node))
        return drops[:TOP_DROP_OFFS]

    def flag_list(self, catalog: Catalog) -> list[Flag]:
        flags = [
            Flag(t, n, catalog.step(t, n), catalog.owner(t), len(cs), [c for c in cs if c])
            for (t, n), cs in self.flags.items()
        ]
        flags.sort(key=lambda fl: (-fl.count, fl.tree, fl.node))
        return flags

    def search_lists(self, catalog: Catalog) -> tuple[list[SearchCount], list[SearchCount]]:
        def top(counts: Iterable[tuple[str, int]]) -> list[SearchCount]:
            ranked = sorted(counts, key=lambda item: (-item[1], item[0]))
            return [SearchCount(q, n) for q, n in ranked[:TOP_SEARCHES]]

        unclaimed = [(q, n) for q, n in self.typed.items() if catalog.claims(q) is False]
        return top(self.nothing.items()), top(unclaimed)


_SCAN = (
    "SELECT kind, visit, tree, version, node, fixed, comment, query, results, opened "
    "FROM events WHERE received >= ? ORDER BY id"
)


def build_report(
    db: Path, catalog: Catalog, since: datetime | None = None, tree: str | None = None
) -> Report:
    """The report over the events in `db` (StoreError if it cannot be read)."""
    if not db.is_file():
        raise StoreError(f"no events database at {db}: `fastpath serve` creates it")
    conn = connect(db)
    tally = _Tally(tree)
    try:
        # One statement, one snapshot: every figure comes from the same moment.
        for row in conn.execute(_SCAN, (int(since.timestamp()) if since else 0,)):
            tally.add(row)
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{db}: cannot read the events: {e}") from None
    finally:
        conn.close()
    nothing, unclaimed = tally.search_lists(catalog)
    return Report(
        since.isoformat() if since else None,
        tree,
        tally.tree_stats(catalog),
        tally.drop_offs(catalog),
        tally.flag_list(catalog),
        tally.searches,
        tally.opened,
        nothing,
        unclaimed,
    )


def load_catalog(trees_dir: Path) -> Catalog:
    """The catalog of the trees under `trees_dir`: only read, not checked (that is
    `fastpath check`'s job, and the rules cost more than the reading)."""
    from builder.check import find_tree_files, load_tree

    if not trees_dir.is_dir():
        return Catalog()
    loaded = (load_tree(path)[0] for path in find_tree_files([trees_dir]))
    return catalog_of(tree for tree in loaded if tree is not None)


def report_from_files(
    events_db: Path, trees_dir: Path, since: str | None = None, tree: str | None = None
) -> Report:
    """The report `fastpath report` prints: ValueError for a bad `since`, StoreError for the db."""
    moment = parse_since(since) if since else None
    return build_report(events_db, load_catalog(trees_dir), moment, tree)
