"""Search results as a plain-text table for support staff in a terminal."""

from __future__ import annotations

from search.ranking import SearchHit, SearchResults

MAX_CELL = 40
HEADINGS = ("CODE", "FAMILY", "SYSTEM", "TREE", "STEP", "LINK")


def _cell(text: str, limit: int = MAX_CELL) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _row(hit: SearchHit, link: str) -> tuple[str, ...]:
    return (
        _cell(hit.matched_code or "-"),
        _cell(hit.family_name or "-", 24),
        _cell(hit.system, 24),
        _cell(hit.tree),
        _cell(hit.step),
        link,
    )


def results_table(results: SearchResults, links: list[str]) -> str:
    """Aligned columns: code, family, system, tree, step and link (links are never cut).

    When several steps claim the code exactly, a first line says so: the caller chooses.
    """
    if not results.hits:
        return f"No results for {results.query!r}."
    rows = [HEADINGS, *(_row(hit, link) for hit, link in zip(results.hits, links, strict=True))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADINGS) - 1)]
    lines = []
    if results.ambiguous:
        count = sum(hit.exact for hit in results.hits)
        lines.append(
            f"{count} steps claim {results.query!r} (the same code in different families or "
            "systems): choose the one that matches what the user sees."
        )
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)
