"""The one way a command fails: a message for the user and an exit code."""

from __future__ import annotations

import click


class CommandFailed(click.ClickException):
    """A command could not do its job; `message` says why (on stderr), `exit_code` is 1.

    Problems found by a check are printed before it is raised, so it carries the summary.
    """

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)
