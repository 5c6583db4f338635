"""Build the site into a fresh folder and publish it in one step.

A failed build leaves the previous site untouched: MkDocs writes into a sibling
temporary folder, which replaces the site folder only once everything succeeded.
"""

from __future__ import annotations

import gzip
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from builder.model import Tree


class SiteBuildError(Exception):
    """The site could not be built; the message says why (and where, for tree errors)."""


def build_site(
    config_file: Path,
    site_dir: Path | None = None,
    *,
    strict: bool = False,
    overrides: dict[str, Any] | None = None,
    on_trees: Callable[[list[Tree]], None] | None = None,
) -> tuple[Path, list[Tree]]:
    """Build and publish the site; return where it was published and the trees in it.

    `on_trees` is called with the checked trees as soon as they are known, before the pages
    are built (`fastpath build` starts the search index there).
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if not config_file.is_file():
        raise SiteBuildError(f"no MkDocs configuration at {config_file}")
    try:
        config = load_config(str(config_file), strict=strict, **(overrides or {}))
    except MkDocsException as e:
        raise SiteBuildError(f"{config_file}: {e}") from None
    target = Path(site_dir or config.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-building-", dir=target.parent))
    config.site_dir = str(staging)
    plugin = config.plugins.get("fastpath")
    if plugin is not None and on_trees is not None:
        plugin.on_trees = on_trees
    try:
        build(config)
    except (MkDocsException, SystemExit) as e:
        shutil.rmtree(staging, ignore_errors=True)
        message = str(e) if isinstance(e, MkDocsException) else "the site build failed"
        raise SiteBuildError(message) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    precompress(staging)
    _publish(staging, target)
    trees: list[Tree] = list(getattr(plugin, "trees", []))
    return target, trees


PRECOMPRESS_SUFFIXES = (".js", ".css", ".json")
PRECOMPRESS_MIN_BYTES = 10_000


def precompress(site: Path) -> None:
    """Write a .gz beside each large script, style sheet and search index.

    The server sends it to browsers that accept gzip: Mermaid drops from 3.5 MB to about
    1 MB, which matters on a phone. Pages are left alone (many, small, not cached long).
    """
    for path in site.rglob("*"):
        if path.suffix in PRECOMPRESS_SUFFIXES and path.stat().st_size >= PRECOMPRESS_MIN_BYTES:
            with (
                path.open("rb") as src,
                gzip.GzipFile(
                    path.with_name(path.name + ".gz"), "wb", compresslevel=6, mtime=0
                ) as dst,
            ):
                shutil.copyfileobj(src, dst)


def _publish(staging: Path, target: Path) -> None:
    """Swap the new site in: rename old away, rename new in, then delete old."""
    retired = target.with_name(f".{target.name}-old-{os.getpid()}")
    if target.exists():
        os.replace(target, retired)
    os.replace(staging, target)
    shutil.rmtree(retired, ignore_errors=True)


def quiet_mkdocs_info(verbose: bool) -> None:
    """Show MkDocs warnings and errors, and its progress lines only when verbose."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
