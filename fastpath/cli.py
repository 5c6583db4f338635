"""The `fastpath` command line: each command parses its options and calls a plain function.

Heavy modules (MkDocs, the search engine, the web stack) are imported inside the commands,
so `fastpath --help` and `fastpath check` stay quick.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import click

from fastpath.errors import CommandFailed
from fastpath.project import DEFAULT_CONFIG, knowledge_base, project_settings, tree_paths
from search.feedback.options import events_db_option, feedback_options, trees_dir_option

DEFAULT_INDEX_DIR = Path(".fastpath/index")
DEFAULT_SITE = Path("site")

_config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_CONFIG,
    show_default=True,
    help="MkDocs configuration (its fastpath plugin options apply).",
)
_index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    help="Index folder.",
)


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
@_config_option
def check(
    paths: tuple[Path, ...],
    strict: bool,
    fmt: str,
    max_review_age: int,
    max_bytes: int | None,
    today: str | None,
    config_file: Path,
) -> None:
    """Check tree files (default: the project's decision_trees/) and print every problem.

    Files of the project's knowledge base are checked against all of it (links to other
    trees, codes claimed elsewhere), and only their own problems are printed.
    """
    from builder.check import CheckOptions, check_paths
    from builder.problems import Problem
    from builder.report import report_lines
    from builder.yamlsource import DEFAULT_MAX_BYTES

    settings = project_settings(config_file)
    options = CheckOptions(
        max_bytes or DEFAULT_MAX_BYTES, max_review_age, _today(today), settings.rule_levels
    )
    result = check_paths(
        tree_paths(paths, settings), options, knowledge_base(paths, settings.trees_dir)
    )
    formatter = Problem.format_github if fmt == "github" else Problem.format_text
    for line in report_lines(result.problems, formatter):
        click.echo(line)
    errors, warnings = len(result.errors), len(result.warnings)
    summary = (
        f"{result.files} file(s), {len(result.trees)} tree(s): "
        f"{errors} error(s), {warnings} warning(s)"
    )
    if errors or (strict and warnings):
        raise CommandFailed(summary)
    click.echo(summary, err=True)


@main.command()
@click.option("--markdown", is_flag=True, help="A Markdown table (as in docs/authoring.md).")
def rules(markdown: bool) -> None:
    """List every rule the check applies: id, level and what it catches."""
    from builder.rules.registry import RULES

    if markdown:
        click.echo("| rule | level | what it means |\n|---|---|---|")
        for rule in RULES.values():
            click.echo(f"| `{rule.id}` | {rule.level.value} | {rule.description} |")
        return
    width = max(len(rule_id) for rule_id in RULES)
    for rule in RULES.values():
        click.echo(f"{rule.id.ljust(width)}  {rule.level.value:<7}  {rule.description}")


@main.command()
def schema() -> None:
    """Print the JSON Schema of the tree format (for yaml-language-server)."""
    from builder.schema import schema_json

    sys.stdout.write(schema_json())


@main.command("build")
@_config_option
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
    default=DEFAULT_INDEX_DIR,
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
    from builder.site_build import quiet_mkdocs_info
    from fastpath.build import BuildFailed, BuildOptions, IndexNotPublished, build_project

    quiet_mkdocs_info(verbose)
    options = BuildOptions(config_file, site_dir, index_dir, strict, offline)
    try:
        build_project(options, lambda line: click.echo(f"fastpath: {line}", err=True))
    except BuildFailed as e:
        raise CommandFailed(f"{e}\nbuild failed; the previous site was left as it was") from None
    except IndexNotPublished as e:
        raise CommandFailed(f"the site was published but the search index was not: {e}") from None


@main.command()
@click.argument("tree_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_config_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
def preview(tree_file: Path, config_file: Path, host: str, port: int) -> None:
    """Serve one tree in the real theme, reloading the browser on every save."""
    from builder.site_build import serve_preview

    click.echo(
        f"fastpath: previewing {tree_file} at http://{host}:{port}/preview/ "
        "(saves reload the page; Ctrl+C stops)",
        err=True,
    )
    serve_preview(tree_file, config_file, host, port)


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    help="Index folder; each build goes in a new subfolder, then becomes current.",
)
@_config_option
def index_command(paths: tuple[Path, ...], out_dir: Path, config_file: Path) -> None:
    """Check tree files (default: decision_trees/) and build the search index from them.

    The new index becomes current in one atomic step; a running `fastpath serve` picks it
    up by itself. If any tree has errors, nothing changes.
    """
    from builder.check import CheckOptions, check_paths
    from builder.report import report_lines
    from search.store.publish import IndexBuildError, build_index

    settings = project_settings(config_file)
    options = CheckOptions(rule_levels=settings.rule_levels)
    result = check_paths(tree_paths(paths, settings), options)
    for line in report_lines(result.problems):
        click.echo(line, err=True)
    if result.errors:
        raise CommandFailed(
            f"{len(result.errors)} error(s) in {result.files} file(s): index not "
            "built; the previous index is still current"
        )
    try:
        build = build_index(result.trees, out_dir, settings.directory_urls)
    except IndexBuildError as e:
        raise CommandFailed(str(e)) from None
    click.echo(
        f"indexed {len(result.trees)} tree(s) from {result.files} file(s) into "
        f"{build} (now current)",
        err=True,
    )


@main.command("search")
@click.argument("query")
@click.option(
    "--limit",
    type=click.IntRange(1, 50),
    default=10,
    show_default=True,
    help="Most results to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, as the search API does.")
@_index_option
@click.option("--system", default=None, help="Only trees of this system (e.g. 'PACS viewer').")
@click.option(
    "--base-url",
    default="",
    metavar="URL",
    help="Site address to put before links, e.g. http://fastpath.example/.",
)
def search_command(
    query: str, limit: int, as_json: bool, index_dir: Path, system: str | None, base_url: str
) -> None:
    """Find the tree and step for an error code or a few words.

    \b
    fastpath search 0xA700
    fastpath search "DCM 0042"
    fastpath search "images black"
    """
    from fastpath.table import results_table
    from search.query import QueryError
    from search.service import search_index
    from search.store.live import LiveIndex, NoIndexError

    logging.basicConfig(format="fastpath: %(message)s")
    live = LiveIndex(index_dir, check_interval=float("inf"))
    try:
        results = search_index(live, query, limit, system)
    except QueryError as e:
        raise click.BadParameter(str(e), param_hint="QUERY") from None
    except NoIndexError as e:
        raise CommandFailed(str(e)) from None
    finally:
        live.close()
    links = [urljoin(base_url, hit.url) if base_url else hit.url for hit in results.hits]
    if as_json:
        data = results.to_json()
        for item, link in zip(data["results"], links, strict=True):
            item["url"] = link
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(results_table(results, links))


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SITE,
    show_default=True,
    help="The built site folder.",
)
@_index_option
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Requests each worker handles at once.",
)
@click.option(
    "--cache-size",
    type=click.IntRange(0, 1_000_000),
    default=4096,
    show_default=True,
    help="Recent answers kept per index build (0: none).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes sharing the port (default: one per core; one on Windows).",
)
@feedback_options
def serve_command(
    host: str,
    port: int,
    site_dir: Path,
    index_dir: Path,
    threads: int,
    cache_size: int,
    workers: int | None,
    **feedback_settings: Any,
) -> None:
    """Serve the built site and the search API (/api/search, /api/health).

    Rebuilt sites and indexes are picked up without a restart. Pages report anonymous events
    to /api/events (off with --no-events); /report shows them to holders of the report token.
    """
    from search.feedback.serving import FeedbackSettings
    from search.web.serve import ServeOptions, ServerFailed, serve
    from search.web.workers import default_workers

    count = workers or default_workers()
    feedback = FeedbackSettings(**feedback_settings)
    options = ServeOptions(host, port, site_dir, index_dir, threads, cache_size, count, feedback)
    try:
        serve(options, lambda line: click.echo(line, err=True))
    except ServerFailed as e:
        raise CommandFailed(str(e)) from None


@main.command("report")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--since", default=None, metavar="WHEN", help="Only events since: 7d, 24h, 2026-11-01."
)
@click.option("--tree", default=None, metavar="TREE-ID", help="Only this tree's visits.")
@events_db_option
@trees_dir_option
def report_command(
    as_json: bool, since: str | None, tree: str | None, events_db: Path, trees_dir: Path
) -> None:
    """What the pages reported: outcomes per tree, drop-offs, flags, searches that failed."""
    from search.feedback.report import report_from_files
    from search.feedback.report_text import report_text
    from search.feedback.store import StoreError

    try:
        report = report_from_files(events_db, trees_dir, since, tree)
    except ValueError:
        raise click.BadParameter(
            "use 7d, 24h or a date like 2026-11-01", param_hint="--since"
        ) from None
    except StoreError as e:
        raise CommandFailed(str(e)) from None
    data = json.dumps(report.to_json(), ensure_ascii=False, indent=2)
    click.echo(data if as_json else report_text(report), nl=as_json)
