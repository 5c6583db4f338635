"""The `fastpath` MkDocs plugin: a thin adapter from checked trees to generated pages."""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import logging
import re
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from builder.build_cache import (
    ContentCache,
    GzipCache,
    TreeCache,
    code_fingerprint,
    digest,
    kept_from_collector,
)
from builder.check import CheckOptions, check_paths
from builder.claims import claimed_codes
from builder.codetable import TABLE_SCRIPT, code_table, code_table_scripts
from builder.contacts import CONTACTS_FILE, Contacts
from builder.families import FAMILIES_FILE
from builder.model import Tree
from builder.notices import NOTICES_FILE, load_notices, notices_js
from builder.pages import (
    CODES_PAGE,
    PREVIEW_PAGE,
    SiteContext,
    code_rows,
    codes_page_from,
    codes_page_prefixes,
    insert_body,
    linked_tree_ids,
    plain_title,
    preview_page,
    system_index_path,
    system_page,
    systems,
    tree_body,
    tree_page,
)
from builder.plugin_config import FastpathConfig
from builder.plugin_reuse import REUSE_TEMPLATE, PageReuse, skip_markdown
from builder.preview_trees import load_preview
from builder.problems import Problem
from builder.report import report_lines
from builder.rules.registry import RuleSettingError, rule_levels
from builder.ticket import TicketTarget, ticket_target_problems
from builder.urls import relative_url, tree_page_path

log = logging.getLogger("mkdocs.plugins.fastpath")

ASSET_DIR = "assets/fastpath"
# feedback.js comes before the scripts whose events it listens to; notices.js after home.js
# (and codereader.js), whose code reader it uses.
SCRIPTS = (
    "feedback.js",
    "fastpath.js",
    "codereader.js",
    "home.js",
    "notices.js",
    "codes-index.js",
)
STYLES = ("fastpath.css", "feedback.css")
# Loaded by fastpath.js only when the support view draws a chart: the pages a radiologist
# opens carry no diagram library.
ON_DEMAND = ("vendor/mermaid.min.js", "chart.js")
LICENSES = ("vendor/mermaid.LICENSE", "vendor/iframe-worker.LICENSE")
# The theme's offline plugin would load this search-worker shim from a CDN; ship it instead.
OFFLINE_SHIM = "vendor/iframe-worker-shim.js"
HEAD_SCRIPT = "claim-query.js"
# Inlined at the top of every page, before the theme's script asks for its search index.
THEME_SEARCH_SCRIPT = "theme-search.js"
SEARCH_BOX_MARKER = "data-fp-search"
# Files of a knowledge base that shape every page (claims' families, escalation contacts).
KNOWLEDGE_BASE_FILES = (FAMILIES_FILE, CONTACTS_FILE, NOTICES_FILE)


