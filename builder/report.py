"""Problems as a person reads them: a few of each kind per file, and a count of the rest.

A file with one key repeated 50,000 times would otherwise print 100,000 lines. The first
problems of each rule in each file are shown; then one line says how many more there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from builder.problems import Problem

MAX_PER_FILE_AND_RULE = 10


def report_lines(
    problems: Iterable[Problem],
    fmt: Callable[[Problem], str] = Problem.format_text,
    limit: int = MAX_PER_FILE_AND_RULE,
) -> Iterator[str]:
    """The problems (sorted by place) formatted, at most `limit` per file and rule.

    After the last problem of a file, a line for each rule that had more:
    `path: ... and 49,990 more duplicate-key problems in this file`.
    """
    shown: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    path: str | None = None
    for problem in problems:
        if problem.pos.path != path:
            if path is not None:
                yield from _left_out_lines(path, left_out)
            path = problem.pos.path
            shown.clear()
            left_out.clear()
        if shown[problem.rule] < limit:
            shown[problem.rule] += 1
            yield fmt(problem)
        else:
            left_out[problem.rule] += 1
    if path is not None:
        yield from _left_out_lines(path, left_out)


def _left_out_lines(path: str, left_out: Counter[str]) -> Iterator[str]:
    for rule, count in sorted(left_out.items()):
        noun = "problem" if count == 1 else "problems"
        yield f"{path}: ... and {count:,} more {rule} {noun} in this file"
