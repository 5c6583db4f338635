"""The command-line options of feedback, shared by `fastpath serve` and `fastpath report`.

Declared here, with no heavy imports, so the commands stay quick to start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

DEFAULT_EVENTS_DB = Path(".fastpath") / "events.sqlite3"
DEFAULT_TREES_DIR = Path("decision_trees")
REPORT_TOKEN_ENV = "FASTPATH_REPORT_TOKEN"

F = TypeVar("F", bound=Callable[..., Any])

events_db_option = click.option(
    "--events-db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_EVENTS_DB,
    show_default=True,
    help="SQLite file of the events the pages send.",
)
trees_dir_option = click.option(
    "--trees",
    "trees_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_TREES_DIR,
    show_default=True,
    help="Knowledge base folder (tree titles and owners; notices.yaml at its top).",
)


def feedback_options(command: F) -> F:
    """Add the options of recording, notices and the report page to `fastpath serve`."""
    for option in reversed(
        (
            events_db_option,
            click.option(
                "--no-events",
                "record",
                is_flag=True,
                flag_value=False,
                default=True,
                help="Record nothing: pages send no events.",
            ),
            click.option(
                "--report-token",
                envvar=REPORT_TOKEN_ENV,
                default=None,
                metavar="TOKEN",
                help=f"Token that opens /report (or set {REPORT_TOKEN_ENV}); none: no report page.",
            ),
            click.option(
                "--events-rate",
                type=click.FloatRange(0, 100_000),
                default=20,
                show_default=True,
                help="Event requests a second from one address (0: no limit).",
            ),
            trees_dir_option,
        )
    ):
        command = option(command)
    return command
