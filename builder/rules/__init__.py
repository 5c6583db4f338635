"""The checks run on every tree: one module per rule, each a generator of problems."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from builder.model import Tree
from builder.problems import Problem


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a rule may know beyond its own tree."""

    tree_ids: frozenset[str]
    today: date
    max_review_age_days: int = 365


TreeRule = Callable[[Tree, CheckContext], Iterator[Problem]]
