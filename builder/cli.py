"""The `fastpath` command line. Heavy modules are imported inside each command."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from builder.model import Tree

DEFAULT_TREES = Path("decision_trees")


def tree_paths(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """The paths given, or decision_trees/ here; a usage error when there is neither."""
    if paths:
        return paths
    if not DEFAULT_TREES.is_dir():
        raise click.UsageError(f"no paths given and no {DEFAULT_TREES}/ folder here")
    return (DEFAULT_TREES,)


class CheckFailed(click.ClickException):
    """Checks found errors: the problems are already printed, so say nothing more."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fastpath")
def main() -> None:
    """Fastpath: guided troubleshooting trees for radiology IT."""


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date like 2026-11-01", param_hint="--today") from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings as well as errors.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    help="text: path:line:col lines; github: CI annotations.",
)
@click.option(
    "--max-review-age",
    type=click.IntRange(min=1),
    default=365,
    show_default=True,
    metavar="DAYS",
    help="Warn about trees not reviewed within this many days.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=None,
    metavar="BYTES",
    help="Largest tree file accepted (default 2 MiB).",
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    default=None,
    help="Date to measure review age from (default: today).",
)
def check(
    paths: tuple[Path, ...],
    strict: bool,
    fmt: str,
    max_review_age: int,
    max_bytes: int | None,
    today: str | None,
) -> None:
    """Check tree files (default: decision_trees/) and print every problem."""
    from builder.check import CheckOptions, check_paths
    from builder.yamlsource import DEFAULT_MAX_BYTES

    paths = tree_paths(paths)
    options = CheckOptions(max_bytes or DEFAULT_MAX_BYTES, max_review_age, _today(today))
    result = check_paths(paths, options)
    for problem in result.problems:
        click.echo(problem.format_github() if fmt == "github" else problem.format_text())
    errors, warnings = len(result.errors), len(result.warnings)
    summary = (
        f"{result.files} file(s), {len(result.trees)} tree(s): "
        f"{errors} error(s), {warnings} warning(s)"
    )
    if errors or (strict and warnings):
        raise CheckFailed(summary)
    click.echo(summary, err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the tree format (for yaml-language-server)."""
    from builder.schema import schema_json

    sys.stdout.write(schema_json())


@main.command("build")
@click.option(
    "-f",
    "--config-file",
    type=click.Path(path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="MkDocs configuration.",
)
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to publish the site (default: site_dir of the configuration).",
)
@click.option(
    "--index-dir",
    type=click.Path(path_type=Path),
    default=Path(".fastpath/index"),
    show_default=True,
    help="Where to publish the search index.",
)
@click.option("--strict", is_flag=True, help="Fail on warnings (stale reviews, broken links).")
@click.option("--offline", is_flag=True, help="Build a copy that works opened from disk (file://).")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs progress.")
def build_command(
    config_file: Path,
    site_dir: Path | None,
    index_dir: Path,
    strict: bool,
    offline: bool,
    verbose: bool,
) -> None:
    """Check the trees, build the site and its search index, publish both atomically."""
    import time

    from builder.site_build import SiteBuildError, build_site, quiet_mkdocs_info
    from search.background import BackgroundIndexBuild
    from search.index import IndexBuildError

    quiet_mkdocs_info(verbose)
    if offline:
        import os

        os.environ["FASTPATH_OFFLINE"] = "true"
        site_dir = site_dir or Path("site-offline")
    started = time.monotonic()
    click.echo("fastpath: checking trees and building the site...", err=True)
    index: list[BackgroundIndexBuild] = []

    def start_index(trees: list[Tree]) -> None:
        if not offline:  # a copy read from disk has no server to query an index
            index.append(BackgroundIndexBuild(trees, index_dir))

    try:
        published, trees = build_site(config_file, site_dir, strict=strict, on_trees=start_index)
    except BaseException as e:
        for pending in index:  # no site, so no new index either
            pending.discard()
        if isinstance(e, SiteBuildError):
            message = f"{e}\nbuild failed; the previous site was left as it was"
            raise click.ClickException(message) from None
        raise
    click.echo(
        f"fastpath: site with {len(trees)} trees published to {published} "
        f"({time.monotonic() - started:.1f} s)",
        err=True,
    )
    for pending in index:
        try:
            location = pending.publish()
        except IndexBuildError as e:
            raise click.ClickException(
                f"the site was published but the search index was not: {e}"
            ) from None
        click.echo(
            f"fastpath: search index published to {location} "
            f"({time.monotonic() - started:.1f} s in all)",
            err=True,
        )


@main.command()
@click.argument("tree_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-f",
    "--config-file",
    type=click.Path(exists=True, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="MkDocs configuration.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
def preview(tree_file: Path, config_file: Path, host: str, port: int) -> None:
    """Serve one tree in the real theme, reloading the browser on every save."""
    import os

    from mkdocs.commands.serve import serve

    from builder.plugin import PREVIEW_ENV
    from builder.site_build import quiet_mkdocs_info

    quiet_mkdocs_info(verbose=False)
    os.environ[PREVIEW_ENV] = str(tree_file.resolve())
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    click.echo(
        f"fastpath: previewing {tree_file} at http://{host}:{port}/preview/ "
        "(saves reload the page; Ctrl+C stops)",
        err=True,
    )
    serve(str(config_file), livereload=True, watch=[str(tree_file)], dev_addr=f"{host}:{port}")


def _add_search_commands() -> None:
    """`fastpath index`, `search` and `serve` live with the search package."""
    from search.commands import register

    register(main)


_add_search_commands()
