"""The `fastpath` MkDocs plugin: a thin adapter from checked trees to generated pages."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from builder.check import CheckOptions, check_paths
from builder.codetable import code_table_js
from builder.model import Tree
from builder.notices import NOTICES_FILE, load_notices, notices_js
from builder.pages import (
    CODES_PAGE,
    PREVIEW_PAGE,
    SiteContext,
    codes_page,
    insert_body,
    plain_title,
    preview_page,
    system_index_path,
    system_page,
    systems,
    tree_body,
    tree_page,
)
from builder.plugin_config import FastpathConfig
from builder.preview_trees import load_preview
from builder.problems import Problem
from builder.urls import relative_url, tree_page_path

log = logging.getLogger("mkdocs.plugins.fastpath")

ASSET_DIR = "assets/fastpath"
# feedback.js comes before the scripts whose events it listens to; notices.js after home.js,
# whose code normaliser it uses.
SCRIPTS = ("vendor/mermaid.min.js", "feedback.js", "fastpath.js", "home.js", "notices.js")
STYLES = ("fastpath.css", "feedback.css")
LICENSES = ("vendor/mermaid.LICENSE", "vendor/iframe-worker.LICENSE")
# The theme's offline plugin would load this search-worker shim from a CDN; ship it instead.
OFFLINE_SHIM = "vendor/iframe-worker-shim.js"
HEAD_SCRIPT = "claim-query.js"
SEARCH_BOX_MARKER = "data-fp-search"
PREVIEW_ENV = "FASTPATH_PREVIEW"  # set by `fastpath preview`


class FastpathPlugin(BasePlugin[FastpathConfig]):
    """Checks the trees, then adds their pages, the system and code indexes, and the assets."""

    def __init__(self) -> None:
        self.trees: list[Tree] = []
        self.linked: list[Tree] = []  # preview only: trees the previewed one links to
        self.preview_problems: list[Problem] = []
        self.page_trees: dict[str, Tree] = {}  # generated page -> the tree it shows
        self.site = SiteContext({})
        self.on_trees: Callable[[list[Tree]], None] | None = None  # see site_build
        self.root = Path.cwd()

    @event_priority(100)  # before the theme's offline plugin picks its CDN shim
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.config.preview = self.config.preview or os.environ.get(PREVIEW_ENV, "")
        if self.config.preview:
            self._load_preview()
        else:
            self.trees = self._checked_trees()
            if self.on_trees is not None:
                self.on_trees(self.trees)
        for name in SCRIPTS:
            config.extra_javascript.append(f"{ASSET_DIR}/{name}")
        for name in STYLES:
            config.extra_css.append(f"{ASSET_DIR}/{name}")
        if self._offline(config):
            self._prepare_offline(config)
        config.nav = None if self.config.preview else self._nav(config.nav)
        return config

    @staticmethod
    def _offline(config: MkDocsConfig) -> bool:
        offline = config.plugins.get("material/offline") or config.plugins.get("offline")
        return bool(offline and offline.config.get("enabled", True))

    @staticmethod
    def _prepare_offline(config: MkDocsConfig) -> None:
        """A copy read from disk: ship the search shim, and no instant navigation
        (it fetches sitemap.xml, which pages opened from disk cannot)."""
        polyfills = config.extra.setdefault("polyfills", [])
        polyfills.insert(0, f"{ASSET_DIR}/{OFFLINE_SHIM}")
        features = config.theme.get("features") or []
        config.theme["features"] = [f for f in features if f != "navigation.instant"]

    def _options(self) -> CheckOptions:
        return CheckOptions(max_review_age_days=self.config.max_review_age, today=date.today())

    def _load_preview(self) -> None:
        tree_file = Path(self.config.preview)
        if not tree_file.is_file():
            raise PluginError(f"fastpath: no tree file at {tree_file}")
        tree, self.linked, self.preview_problems = load_preview(
            tree_file, self.root / self.config.trees_dir, self._options()
        )
        self.trees = [tree] if tree is not None else []
        for problem in self.preview_problems:
            log.warning(problem.format_text())

    def _checked_trees(self) -> list[Tree]:
        trees_dir = self.root / self.config.trees_dir
        if not trees_dir.is_dir():
            raise PluginError(f"fastpath: trees folder not found: {trees_dir}")
        result = check_paths([trees_dir], self._options())
        for problem in result.warnings:
            log.warning(problem.format_text())
        if result.errors:
            lines = "\n".join(p.format_text() for p in result.errors)
            raise PluginError(
                f"fastpath: {len(result.errors)} error(s) in the decision "
                f"trees; nothing was built:\n{lines}"
            )
        return result.trees

    def _nav(self, nav: list[Any] | None) -> list[Any] | None:
        sections: list[Any] = []
        for system, trees in systems(self.trees).items():
            entries: list[Any] = [system_index_path(system)]
            if len(trees) <= self.config.nav_trees_per_system:
                entries += [{plain_title(t.title): tree_page_path(t)} for t in trees]
            sections.append({plain_title(system): entries})
        if nav is None:
            return [{"Home": "index.md"}, *sections, {"Error codes": CODES_PAGE}]
        position = max(0, min(self.config.nav_position, len(nav)))
        return [*nav[:position], *sections, *nav[position:]]

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        directory_urls = config.use_directory_urls
        self.site = SiteContext({t.id: t for t in [*self.linked, *self.trees]}, directory_urls)
        if self.config.preview:
            tree = self.trees[0] if self.trees else None
            content = preview_page(tree, self.preview_problems)
            files.append(File.generated(config, PREVIEW_PAGE, content=content))
            if tree is not None:
                self.page_trees[PREVIEW_PAGE] = tree
        for tree in self.trees:
            page = File.generated(config, tree_page_path(tree), content=tree_page(tree))
            page.edit_uri = self._edit_uri(tree)
            files.append(page)
            self.page_trees[page.src_uri] = tree
        for system, trees in systems(self.trees).items():
            files.append(
                File.generated(
                    config,
                    system_index_path(system),
                    content=system_page(system, trees, directory_urls),
                )
            )
        files.append(
            File.generated(config, CODES_PAGE, content=codes_page(self.trees, directory_urls))
        )
        files.append(
            File.generated(
                config, f"{ASSET_DIR}/codes.js", content=code_table_js(self.trees, directory_urls)
            )
        )
        files.append(
            File.generated(config, f"{ASSET_DIR}/notices-data.js", content=self._notices())
        )
        assets = resources.files("builder") / "assets"
        for name in (*SCRIPTS, *STYLES, *LICENSES, HEAD_SCRIPT, OFFLINE_SHIM):
            files.append(
                File.generated(config, f"{ASSET_DIR}/{name}", content=(assets / name).read_bytes())
            )
        return files

    def _notices(self) -> str:
        """The notices not expired at build time, for hosts without the API (checked with
        the trees: a broken file has already stopped the build)."""
        path = self.root / self.config.trees_dir / NOTICES_FILE
        return notices_js(load_notices(path, str(path))[0], datetime.now(UTC))

    def _edit_uri(self, tree: Tree) -> str | None:
        """The tree's YAML relative to the docs folder's edit root (which is docs/)."""
        try:
            return "../" + Path(tree.path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Tree pages get their compiled tree; the page with the error-code box, a head script
        that runs before the theme's."""
        if not self.config.enabled:
            return None
        tree = self.page_trees.get(page.file.src_uri)
        if tree is not None:
            # The tree's HTML is built and sanitised by Fastpath; it skips MkDocs' Markdown
            # pass, which would only re-parse it (most of the cost of a big knowledge base).
            return insert_body(output, tree_body(tree, self.site))
        if SEARCH_BOX_MARKER in output:
            src = relative_url(page.url, f"{ASSET_DIR}/{HEAD_SCRIPT}")
            return output.replace("</head>", f'<script src="{src}"></script></head>', 1)
        return None
