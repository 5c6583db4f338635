"""The checks run on the trees: one module per group of rules, each check a generator.

`builder.rules.registry` lists every rule and check; add a new check there.
"""

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
    # The files being checked when the rest of the knowledge base is only context:
    # problems across trees are reported on their side. Empty: every file is checked.
    focus: frozenset[str] = frozenset()


TreeRule = Callable[[Tree, CheckContext], Iterator[Problem]]
"""A check of one tree."""
KnowledgeBaseRule = Callable[[list[Tree], CheckContext], Iterator[Problem]]
"""A check across all trees of the knowledge base."""