# Set once the process serves a live preview (MkDocs makes new plugin instances for every
# rebuild, so it cannot be the instance's).
_REBUILDS_IN_PROCESS = False


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between builds; one that cannot be written is not kept (a
    cache is never a reason for a build to fail)."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class FastpathPlugin(BasePlugin[FastpathConfig]):
    """Checks the trees, then adds their pages, the system and code indexes, and the assets."""

    def __init__(self) -> None:
        self.trees: list[Tree] = []
        self.linked: list[Tree] = []  # preview only: trees the previewed one links to
        self.preview_problems: list[Problem] = []
        self.page_trees: dict[str, Tree] = {}  # generated page -> the tree it shows
        self.site = SiteContext({})
        self.contacts: Contacts | None = None  # contacts.yaml, shown on escalations
        self.root = Path.cwd()
        self._loaded = False
        self.ticket = TicketTarget()
        # Set by `fastpath build` (builder.site_build): keep parsed trees and pages for the
        # next build in this folder (see builder.build_cache).
        self.cache_dir: Path | None = None
        self._tree_cache: TreeCache | None = None
        self.reuse: PageReuse | None = None
        self.gzip_cache = GzipCache(None)
        self._code_table_head = ""
        self._system_pages: set[str] = set()
        self.content_cache = ContentCache(None)

    @event_priority(100)  # before the theme's offline plugin picks its CDN shim
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.ticket = TicketTarget(self.config.ticket_email.strip(), self.config.ticket_url.strip())
        problems = ticket_target_problems(self.ticket)
        if problems:
            raise PluginError("fastpath: " + "; ".join(problems))
        self.load_trees(config)
        if not config.repo_url:  # no repository, no "edit" pencil pointing nowhere
            config.edit_uri = None
        for name in SCRIPTS:
            config.extra_javascript.append(f"{ASSET_DIR}/{name}")
        for name in STYLES:
            config.extra_css.append(f"{ASSET_DIR}/{name}")
        if self._offline(config):
            self._prepare_offline(config)
        config.nav = None if self.config.preview else self._nav(config.nav)
        return config

    def load_trees(self, config: MkDocsConfig) -> list[Tree]:
        """Load and check the trees (once), as this project's options say; PluginError on
        errors. The build calls it early, to index the trees while the pages are built."""
        if not self._loaded:
            self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
            if self.config.preview:
                self._load_preview()
            else:
                self.trees = self._checked_trees(strict=bool(config.strict))
            self._loaded = True
        return self.trees

    def _offline(self, config: MkDocsConfig) -> bool:
        """Whether this is a copy for reading from disk; `offline: true` turns the theme's
        offline plugin on."""
        offline = config.plugins.get("material/offline") or config.plugins.get("offline")
        if self.config.offline:
            if offline is None:
                raise PluginError(
                    "fastpath: offline: true needs the theme's offline plugin in mkdocs.yml "
                    "(plugins: - offline)"
                )
            offline.config.enabled = True
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
        try:
            levels = rule_levels({str(k): str(v) for k, v in self.config.rules.items()})
        except RuleSettingError as e:
            raise PluginError(f"fastpath: rules: {e}") from None
        return CheckOptions(
            max_review_age_days=self.config.max_review_age,
            today=date.today(),
            rule_levels=levels,
        )

    def _load_preview(self) -> None:
        tree_file = Path(self.config.preview)
        if not tree_file.is_file():
            raise PluginError(f"fastpath: no tree file at {tree_file}")
        preview = load_preview(tree_file, self.root / self.config.trees_dir, self._options())
        self.linked, self.preview_problems = preview.linked, preview.problems
        self.contacts = preview.contacts
        self.trees = [preview.tree] if preview.tree is not None else []
        for line in report_lines(self.preview_problems):
            log.warning(line)

    def _checked_trees(self, strict: bool) -> list[Tree]:
        trees_dir = self.root / self.config.trees_dir
        if not trees_dir.is_dir():
            raise PluginError(f"fastpath: trees folder not found: {trees_dir}")
        with kept_from_collector():  # until the build ends (on_post_build)
            self._tree_cache = TreeCache(self.cache_dir) if self.cache_dir else None
            result = check_paths([trees_dir], self._options(), cache=self._tree_cache)
        if self._tree_cache is not None:
            self._tree_cache.save()
        for line in report_lines(result.warnings):
            log.warning(line)
        # In strict mode warnings fail too (MkDocs counts only those logged while it builds).
        failing = result.problems if strict else result.errors
        if failing:
            lines = "\n".join(report_lines(failing))
            raise PluginError(
                f"fastpath: {len(failing)} problem(s) in the decision "
                f"trees; nothing was built:\n{lines}"
            )
        self.contacts = result.contacts
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
        self.site = SiteContext(
            {t.id: t for t in [*self.linked, *self.trees]},
            directory_urls,
            self.contacts.teams if self.contacts is not None else {},
            self.ticket,
        )
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
        self._generated_files(files, config)
        files.append(
            File.generated(config, f"{ASSET_DIR}/notices-data.js", content=self._notices())
        )
        assets = resources.files("builder") / "assets"
        for name in (*SCRIPTS, *ON_DEMAND, *STYLES, *LICENSES, HEAD_SCRIPT, OFFLINE_SHIM):
            files.append(
                File.generated(config, f"{ASSET_DIR}/{name}", content=(assets / name).read_bytes())
            )
        return files

    def _generated_files(self, files: Files, config: MkDocsConfig) -> None:
        """The system pages, the codes page and the code table; each made again only when
        what it is made from changed since the last build."""
        directory_urls = config.use_directory_urls
        made = self.content_cache
        urls = str(directory_urls)
        self._system_pages = set()
        for system, trees in systems(self.trees).items():
            make = functools.partial(system_page, system, trees, directory_urls)
            sources = [self._source_digest(t) or "" for t in trees]
            content = (
                made.get(make, "system page", system, urls, *sources) if all(sources) else make()
            )
            files.append(File.generated(config, system_index_path(system), content=content))
            self._system_pages.add(system_index_path(system))
        claims = claimed_codes(self.trees, directory_urls)
        rows = code_rows(self.trees, directory_urls, claims)
        prefixes = codes_page_prefixes(self.trees)
        content = made.get(
            lambda: codes_page_from(rows, prefixes, directory_urls),
            CODES_PAGE,
            urls,
            repr(rows),
            prefixes,
        )
        files.append(File.generated(config, CODES_PAGE, content=content))
        table = code_table(self.trees, directory_urls, claims)
        scripts = made.get(
            lambda: code_table_scripts(table), TABLE_SCRIPT, json.dumps(table, sort_keys=True)
        )
        for name, script in scripts.items():
            files.append(File.generated(config, f"{ASSET_DIR}/{name}", content=script))
        self._code_table_head = scripts[TABLE_SCRIPT]

    def source_digests(self) -> dict[str, str]:
        """Tree id -> the hash of what its loaded tree was read from, where it is known."""
        found = {t.id: self._source_digest(t) for t in self.trees}
        return {tree_id: source for tree_id, source in found.items() if source}

    def _source_digest(self, tree: Tree) -> str | None:
        """The hash of the bytes the tree was loaded from (None when it is not known)."""
        return self._tree_cache.source_digest(tree.path) if self._tree_cache else None

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

    @event_priority(-100)  # after the theme's search plugin has seen the page
    def on_page_context(
        self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> Any:
        if self.reuse is not None:
            self.reuse.record_search(page, config)
        return None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.reuse is not None:
            self.reuse.finish(Path(config.site_dir))
        # `mkdocs serve` keeps plugin instances across rebuilds: read the trees afresh.
        self._loaded = False
        if _REBUILDS_IN_PROCESS:
            # What was kept out of the cycle collector for the build (kept_from_collector)
            # is collectable again: a served preview must not keep the cycles of earlier
            # builds for ever. A one-off build leaves it frozen: the collection when Python
            # exits would walk it all (a second at 2,000 trees), for memory freed anyway.
            gc.unfreeze()

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        global _REBUILDS_IN_PROCESS
        _REBUILDS_IN_PROCESS = True  # `mkdocs serve`: every build from now on is a rebuild
        gc.unfreeze()
        return server

    def start_reuse(self, config: MkDocsConfig, published: Path) -> None:
        """Reuse the unchanged pages of the site published at `published` in this build."""
        self.gzip_cache = GzipCache(self.cache_dir)
        self.content_cache = ContentCache(self.cache_dir)
        if self.cache_dir is None or self.config.preview or not self.config.enabled:
            return
        self.reuse = PageReuse(self.cache_dir, published, self._build_key(config))

    def finish_reuse(self, published: bool) -> None:
        """After the build: remember its pages (and compressed assets) if its site was
        published."""
        if published:
            self.gzip_cache.prune()
            self.content_cache.prune()
        if self.reuse is not None:
            if published:
                self.reuse.current.save()
            self.reuse.close()
            self.reuse = None

    def _build_key(self, config: MkDocsConfig) -> str:
        """Everything every page depends on: the code, the configuration, the registries."""
        parts: list[str | bytes] = [code_fingerprint(), str(self.config.offline)]
        if config.config_file_path:
            parts.append(Path(config.config_file_path).read_bytes())
        parts += [str(config.site_url), str(config.use_directory_urls), str(config.theme.dirs)]
        parts += [str(s) for s in (*config.extra_javascript, *config.extra_css)]
        parts += [str(f) for f in config.theme.get("features") or []]
        custom = config.theme.custom_dir
        trees_dir = self.root / self.config.trees_dir
        # The knowledge base's own files (families, contacts, notices), wherever they are.
        registries = [p for n in KNOWLEDGE_BASE_FILES for p in trees_dir.rglob(n)]
        extra_files = [
            *(Path(custom).rglob("*") if custom else ()),
            *trees_dir.glob("*.y*ml"),
            *registries,
        ]
        for path in sorted(extra_files):
            if path.is_file():
                parts += [str(path), path.read_bytes()]
        return digest(*parts)

    def _page_inputs(self, page: Page) -> str | None:
        """What shapes a generated page besides its Markdown; None for pages always built."""
        src = page.file.src_uri
        if src == CODES_PAGE or src in self._system_pages:
            return ""  # made from its Markdown alone
        tree = self.page_trees.get(src)
        if tree is None or src == PREVIEW_PAGE or self._tree_cache is None:
            return None
        source = self._source_digest(tree)
        if source is None:
            return None
        others = [
            [i, self.site.trees[i].title, tree_page_path(self.site.trees[i])]
            for i in sorted(linked_tree_ids(tree))
            if i in self.site.trees
        ]
        return digest(source, tree.path, str(others), str(self.site.directory_urls))

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> None:
        if self.reuse is not None:
            self.reuse.set_nav(nav)

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        if self.reuse is None or env.loader is None or self.cache_dir is None:
            return None
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({REUSE_TEMPLATE: ""}), env.loader])
        # The theme's templates compiled once, not in every build (keyed by their source).
        folder = self.cache_dir / "templates"
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = _TemplateCache(str(folder))
        return env

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """A reused page needs no Markdown; a tree page's digest is HTML already."""
        if not self.config.enabled or page.file.src_uri == PREVIEW_PAGE:
            return None
        if self.reuse is not None and self.reuse.consider(page, self._page_inputs(page)):
            skip_markdown(page, "")
            return ""
        if page.file.src_uri in self.page_trees:
            skip_markdown(page, markdown)
            return ""
        return None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """Tree pages get their compiled tree; the page with the error-code box, a head script
        that runs before the theme's."""
        if not self.config.enabled:
            return None
        if self.reuse is not None and self.reuse.place(page):
            return ""
        head = self._theme_search_script()
        tree = self.page_trees.get(page.file.src_uri)
        if tree is not None:
            # The tree's HTML is built and sanitised by Fastpath; it skips MkDocs' Markdown
            # pass, which would only re-parse it (most of the cost of a big knowledge base).
            output = insert_body(output, tree_body(tree, self.site))
        elif SEARCH_BOX_MARKER in output:
            src = relative_url(page.url, f"{ASSET_DIR}/{HEAD_SCRIPT}")
            # The code table's head (prefixes, shard count, claimed ranges: bytes, not
            # kilobytes) comes with the page: a lookup without the API then waits for one
            # shard only, not for codes.js first.
            head += f'<script src="{src}"></script><script>{self._code_table_head}</script>'
        return output.replace("</head>", head + "</head>", 1)

    @functools.cached_property
    def _theme_search_text(self) -> str:
        text = (resources.files("builder") / "assets" / THEME_SEARCH_SCRIPT).read_text("utf-8")
        return re.sub(r"\A/\*.*?\*/\s*", "", text, flags=re.S)  # its comment stays in the file

    def _theme_search_script(self) -> str:
        """The script that holds back the theme's search index until the search is opened
        (see assets/theme-search.js); not in a copy read from disk, which has no request."""
        return "" if self.config.offline else f"<script>{self._theme_search_text}</script>"
