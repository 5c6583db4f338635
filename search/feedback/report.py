"""The report: what the events say, as plain data read from the database.

Counts are per visit (a random id per browser tab, see events.py): a visit of a tree is any
visit with an event of that tree and version. It is *resolved* or *escalated* when it reached
such a step, and *left without an outcome* when it reached neither. A step's drop-off counts
the visits without an outcome whose last step was that one, against the visits that reached
that step at all, so a step on a branch few people take is measured against those few.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from builder.codes import family_keys, normalise_code
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
        return key in self.claimed_keys or any(k in self.claimed_keys for k in family_keys(key))


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
    if len(text) > 1 and text[:-1].isdigit() and text[-1] in "dh":
        amount = int(text[:-1])
        return now - (timedelta(days=amount) if text[-1] == "d" else timedelta(hours=amount))
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC)


class _Filter:
    """The WHERE clause shared by every query: a time and, optionally, one tree."""

    def __init__(self, since: datetime | None, tree: str | None) -> None:
        self.clauses = ["received >= ?"]
        self.params: list[Any] = [int(since.timestamp()) if since else 0]
        if tree:
            self.clauses.append("tree = ?")
            self.params.append(tree)

    def where(self, *extra: str) -> str:
        return "WHERE " + " AND ".join([*self.clauses, *extra])


def _tree_stats(conn: sqlite3.Connection, f: _Filter, catalog: Catalog) -> list[TreeStats]:
    rows = conn.execute(
        f"""
        WITH visit AS (
            SELECT tree, version, visit,
                   MAX(kind = 'resolved') AS resolved,
                   MAX(kind = 'escalated') AS escalated,
                   MAX(kind = 'fixed_it' AND fixed = 1) AS yes,
                   MAX(kind = 'fixed_it' AND fixed = 0) AS no,
                   MAX(kind = 'skip_ahead') AS skipped
            FROM events {f.where("tree != ''")}
            GROUP BY tree, version, visit
        )
        SELECT tree, version, COUNT(*), SUM(resolved), SUM(escalated),
               SUM(resolved = 0 AND escalated = 0), SUM(yes), SUM(no), SUM(skipped)
        FROM visit GROUP BY tree, version ORDER BY tree, version
        """,
        f.params,
    ).fetchall()
    return [
        TreeStats(tree, catalog.title(tree), catalog.owner(tree), version, *counts)
        for tree, version, *counts in rows
    ]


def _drop_offs(conn: sqlite3.Connection, f: _Filter, catalog: Catalog) -> list[DropOff]:
    reached = conn.execute(
        f"""SELECT tree, version, node, COUNT(DISTINCT visit) FROM events
            {f.where("kind = 'step'")} GROUP BY tree, version, node""",
        f.params,
    ).fetchall()
    # SQLite takes the bare column `node` from the row holding MAX(id): the last step seen.
    ended = conn.execute(
        f"""
        WITH last AS (
            SELECT tree, version, visit, node, MAX(id) FROM events
            {f.where("kind IN ('step', 'left')")} GROUP BY tree, version, visit
        ), outcome AS (
            SELECT DISTINCT tree, version, visit FROM events
            {f.where("kind IN ('resolved', 'escalated')")}
        )
        SELECT last.tree, last.version, last.node, COUNT(*) FROM last
        LEFT JOIN outcome USING (tree, version, visit)
        WHERE outcome.visit IS NULL
        GROUP BY last.tree, last.version, last.node
        """,
        f.params + f.params,
    ).fetchall()
    ended_at = {(t, v, n): count for t, v, n, count in ended}
    drops = [
        DropOff(t, v, n, catalog.step(t, n), count, ended_at.get((t, v, n), 0))
        for t, v, n, count in reached
        if ended_at.get((t, v, n), 0)
    ]
    drops.sort(key=lambda d: (-d.ended_pct, -d.ended, d.tree, d.node))
    return drops[:TOP_DROP_OFFS]


def _flags(conn: sqlite3.Connection, f: _Filter, catalog: Catalog) -> list[Flag]:
    grouped: dict[tuple[str, str], list[str]] = {}
    where = f.where("kind = 'flag'")
    for tree, node, comment in conn.execute(
        f"SELECT tree, node, comment FROM events {where} ORDER BY id", f.params
    ):
        grouped.setdefault((tree, node), []).append(comment)
    flags = [
        Flag(
            tree,
            node,
            catalog.step(tree, node),
            catalog.owner(tree),
            len(comments),
            [c for c in comments if c],
        )
        for (tree, node), comments in grouped.items()
    ]
    flags.sort(key=lambda fl: (-fl.count, fl.tree, fl.node))
    return flags


def _searches(
    conn: sqlite3.Connection, f: _Filter, catalog: Catalog
) -> tuple[int, int, list[SearchCount], list[SearchCount]]:
    where = f.where("kind = 'search'")
    total, opened = conn.execute(
        f"SELECT COUNT(*), COALESCE(SUM(opened), 0) FROM events {where}", f.params
    ).fetchone()
    where_nothing = f.where("kind = 'search'", "results = 0")
    nothing = conn.execute(
        f"""SELECT lower(query), COUNT(*) FROM events {where_nothing}
            GROUP BY lower(query) ORDER BY 2 DESC, 1 LIMIT {TOP_SEARCHES}""",
        f.params,
    ).fetchall()
    unclaimed: dict[str, int] = {}
    for query, count in conn.execute(
        f"SELECT upper(query), COUNT(*) FROM events {where} GROUP BY upper(query)", f.params
    ):
        if catalog.claims(query) is False:
            unclaimed[query] = unclaimed.get(query, 0) + count
    codes = sorted(unclaimed.items(), key=lambda item: (-item[1], item[0]))[:TOP_SEARCHES]
    return (
        total,
        opened,
        [SearchCount(q, n) for q, n in nothing],
        [SearchCount(q, n) for q, n in codes],
    )


def build_report(
    db: Path, catalog: Catalog, since: datetime | None = None, tree: str | None = None
) -> Report:
    """The report over the events in `db` (StoreError if it cannot be read)."""
    if not db.is_file():
        raise StoreError(f"no events database at {db}: `fastpath serve` creates it")
    conn = connect(db)
    try:
        f = _Filter(since, tree)
        # One read transaction: every figure comes from the same moment.
        conn.execute("BEGIN")
        stats = _tree_stats(conn, f, catalog)
        drops = _drop_offs(conn, f, catalog)
        flags = _flags(conn, f, catalog)
        searches = _searches(conn, _Filter(since, None), catalog)
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{db}: cannot read the events: {e}") from None
    finally:
        conn.close()
    return Report(since.isoformat() if since else None, tree, stats, drops, flags, *searches)


def load_catalog(trees_dir: Path) -> Catalog:
    """The catalog of the trees under `trees_dir` (what loads; problems are `fastpath check`'s)."""
    from builder.check import check_paths

    if not trees_dir.is_dir():
        return Catalog()
    return catalog_of(check_paths([trees_dir]).trees)


def report_from_files(
    events_db: Path, trees_dir: Path, since: str | None = None, tree: str | None = None
) -> Report:
    """The report `fastpath report` prints: ValueError for a bad `since`, StoreError for the db."""
    moment = parse_since(since) if since else None
    return build_report(events_db, load_catalog(trees_dir), moment, tree)
