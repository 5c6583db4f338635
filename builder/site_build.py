"""Build the site into a fresh folder and publish it in one step.

A failed build leaves the previous site untouched: MkDocs writes into a sibling
temporary folder, which replaces the site folder only once everything succeeded.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.commands.serve import serve
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.utils.yaml import yaml_load

from builder.build_cache import CACHE_DIR, GzipCache
from builder.model import Tree
from builder.plugin import FastpathPlugin


class SiteBuildError(Exception):
    """The site could not be built; the message says why (and where, for tree errors)."""


def load_site_config(
    config_file: Path,
    *,
    strict: bool = False,
    offline: bool = False,
    overrides: dict[str, Any] | None = None,
    cache: bool = True,
) -> MkDocsConfig:
    """The project's MkDocs configuration, with the fastpath plugin's mode set.

    `offline` builds a copy that works opened from disk (the plugin's `offline` option);
    `cache` keeps what a build made for the next (builder.build_cache) next to mkdocs.yml.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if not config_file.is_file():
        raise SiteBuildError(f"no MkDocs configuration at {config_file}")
    try:
        config = load_config(str(config_file), strict=strict, **(overrides or {}))
    except MkDocsException as e:
        raise SiteBuildError(f"{config_file}: {e}") from None
    if offline:
        fastpath_plugin(config).config.offline = True
    if cache:
        fastpath_plugin(config).cache_dir = config_file.resolve().parent / CACHE_DIR
    return config


def fastpath_plugin(config: MkDocsConfig) -> FastpathPlugin:
    """The configuration's fastpath plugin; SiteBuildError if it has none."""
    plugin = config.plugins.get("fastpath")
    if not isinstance(plugin, FastpathPlugin):
        raise SiteBuildError(f"{config.config_file_path}: the fastpath plugin is not configured")
    return plugin


def load_trees(config: MkDocsConfig) -> list[Tree]:
    """The project's checked trees, as its plugin options say (SiteBuildError on errors)."""
    try:
        return fastpath_plugin(config).load_trees(config)
    except MkDocsException as e:
        raise SiteBuildError(str(e)) from None


def build_site(config: MkDocsConfig, site_dir: Path | None = None) -> tuple[Path, list[Tree]]:
    """Build and publish the site; return where it was published and the trees in it."""
    target = Path(site_dir or config.site_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-building-", dir=target.parent))
    config.site_dir = str(staging)
    plugin = fastpath_plugin(config)
    plugin.start_reuse(config, target)  # pages unchanged since the last build are linked
    try:
        build(config)
    except (MkDocsException, SystemExit) as e:
        plugin.finish_reuse(published=False)
        shutil.rmtree(staging, ignore_errors=True)
        message = str(e) if isinstance(e, MkDocsException) else "the site build failed"
        raise SiteBuildError(message) from None
    except BaseException:
        plugin.finish_reuse(published=False)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    gzip_cache = GzipCache(plugin.cache_dir)
    precompress(staging, gzip_cache)
    _publish(staging, target)
    plugin.finish_reuse(published=True)
    gzip_cache.prune()
    return target, list(plugin.trees)


PRECOMPRESS_SUFFIXES = (".js", ".css", ".json")
PRECOMPRESS_MIN_BYTES = 1_000
# Only the big pages (the code index lists every code): compressing thousands of tree pages
# would cost the build more than it saves.
PRECOMPRESS_MIN_PAGE_BYTES = 150_000


def precompress(site: Path, cache: GzipCache | None = None) -> None:
    """Write a .gz beside each large script, style sheet and search index.

    The server sends it to browsers that accept gzip: Mermaid drops from 3.5 MB to about
    1 MB, which matters on a phone. Of the pages only the big ones (many, not cached long).
    """
    cache = cache or GzipCache(None)
    for path in site.rglob("*"):
        if path.suffix in PRECOMPRESS_SUFFIXES:
            minimum = PRECOMPRESS_MIN_BYTES
        elif path.suffix == ".html":
            minimum = PRECOMPRESS_MIN_PAGE_BYTES
        else:
            continue
        if path.stat().st_size >= minimum:
            cache.write(path, path.with_name(path.name + ".gz"))


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


def _plugins_with_preview(config_file: Path, tree_file: Path) -> dict[str, Any]:
    """The project's `plugins` setting, with the fastpath plugin told to preview one tree.

    In MkDocs' mapping form: `mkdocs serve` reloads the configuration on every save and
    consumes the entries of the list form as it reads them.
    """
    with config_file.open("rb") as f:
        raw = yaml_load(f)
    plugins: dict[str, Any] = {}
    for entry in raw.get("plugins") or []:
        if isinstance(entry, dict):
            plugins.update(entry)
        else:
            plugins[str(entry)] = {}
    if isinstance(raw.get("plugins"), dict):
        plugins = dict(raw["plugins"])
    plugins["fastpath"] = {**(plugins.get("fastpath") or {}), "preview": str(tree_file.resolve())}
    return plugins


def serve_preview(tree_file: Path, config_file: Path, host: str, port: int) -> None:
    """Serve one tree in the real theme (the plugin's `preview` option), reloading on save."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    quiet_mkdocs_info(verbose=False)
    serve(
        str(config_file),
        livereload=True,
        watch=[str(tree_file)],
        dev_addr=f"{host}:{port}",
        plugins=_plugins_with_preview(config_file, tree_file),
    )
