"""Browser tests of the tree pages: fixture sites built once per session, one Chromium.

Three sites are built from the fixture trees in tests/data/site/trees with a copy of the
real mkdocs.yml (same theme, features and Markdown extensions):

- `web_site`: served by a threaded static HTTP server (a plain static host), tickets
  opened at a ticketing system's address (`TICKET_PATH`);
- `offline_site`: with the theme's offline plugin, opened from file://, tickets by e-mail;
- `pruned_site`: with `nav_trees_per_system: 1`, only its HTML is inspected.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from builder.site_build import build_site, load_site_config

ROOT = Path(__file__).resolve().parents[2]
TREES_DIR = ROOT / "tests" / "data" / "site" / "trees"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


class Pages:
    """Pages of the fixture site, relative to its root (directory URLs)."""

    main_tree = "trees/fixture-viewer/fx-images-blank/"
    other_tree = "trees/fixture-network/fx-vpn-down/"
    slow_tree = "trees/fixture-viewer/fx-viewer-slow/"
    viewer_system = "trees/fixture-viewer/"
    injection_system = "trees/inject-img-src-x-onerror-window-xss-1-svg-onload-window-xss-1/"
    injection_tree = injection_system + "xss-every-field/"
    codes = "codes/"
    home = ""


# --- the MkDocs configuration ------------------------------------------------------------


class _PythonName(str):
    """A `!!python/name:` value of mkdocs.yml, kept as written."""


@dataclass(frozen=True)
class _Tagged:
    """A value with a local tag (`!ENV [...]`, `!relative`), kept as written."""

    tag: str
    node: yaml.Node


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_NAME_TAG = "tag:yaml.org,2002:python/name:"
_Loader.add_multi_constructor(_NAME_TAG, lambda loader, suffix, node: _PythonName(suffix))
_Loader.add_multi_constructor("!", lambda loader, suffix, node: _Tagged("!" + suffix, node))
_Dumper.add_representer(_PythonName, lambda d, v: d.represent_scalar(_NAME_TAG + v, ""))
_Dumper.add_representer(_Tagged, lambda d, v: v.node)


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def write_config(
    folder: Path,
    *,
    site_url: str | None = None,
    offline: bool = False,
    fastpath: dict[str, Any] | None = None,
) -> Path:
    """A copy of the real mkdocs.yml that builds the fixture trees with the real docs."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    config["docs_dir"] = str(ROOT / "docs")
    if site_url:
        # The theme's instant navigation only intercepts links listed in sitemap.xml, and
        # MkDocs lists pages there only when site_url is set.
        config["site_url"] = site_url
    fastpath_entry = {"fastpath": {"trees_dir": str(TREES_DIR), **(fastpath or {})}}
    plugins: list[Any] = []
    for entry in config.get("plugins", []):
        name = _plugin_name(entry)
        if name == "offline":
            continue  # decided below, whatever the environment says
        plugins.append(fastpath_entry if name == "fastpath" else entry)
        if name == "search" and offline:
            plugins.append({"offline": {"enabled": True}})
    if offline and not any(_plugin_name(p) == "offline" for p in plugins):
        plugins.insert(0, {"offline": {"enabled": True}})
    if not any(_plugin_name(p) == "fastpath" for p in plugins):
        plugins.append(fastpath_entry)
    config["plugins"] = plugins
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mkdocs.yml"
    path.write_text(yaml.dump(config, Dumper=_Dumper, sort_keys=False), encoding="utf-8")
    return path


def build(folder: Path, **options: Any) -> Path:
    config = write_config(folder, **options)
    site, trees = build_site(load_site_config(config), folder / "site")
    assert len(trees) == 4, f"expected the 4 fixture trees, built {[t.id for t in trees]}"
    return site


# --- the sites ---------------------------------------------------------------------------

# Where escalations open a ticket: a ticketing system's address on the web site (a page that
# does not exist: only the address it is sent to matters), an e-mail in the offline copy.
TICKET_PATH = "new-ticket/?summary={summary}&description={description}"
TICKET_EMAIL = "servicedesk@example.org"


@dataclass(frozen=True)
class Site:
    folder: Path
    url: str  # ends with "/"

    def page(self, path: str) -> str:
        return self.url + path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def web_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The fixture site on a static HTTP server (no search API, like any static host)."""
    folder = tmp_path_factory.mktemp("web")
    site_dir = folder / "site"
    site_dir.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    build(folder, site_url=url, fastpath={"ticket_url": url + TICKET_PATH})
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield Site(site_dir, url)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture site built with the theme's offline plugin, to open from disk."""
    site_dir = build(
        tmp_path_factory.mktemp("offline"), offline=True, fastpath={"ticket_email": TICKET_EMAIL}
    )
    return Site(site_dir, site_dir.as_uri() + "/")


@pytest.fixture(scope="session")
def pruned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site with at most one tree per system listed in the navigation."""
    return build(tmp_path_factory.mktemp("pruned"), fastpath={"nav_trees_per_system": 1})


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium "
            "package (apt-get install chromium); Playwright's own browser download is not used.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(browser: Any, web_site: Site) -> Iterator[Callable[..., Any]]:
    """Make browser contexts (closed after the test); base_url defaults to the web site."""
    made: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("base_url", web_site.url)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def context(new_context: Callable[..., Any]) -> Any:
    return new_context()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page that fails the test on any uncaught script error."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"uncaught script errors on {page.url}: {errors}"


# --- driving a tree page -----------------------------------------------------------------


class TreePage:
    """A tree page in the browser, seen the way a user sees it."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def open(self, url: str) -> TreePage:
        self.page.goto(url)
        expect(self.page.locator(".fastpath.fp-js")).to_have_count(1)
        return self

    @property
    def root(self) -> Any:
        return self.page.locator(".fastpath[data-fp-tree]")

    @property
    def current(self) -> Any:
        return self.page.locator(".fastpath section.fp-step.fp-current")

    def button(self, name: str) -> Any:
        return self.root.locator(f".fp-toolbar .{name}")

    def expect_at(self, node_id: str) -> None:
        """Exactly one step shows, and it is `node_id`; the address says so too."""
        visible = self.page.locator(".fastpath section.fp-step:visible")
        expect(visible).to_have_count(1)
        expect(visible).to_have_id(f"step-{node_id}")
        expect(self.current).to_have_id(f"step-{node_id}")
        expect(self.page).to_have_url(re.compile(rf"#step-{re.escape(node_id)}$"))

    def answer(self, label: str) -> None:
        self.current.get_by_role("button", name=label, exact=True).click()

    def trail(self) -> list[str]:
        return [t.strip() for t in self.root.locator(".fp-trail-list li").all_text_contents()]

    def transcript(self) -> str:
        return str(self.root.locator("pre.fp-transcript-text").text_content())

    def notice(self) -> Any:
        return self.root.locator(".fp-notice")


@pytest.fixture
def pages() -> type[Pages]:
    return Pages


@pytest.fixture
def tree_page(page: Any) -> TreePage:
    return TreePage(page)
