"""Pages the last build already wrote: linked from the published site, not rendered again.

A page is reused when the key of everything that shapes its HTML is the one recorded for the
file the published site holds: the build (code, configuration, `build_key`), the navigation
(every entry's title and address, `nav_key`), the page's own Markdown and, for a tree page,
the tree file's bytes and the titles of the trees it links to. MkDocs still walks every page
(the navigation, the sitemap and the theme's search index need them all); a reused page gets
an empty template, its search entries from the manifest, and the old file as a hard link.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data

from builder.build_cache import PageRecord, SiteManifest, digest, file_stat, link_or_copy

REUSE_TEMPLATE = "fastpath-reused-page.html"
_SKIPPED_MESSAGE = "Page skipped: '"


def skip_markdown(page: Page, html: str) -> None:
    """Give a page its HTML without MkDocs' Markdown pass (a tree page's digest is HTML
    already, a reused page needs none): MkDocs sets up a whole Markdown converter for every
    page, the largest cost of reading thousands of them."""

    def render(config: MkDocsConfig, files: Files) -> None:
        page.content = html
        page.toc = get_toc([])
        page.present_anchor_ids = set()
        page.links_to_anchors = {}

    page.render = render  # type: ignore[method-assign]


def _file_bytes(file: File) -> bytes:
    if file.generated_by is not None or file.abs_src_path is None:
        return file.content_bytes
    return Path(file.abs_src_path).read_bytes()


def _title_source(file: File) -> str:
    """What a page's title is read from: its front matter title, else its whole source."""
    markdown, meta = get_data(_file_bytes(file).decode("utf-8", "replace"))
    title = meta.get("title")
    return f"title {title}" if isinstance(title, str) else markdown


def nav_key(nav: Navigation) -> str:
    """Every navigation entry's title and address, in order (each page shows them all, and
    its neighbours in the footer). An entry titled by its page stands for the page's source."""
    parts: list[str | bytes] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, Section):
                parts.extend([f"section {depth}", str(item.title)])
                walk(item.children, depth + 1)
            elif isinstance(item, Link):
                parts.extend([f"link {depth}", str(item.title), str(item.url)])
            elif isinstance(item, Page):
                title = item.title  # set only when the nav gives it, before pages are read
                parts.extend([f"page {depth}", item.file.src_uri, item.url, str(title)])
                if title is None:
                    parts.append(_title_source(item.file))

    walk(nav.items, 0)
    return digest(*parts)


class _HideSkippedPages(logging.Filter):
    """MkDocs says 'Page skipped' for an empty render; a reused page is not skipped."""

    def __init__(self, reuse: PageReuse) -> None:
        super().__init__()
        self.reuse = reuse

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith(_SKIPPED_MESSAGE):
            return True
        return message[len(_SKIPPED_MESSAGE) :].split("'", 1)[0] not in self.reuse.reused


class PageReuse:
    """One build's reuse of the site published at `published` (see the module docstring)."""

    def __init__(self, cache_dir: Path, published: Path, build_key: str) -> None:
        # The manifest is the site link's; pages are linked from the build it points at now
        # (resolved once: a build published meanwhile must not change the source mid-way).
        self.published = published.resolve()
        self.previous = SiteManifest.for_site(cache_dir, published)
        self.current = SiteManifest(self.previous.path, build_key)
        self.build_key = build_key
        self.nav_key = ""
        self.reused: dict[str, PageRecord] = {}
        self.rendered = 0
        self._entries_seen = 0
        self._filter = _HideSkippedPages(self)
        logging.getLogger("mkdocs.commands.build").addFilter(self._filter)

    def close(self) -> None:
        """Stop filtering MkDocs' log."""
        logging.getLogger("mkdocs.commands.build").removeFilter(self._filter)

    def set_nav(self, nav: Navigation) -> None:
        self.nav_key = nav_key(nav)

    def consider(self, page: Page, inputs: str | None) -> bool:
        """Decide (while MkDocs reads the page) whether to reuse it; `inputs` is what shapes the
        page besides its Markdown and the navigation (None: always render)."""
        src = page.file.src_uri
        if inputs is None or not self.nav_key or page.markdown is None:
            return False
        key = digest(self.build_key, self.nav_key, src, page.file.dest_uri, page.markdown, inputs)
        record = self.previous.reusable(src, key, self.published)
        self.current.pages[src] = PageRecord(
            key, page.file.dest_uri, record.search if record else []
        )
        if record is None:
            return False
        self.reused[src] = record
        # An empty template, and no work for the theme's search: its entries are known.
        page.meta["template"] = REUSE_TEMPLATE
        page.meta["search"] = {"exclude": True}
        return True

    def record_search(self, page: Page, config: MkDocsConfig) -> None:
        """After the theme's search saw the page: note its entries, or add the reused ones."""
        entries = _search_entries(config)
        if entries is None:
            return
        src = page.file.src_uri
        if src in self.reused:
            entries.extend(self.reused[src].search)
        elif src in self.current.pages:
            self.current.pages[src].search = entries[self._entries_seen :]
        self._entries_seen = len(entries)

    def place(self, page: Page) -> bool:
        """Put a reused page's file in place; False for a page that is rendered."""
        record = self.reused.get(page.file.src_uri)
        if record is None:
            self.rendered += 1
            return False
        link_or_copy(self.published / record.dest, Path(page.file.abs_dest_path))
        return True

    def finish(self, site_dir: Path) -> None:
        """Note the written files (the build folder is published as it is: the site link is
        switched to it)."""
        for src, record in list(self.current.pages.items()):
            try:
                record.stat = file_stat(site_dir / record.dest)
            except OSError:
                del self.current.pages[src]


def _search_entries(config: MkDocsConfig) -> list[dict[str, Any]] | None:
    """The theme's search index entries as they are being collected (None without it)."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        index = getattr(plugin, "search_index", None)
        entries = getattr(index, "entries", None)
        if isinstance(entries, list) and plugin is not None and plugin.config.get("enabled"):
            return entries
    return None
