"""The report as one self-contained HTML page: tables and CSS bar charts, no script, no library.

Every value from the database is escaped; the page loads nothing from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from search.feedback.report import Report

_STYLE = """
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
.bar{display:flex;height:1.1rem;min-width:10rem;background:#eee;border-radius:2px}
.bar span{display:block;height:100%}
.r{background:#2e7d32}.e{background:#f9a825}.l{background:#c62828}.d{background:#5c6bc0}
.legend span{display:inline-block;width:.9rem;height:.9rem;margin:0 .3rem 0 1rem;
 vertical-align:-2px}
form{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.9rem}
input,button{font:inherit;padding:.3rem .5rem}
.muted{color:#555}
.summary{font-size:1.15rem}
"""


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{escape(empty)}</p>'
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headings)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def _td(value: object) -> str:
    if isinstance(value, int | float):
        return f'<td class="n">{escape(str(value))}</td>'
    return f"<td>{escape(str(value))}</td>"


def _bar(parts: Sequence[tuple[str, float]], label: str) -> str:
    spans = "".join(
        f'<span class="{cls}" style="width:{max(0.0, min(100.0, pct)):.1f}%"></span>'
        for cls, pct in parts
    )
    return f'<td><div class="bar" role="img" aria-label="{escape(label)}">{spans}</div></td>'


def _summary(report: Report) -> str:
    visits = sum(s.visits for s in report.trees)
    if not visits:
        return "No visits recorded yet."

    def share(count: int) -> str:
        return f"<strong>{round(100 * count / visits)}%</strong>"

    trees = len({s.tree for s in report.trees})
    return (
        f"<strong>{visits}</strong> visits of {trees} trees: "
        f"{share(sum(s.resolved for s in report.trees))} resolved, "
        f"{share(sum(s.escalated for s in report.trees))} escalated, "
        f"{share(sum(s.left for s in report.trees))} left without an outcome."
    )


def report_html(report: Report, token: str, since: str, tree: str) -> str:
    """The whole page; `token`, `since` and `tree` fill the filter form."""
    tree_rows = [
        [
            f"<td>{escape(s.title)}<br><small class=muted>{escape(s.tree)}</small></td>",
            _td(s.version[:8]),
            _td(s.visits),
            _bar(
                [("r", s.resolved_pct), ("e", s.escalated_pct), ("l", s.left_pct)],
                f"resolved {s.resolved_pct}%, escalated {s.escalated_pct}%, "
                f"left without an outcome {s.left_pct}%",
            ),
            _td(f"{s.resolved_pct}%"),
            _td(f"{s.escalated_pct}%"),
            _td(f"{s.left_pct}%"),
            _td(f"{s.fixed_yes} / {s.fixed_no}"),
            _td(s.skipped_ahead),
        ]
        for s in report.trees
    ]
    drop_rows = [
        [
            _td(d.tree),
            _td(d.version[:8]),
            _td(d.step),
            _td(d.reached),
            _td(d.ended),
            _bar([("d", d.ended_pct)], f"{d.ended_pct}% of the visits that reached it ended here"),
            _td(f"{d.ended_pct}%"),
        ]
        for d in report.drop_offs
    ]
    flag_rows = [
        [
            _td(f.tree),
            _td(f.step),
            _td(f.owner or "-"),
            _td(f.count),
            "<td>" + "".join(f"<p>{escape(c)}</p>" for c in f.comments) + "</td>",
        ]
        for f in report.flags
    ]
    top = max([s.count for s in report.no_result_searches] or [1])
    nothing_rows = [
        [_td(s.query), _td(s.count), _bar([("l", 100 * s.count / top)], f"{s.count} searches")]
        for s in report.no_result_searches
    ]
    code_rows = [[_td(s.query), _td(s.count)] for s in report.unclaimed_codes]
    opened = round(100 * report.searches_opened / report.searches, 1) if report.searches else 0
    scope = report.scope
    legend = (
        '<p class="legend muted"><span class="r"></span>resolved<span class="e"></span>'
        'escalated<span class="l"></span>left without an outcome</p>'
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Fastpath report</title><style>{_STYLE}</style></head>
<body><main>
<h1>Fastpath report{escape(scope)}</h1>
<form method="get" action="report">
<input type="hidden" name="token" value="{escape(token)}">
<label>Since (7d, 24h or 2026-11-01)<input name="since" value="{escape(since)}"></label>
<label>Tree id<input name="tree" value="{escape(tree)}"></label>
<button type="submit">Show</button>
</form>
<p class="summary">{_summary(report)}</p>
<h2>Trees</h2>{legend}
{
        _table(
            (
                "Tree",
                "Version",
                "Visits",
                "Outcomes",
                "Resolved",
                "Escalated",
                "Left",
                "Fixed it: yes / no",
                "Skipped ahead",
            ),
            tree_rows,
            "No visits recorded.",
        )
    }
<h2>Where visits end without an outcome</h2>
<p class="muted">Of the visits that reached the step, how many ended there.</p>
{
        _table(
            ("Tree", "Version", "Step", "Reached", "Ended here", "", "Share"),
            drop_rows,
            "No visit ended without an outcome.",
        )
    }
<h2>Steps flagged as wrong or out of date</h2>
{_table(("Tree", "Step", "Owner", "Flags", "Comments"), flag_rows, "No step was flagged.")}
<h2>Searches</h2>
<p>{report.searches} searches; a result was opened in {opened}%.</p>
<h3>Top searches with no result</h3>
{_table(("Query", "Count", ""), nothing_rows, "Every search found something.")}
<h3>Codes people typed that no tree claims</h3>
{_table(("Code", "Count"), code_rows, "None.")}
</main></body></html>
"""
