"""The report as plain-text tables for a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from search.feedback.report import Report

MAX_CELL = 48


def _cell(value: object) -> str:
    flat = " ".join(str(value).split())
    return flat if len(flat) <= MAX_CELL else flat[: MAX_CELL - 1] + "…"


def text_table(headings: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Aligned columns; numbers line up on the right."""
    cells = [list(headings), *([_cell(v) for v in row] for row in rows)]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headings))]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]
    lines = []
    for row in cells:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(row, widths, numeric, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def report_text(report: Report) -> str:
    """Every section of the report, each a heading and a table (or a line saying none)."""
    parts = [f"Fastpath report{report.scope}", ""]

    def section(title: str, headings: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        parts.extend([title, text_table(headings, rows) if rows else "  (none)", ""])

    section(
        "Trees (per version; % of visits)",
        (
            "TREE",
            "VERSION",
            "VISITS",
            "RESOLVED%",
            "ESCALATED%",
            "LEFT%",
            "FIXED",
            "NOT FIXED",
            "SKIPPED AHEAD",
        ),
        [
            (
                s.tree,
                s.version[:8],
                s.visits,
                s.resolved_pct,
                s.escalated_pct,
                s.left_pct,
                s.fixed_yes,
                s.fixed_no,
                s.skipped_ahead,
            )
            for s in report.trees
        ],
    )
    section(
        "Where visits end without an outcome (of the visits that reached the step)",
        ("TREE", "VERSION", "STEP", "REACHED", "ENDED", "ENDED%"),
        [
            (d.tree, d.version[:8], d.step, d.reached, d.ended, d.ended_pct)
            for d in report.drop_offs
        ],
    )
    section(
        "Steps flagged as wrong or out of date",
        ("TREE", "STEP", "OWNER", "FLAGS", "COMMENTS"),
        [
            (f.tree, f.step, f.owner or "-", f.count, " | ".join(f.comments) or "-")
            for f in report.flags
        ],
    )
    opened_pct = round(100 * report.searches_opened / report.searches, 1) if report.searches else 0
    parts.append(f"Searches: {report.searches}, a result opened in {opened_pct}%")
    parts.append("")
    section(
        "Top searches with no result",
        ("QUERY", "COUNT"),
        [(s.query, s.count) for s in report.no_result_searches],
    )
    section(
        "Codes people typed that no tree claims",
        ("CODE", "COUNT"),
        [(s.query, s.count) for s in report.unclaimed_codes],
    )
    return "\n".join(parts).rstrip() + "\n"
