"""Smoke walk over the bundled knowledge base: every tree's page walks in a real browser.

The site is built from decision_trees/ with the real mkdocs.yml. For each tree the walk
follows the shortest path of in-tree answers from the start to an end (a resolution or an
escalation), clicking the buttons a user clicks, and the expert skip lands where the model
says it lands. A tree added to the knowledge base is walked without editing this file.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import expect
from site_project import REPO, write_site

from builder.check import check_paths
from builder.expert import expert_path
from builder.model import Kind, Tree
from builder.site_build import build_site, load_site_config
from builder.urls import tree_url

KNOWLEDGE_BASE = REPO / "decision_trees"
TREES: list[Tree] = check_paths([KNOWLEDGE_BASE]).trees


def shortest_walk(tree: Tree) -> list[tuple[str, str, str]]:
    """(node, next node, answer label) hops from start to the nearest end, in-tree only."""
    came_from: dict[str, tuple[str, str]] = {}
    queue = deque([tree.start])
    seen = {tree.start}
    while queue:
        node_id = queue.popleft()
        node = tree.nodes[node_id]
        if node.kind.terminal:
            hops: list[tuple[str, str, str]] = []
            while node_id != tree.start:
                previous, label = came_from[node_id]
                hops.append((previous, node_id, label))
                node_id = previous
            return hops[::-1]
        if node.kind is Kind.QUESTION:
            edges = [(a.next, a.label) for a in node.answers]
        else:
            edges = [(node.next, "")]
        for target, label in edges:
            if target.startswith("tree:") or target in seen:
                continue
            seen.add(target)
            came_from[target] = (node_id, label)
            queue.append(target)
    raise AssertionError(f"{tree.id}: no end reachable from {tree.start} inside the tree")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real knowledge base built into a site and served over HTTP; yields its URL."""
    folder = tmp_path_factory.mktemp("bundled")
    config = load_site_config(write_site(folder, KNOWLEDGE_BASE))
    site_dir, built = build_site(config, folder / "site")
    assert {t.id for t in built} == {t.id for t in TREES}
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="bundled-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_every_bundled_tree_is_walked() -> None:
    # The walk below is generated from the knowledge base; an empty list would walk nothing.
    assert len(TREES) >= 40


@pytest.mark.parametrize("tree", TREES, ids=lambda t: t.id)
def test_skip_the_basics_then_walk_from_start_to_an_end(
    tree_page: Any, bundled_site: str, tree: Tree
) -> None:
    page = tree_page.page
    # The real site loads the full search index and the flowchart library on every page;
    # on a busy machine that alone can take several seconds.
    page.set_default_navigation_timeout(30_000)
    page.goto(bundled_site + tree_url(tree), wait_until="domcontentloaded")
    expect(page.locator(".fastpath.fp-js")).to_have_count(1)
    tree_page.expect_at(tree.start)

    # The expert skip lands where the model says, listing every skipped check.
    skip = expert_path(tree)
    tree_page.button("fp-skip").click()
    tree_page.expect_at(skip.landing)
    assert len(tree_page.trail()) == len(skip.skipped) + 1

    # Start over, then click the shortest way to an end, as a user would.
    tree_page.button("fp-restart").click()
    tree_page.expect_at(tree.start)
    walk = shortest_walk(tree)
    for _, target, label in walk:
        button = tree_page.current.locator(f'button.fp-answer[data-fp-next="{target}"]').first
        if label:
            expect(button).to_have_text(label)
        button.click()
        tree_page.expect_at(target)
    end = tree.nodes[walk[-1][1] if walk else tree.start]
    assert end.kind.terminal
    if end.kind is Kind.ESCALATION:
        expect(tree_page.current.locator(".fp-copy-prominent")).to_be_visible()
