"""Build the site into a fresh folder and publish it in one step.

A failed build leaves the previous site untouched: MkDocs writes into a new build folder,
which becomes the site only once everything succeeded (see builder/site_publish.py).
"""

from __future__ import annotations

import logging
import os
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
from builder.oserrors import disk_error
from builder.plugin import FastpathPlugin
from builder.site_publish import StagedSite


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


def tree_sources(config: MkDocsConfig) -> dict[str, str]:
    """Tree id -> the hash of the file bytes (and registries) the loaded tree was read from,
    where the build cache knows it: what a tree's search documents are made from."""
    return fastpath_plugin(config).source_digests()


def prepare_site(
    config: MkDocsConfig, site_dir: Path | None = None
) -> tuple[StagedSite, list[Tree]]:
    """Build the site into a new folder, not yet published; return it and the trees in it.

    SiteBuildError (the staging folder removed) when the build fails, disk faults included.
    """
    # Not resolve(): the site is a symlink to its current build, and must stay the link.
    target = Path(os.path.abspath(site_dir or config.site_dir))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = StagedSite(target)
    except OSError as e:
        raise SiteBuildError(disk_error("create the site build folder", e, target.parent)) from None
    config.site_dir = str(staged.folder)
    plugin = fastpath_plugin(config)
    plugin.start_reuse(config, target)  # pages unchanged since the last build are linked
    try:
        build(config)
        precompress(staged.folder, plugin.gzip_cache)
    except BaseException as e:
        discard_site(staged, config)
        if isinstance(e, OSError):
            raise SiteBuildError(disk_error("write the site", e, staged.folder)) from None
        if isinstance(e, (MkDocsException, SystemExit)):
            message = str(e) if isinstance(e, MkDocsException) else "the site build failed"
            raise SiteBuildError(message) from None
        raise
    return staged, list(plugin.trees)


def publish_site(staged: StagedSite, config: MkDocsConfig) -> None:
    """Make a prepared site the published one, in one atomic switch (SiteBuildError if not);
    then remember its pages for the next build."""
    try:
        staged.publish()
    except OSError as e:
        discard_site(staged, config)
        raise SiteBuildError(disk_error("publish the site", e, staged.target)) from None
    fastpath_plugin(config).finish_reuse(published=True)


def discard_site(staged: StagedSite, config: MkDocsConfig) -> None:
    """Remove a prepared site that is not to be published (its pages are not remembered)."""
    fastpath_plugin(config).finish_reuse(published=False)
    staged.discard()


def build_site(config: MkDocsConfig, site_dir: Path | None = None) -> tuple[Path, list[Tree]]:
    """Build and publish the site; return where it was published and the trees in it."""
    staged, trees = prepare_site(config, site_dir)
    publish_site(staged, config)
    return staged.target, trees


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
