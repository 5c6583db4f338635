"""Where each tree and step lives on the site: one place decides, pages and search agree."""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import unicodedata
from urllib.parse import quote

from builder.model import Tree

TREES_DIR = "trees"


@functools.lru_cache(maxsize=4096)  # a few systems, asked for by every page and code
def system_slug(system: str) -> str:
    """The folder name of a system: 'PACS viewer' -> 'pacs-viewer', the same on every build.

    Accents are dropped ('Röntgen' -> 'rontgen'). Letters without an ASCII form would vanish,
    so '日本' and '中国' would share a folder: a name that loses any, or that leaves no slug at
    all, gets a short hash of itself ('日本' -> 'cf2abf0c', 'CT 日本' -> 'ct-4a577dc4').
    Names that differ only in case or punctuation still share one (the check reports it).
    """
    decomposed = unicodedata.normalize("NFKD", system)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", kept.encode("ascii", "ignore").decode().lower()).strip("-")
    if slug and not any(c.isalnum() and not c.isascii() for c in kept):
        return slug
    digest = hashlib.sha256(unicodedata.normalize("NFC", system).encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


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
