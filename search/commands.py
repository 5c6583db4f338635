"""The `fastpath index`, `fastpath search` and `fastpath serve` commands.

Heavy modules (the engine, the web stack) are imported inside the commands so that
`fastpath --help` and the other commands stay quick.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import click

from search.feedback.options import events_db_option, feedback_options, trees_dir_option
from search.generations import DEFAULT_INDEX_DIR

DEFAULT_SITE = Path("site")


class IndexFailed(click.ClickException):
    """The build failed; the problems are already printed, so only the summary follows."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(self.message, err=True)


def register(main: click.Group) -> None:
    """Add the search commands to the `fastpath` command group."""
    main.add_command(index_command)
    main.add_command(search_command)
    main.add_command(serve_command)
    main.add_command(report_command)


@click.command("index")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    help="Index folder; each build goes in a new subfolder, then becomes current.",
)
def index_command(paths: tuple[Path, ...], out_dir: Path) -> None:
    """Check tree files (default: decision_trees/) and build the search index from them.

    The new index becomes current in one atomic step; a running `fastpath serve` picks it
    up by itself. If any tree has errors, nothing changes.
    """
    from builder.check import check_paths
    from builder.cli import tree_paths
    from search.index import IndexBuildError, build_index

    paths = tree_paths(paths)
    result = check_paths(paths)
    for problem in result.problems:
        click.echo(problem.format_text(), err=True)
    if result.errors:
        raise IndexFailed(
            f"{len(result.errors)} error(s) in {result.files} file(s): index not "
            "built; the previous index is still current"
        )
    try:
        build = build_index(result.trees, out_dir)
    except IndexBuildError as e:
        raise IndexFailed(str(e)) from None
    click.echo(
        f"indexed {len(result.trees)} tree(s) from {result.files} file(s) into "
        f"{build} (now current)",
        err=True,
    )


@click.command("search")
@click.argument("query")
@click.option(
    "--limit",
    type=click.IntRange(1, 50),
    default=10,
    show_default=True,
    help="Most results to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, as the search API does.")
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    help="Index folder.",
)
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
    from search.live import LiveIndex, NoIndexError
    from search.query import QueryError
    from search.service import search_index
    from search.table import results_table

    logging.basicConfig(format="fastpath: %(message)s")
    live = LiveIndex(index_dir, check_interval=float("inf"))
    try:
        results = search_index(live, query, limit, system)
    except QueryError as e:
        raise click.BadParameter(str(e), param_hint="QUERY") from None
    except NoIndexError as e:
        raise click.ClickException(str(e)) from None
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


@click.command("serve")
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
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_INDEX_DIR,
    show_default=True,
    help="Index folder.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Requests handled at once.",
)
@click.option(
    "--cache-size",
    type=click.IntRange(0, 1_000_000),
    default=4096,
    show_default=True,
    help="Recent answers kept per index build (0: none).",
)
@feedback_options
def serve_command(
    host: str,
    port: int,
    site_dir: Path,
    index_dir: Path,
    threads: int,
    cache_size: int,
    **feedback_settings: Any,
) -> None:
    """Serve the built site and the search API (/api/search, /api/health) from one process.

    Rebuilt sites and indexes are picked up without a restart. Pages report anonymous events
    to /api/events (off with --no-events); /report shows them to holders of the report token.
    """
    from search.app import create_app
    from search.feedback.serving import start_feedback
    from search.feedback.store import StoreError
    from search.server import create_server

    if not (site_dir / "index.html").is_file():
        raise click.ClickException(f"no built site in {site_dir}/: run `fastpath build` first")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        feedback = start_feedback(**feedback_settings)
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    app = create_app(site_dir, index_dir, cache_size=cache_size, feedback=feedback.views)
    if app.live.build_name is None:
        click.echo(
            f"warning: no search index in {index_dir} yet; /api/search answers 503 "
            "until `fastpath build` makes one",
            err=True,
        )
    try:
        server = create_server(app.wsgi, host, port, threads)
    except OSError as e:
        app.close()
        feedback.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    shown_port = getattr(server, "effective_port", port)
    click.echo(
        f"Serving {site_dir}/ and the search API on http://{host}:{shown_port}/ (Ctrl+C to stop)",
        err=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.close()
        feedback.close()


@click.command("report")
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
        raise click.ClickException(str(e)) from None
    data = json.dumps(report.to_json(), ensure_ascii=False, indent=2)
    click.echo(data if as_json else report_text(report), nl=as_json)
