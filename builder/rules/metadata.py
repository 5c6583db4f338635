"""The tree's own details: its id matches its file, and it was reviewed recently."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from builder.model import Tree
from builder.problems import Level, Problem, Rule, error, warning
from builder.rules import CheckContext

ID_MISMATCH = Rule(
    "id-mismatch",
    Level.ERROR,
    "the tree's id does not match its file name",
)
STALE_REVIEW = Rule(
    "stale-review",
    Level.WARNING,
    "not reviewed within --max-review-age days (default 365), or reviewed in the future",
)
RULES = (
    ID_MISMATCH,
    STALE_REVIEW,
)


def check_id_matches_file(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    stem = PurePath(tree.path).stem
    if tree.id != stem and tree.id_pos is not None:
        yield error(
            tree.id_pos,
            f'id "{tree.id}" does not match the file name "{stem}"; '
            f"rename the file to {tree.id}.yaml or set id: {stem}",
            ID_MISMATCH,
        )


def check_review_age(tree: Tree, ctx: CheckContext) -> Iterator[Problem]:
    if tree.reviewed is None or tree.reviewed_pos is None:
        return
    age = (ctx.today - tree.reviewed).days
    if age > ctx.max_review_age_days:
        yield warning(
            tree.reviewed_pos,
            f"last reviewed {tree.reviewed.isoformat()}, "
            f"{age} days ago (limit {ctx.max_review_age_days}); review the tree "
            "and update the date",
            STALE_REVIEW,
        )
    elif age < 0:
        yield warning(
            tree.reviewed_pos,
            f"review date {tree.reviewed.isoformat()} is in the future",
            STALE_REVIEW,
        )
