"""Where each tree and step lives on the site: one place decides, pages and search agree."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote

from builder.model import Tree

TREES_DIR = "trees"


def system_slug(system: str) -> str:
    """The folder name of a system: 'PACS viewer' -> 'pacs-viewer'."""
    slug = re.sub(r"[^a-z0-9]+", "-", system.lower()).strip("-")
    return slug or "other"


def tree_page_path(tree: Tree) -> str:
    """The generated Markdown file of a tree, relative to docs/."""
    return f"{TREES_DIR}/{system_slug(tree.system)}/{tree.id}.md"


def tree_url(tree: Tree, directory_urls: bool = True) -> str:
    """The tree page's URL relative to the site root."""
    return page_url(tree_page_path(tree), directory_urls)


def page_url(md_path: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown file: 'a/b.md' -> 'a/b/' or 'a/b.html'."""
    stem = md_path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if directory_urls else f"{stem}.html"


def relative_url(from_url: str, to_url: str) -> str:
    """A link from one page URL to another, both relative to the site root."""
    base = from_url.rsplit("/", 1)[0] if "/" in from_url else ""
    target = posixpath.relpath(to_url or ".", base or ".")
    if (not to_url or to_url.endswith("/")) and not target.endswith("/"):
        target += "/"
    return "./" if target in (".", "./") else target


def step_anchor(node_id: str) -> str:
    """The HTML id of a step's section, also the deep-link fragment."""
    return f"step-{node_id}"


def step_url(tree: Tree, node_id: str, code: str = "", directory_urls: bool = True) -> str:
    """A deep link to a step; with a code, the page says it started there from that code."""
    query = f"?code={quote(code, safe='')}" if code else ""
    return f"{tree_url(tree, directory_urls)}{query}#{step_anchor(node_id)}"
