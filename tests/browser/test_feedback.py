"""Feedback in the browser, against the real `fastpath serve` app: events from a walk, a
"fixed it", a flag and a failed search end up in `fastpath report` exactly; nothing about
the person is stored; a static copy sends nothing; a notice added while serving shows."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import TREES_DIR, Pages, Site, build
from playwright.sync_api import expect

from fastpath.cli import main
from search.feedback.serving import Feedback, start_feedback
from search.feedback.store import COLUMNS
from search.store.publish import build_index
from search.web.app import create_app
from search.web.server import create_server

TOKEN = "report-token-for-tests"
COMMENT = "The cache menu is called Storage now"
USER_AGENT = "FastpathTestBrowser/1.0 (privacy probe; Jane Radiologist)"
# Generous: these pages load the whole theme and Mermaid on a shared, often busy machine.
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class ServedSite(Site):
    trees: Path
    events_db: Path
    feedback: Feedback


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The fixture site built and served by the app of `fastpath serve`, recording on."""
    folder = tmp_path_factory.mktemp("served")
    trees = folder / "trees"
    shutil.copytree(TREES_DIR, trees)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    site_dir = build(folder, site_url=url, fastpath={"trees_dir": str(trees)})
    from builder.check import check_paths

    build_index(check_paths([trees]).trees, folder / "index")
    feedback = start_feedback(trees, folder / "events.sqlite3", True, TOKEN, events_rate=0)
    app = create_app(site_dir, folder / "index", feedback=feedback.views)
    server = create_server(app.wsgi, "127.0.0.1", port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield ServedSite(site_dir, url, trees, folder / "events.sqlite3", feedback)
    finally:
        server.trigger.pull_trigger(server.close)
        thread.join(timeout=5)
        app.close()
        feedback.close()


def stored_rows(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM events ORDER BY id")]


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def clear_events(served: ServedSite) -> None:
    """Start a test with no events stored (the site and server are shared by the module)."""
    served.feedback.views.store.flush()  # type: ignore[union-attr]
    with sqlite3.connect(served.events_db) as conn:
        conn.execute("DELETE FROM events")


def report_json(served: ServedSite) -> dict[str, Any]:
    served.feedback.views.store.flush()  # type: ignore[union-attr]
    args = ["report", "--json", "--events-db", str(served.events_db), "--trees", str(served.trees)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_a_session_is_reported_exactly_and_stores_nothing_personal(
    browser: Any, served: ServedSite
) -> None:
    clear_events(served)
    context = browser.new_context(base_url=served.url, user_agent=USER_AGENT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # A search for a code no tree claims.
    page.goto(Pages.home)
    page.fill("#fp-q", "0xBEEF")
    expect(page.locator(".fp-search-status")).to_contain_text("0 results")

    # Walk to a resolution, answer "fixed it", flag a step on the way.
    page.goto(Pages.main_tree)
    root = page.locator(".fastpath.fp-js")
    expect(root).to_have_count(1)
    current = page.locator("section.fp-step.fp-current")
    current.get_by_role("button", name="Yes, only this study fails").click()
    expect(current).to_have_id("step-single-study")
    current.locator("summary", has_text="This step is wrong or out of date").click()
    expect(current.locator(".fp-flag-warning")).to_contain_text("Do not enter patient names")
    current.get_by_label(re.compile("What is wrong")).fill(COMMENT)
    current.get_by_role("button", name="Send").click()
    expect(current.locator(".fp-flag-status")).to_contain_text("Thank you")
    current.get_by_role("button", name="Done: next step").click()
    current.get_by_role("button", name="Yes, they load").click()
    expect(current).to_have_id("step-fixed-cache")
    current.get_by_role("group", name="Did this fix it?").get_by_role("button", name="Yes").click()
    expect(current.locator(".fp-fixed-thanks")).to_contain_text("glad it is fixed")
    page.close()  # the visit ends: whatever is queued goes by beacon
    assert not errors, errors

    wait_for(lambda: served.events_db.exists() and any(
        r["kind"] == "fixed_it" for r in stored_rows(served.events_db)))  # fmt: skip
    wait_for(lambda: any(r["kind"] == "search" for r in stored_rows(served.events_db)))
    report = report_json(served)
    context.close()

    (tree,) = report["trees"]
    assert (tree["tree"], tree["owner"], tree["visits"]) == ("fx-images-blank", "Test team", 1)
    assert (tree["resolved"], tree["escalated"], tree["left"]) == (1, 0, 0)
    assert (tree["fixed_yes"], tree["fixed_no"], tree["skipped_ahead"]) == (1, 0, 0)
    assert report["drop_offs"] == []
    assert [(f["node"], f["owner"], f["count"], f["comments"]) for f in report["flags"]] == [
        ("single-study", "Test team", 1, [COMMENT])
    ]
    assert report["no_result_searches"] == [{"query": "0xbeef", "count": 1}]
    assert report["unclaimed_codes"] == [{"query": "0XBEEF", "count": 1}]
    assert report["searches"] == 1 and report["searches_opened"] == 0

    # The privacy promise: every stored column, every value, is one of these and nothing else.
    rows = stored_rows(served.events_db)
    assert {tuple(r) for r in rows} == {("id", "received", *COLUMNS)}
    with sqlite3.connect(served.events_db) as conn:
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"events"}
    steps = ["other-studies", "single-study", "still-failing", "fixed-cache"]
    visits = {r["visit"] for r in rows}
    assert len(visits) == 1 and re.fullmatch(r"[0-9a-f]{32}", visits.pop())
    for row in rows:
        assert row["kind"] in {"tree_started", "step", "resolved", "fixed_it", "flag", "search"}
        assert row["tree"] in ("", "fx-images-blank")
        assert row["node"] in ("", *steps)
        assert re.fullmatch(r"([0-9a-f]{12})?", row["version"])
        assert row["how"] in ("", "navigation") and row["code"] == ""
        assert row["comment"] in ("", COMMENT) and row["query"] in ("", "0xBEEF")
        assert abs(row["received"] - time.time()) < 300
        for value in row.values():
            text = str(value)
            for personal in ("127.0.0.1", "FastpathTestBrowser", "Jane", "Mozilla", "Cookie"):
                assert personal not in text
    kinds = [r["kind"] for r in rows if r["kind"] != "search"]
    assert kinds == ["tree_started", "step", "step", "flag", "step", "step", "resolved", "fixed_it"]


def test_leaving_mid_walk_is_a_drop_off_at_the_last_step(browser: Any, served: ServedSite) -> None:
    clear_events(served)
    context = browser.new_context(base_url=served.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(Pages.main_tree)
    current = page.locator("section.fp-step.fp-current")
    page.locator(".fp-toolbar .fp-skip").click()
    expect(current).to_have_id("step-vpn-check")
    page.goto(Pages.home)  # leaves the tree without an outcome
    wait_for(lambda: any(r["kind"] == "left" for r in stored_rows(served.events_db)))
    context.close()
    report = report_json(served)
    (tree,) = report["trees"]
    assert (tree["visits"], tree["left"], tree["left_pct"], tree["skipped_ahead"]) == (
        1,
        1,
        100.0,
        1,
    )
    assert [(d["node"], d["reached"], d["ended"]) for d in report["drop_offs"]] == [
        ("vpn-check", 1, 1)
    ]


def test_a_notice_added_while_serving_shows_on_the_code_landing_page(
    browser: Any, served: ServedSite
) -> None:
    context = browser.new_context(base_url=served.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(Pages.main_tree + "?code=0xB801#step-single-study")
    expect(page.locator(".fastpath.fp-js")).to_have_count(1)
    expect(page.locator(".fp-outage")).to_have_count(0)
    (served.trees / "notices.yaml").write_text(
        "notices:\n"
        "  - message: The fixture viewer is down for everyone. Do not reboot.\n"
        '    codes: ["0xB801"]\n'
        "    from: 2000-01-01T00:00+00:00\n"
        "    until: 2999-01-01T00:00+00:00\n"
        "    reference: INC0099\n",
        encoding="utf-8",
    )
    try:
        notice = page.locator(".fp-outage")
        expect(notice).to_contain_text("The fixture viewer is down", timeout=10_000)
        expect(notice).to_contain_text("INC0099")
        # Shown above the tree, and only on pages it concerns.
        assert page.evaluate(
            "document.querySelector('.fp-notices').nextElementSibling.classList.contains('fastpath')"
        )
        page.goto(Pages.other_tree)
        expect(page.locator(".fastpath.fp-js")).to_have_count(1)
        expect(page.locator(".fp-outage")).to_have_count(0)
        page.goto(Pages.home)
        expect(page.locator(".fp-outage")).to_contain_text("The fixture viewer is down")
    finally:
        (served.trees / "notices.yaml").unlink()
        context.close()


def test_the_report_page_needs_the_token(browser: Any, served: ServedSite) -> None:
    context = browser.new_context(base_url=served.url)
    page = context.new_page()
    response = page.goto("report")
    assert response is not None and response.status == 401
    page.get_by_label("Report token").fill(TOKEN)
    page.get_by_role("button", name="Open the report").click()
    expect(page.get_by_role("heading", name="Trees")).to_be_visible()
    context.close()


def test_a_static_copy_sends_nothing_and_shows_no_feedback(page: Any, web_site: Site) -> None:
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/api/" in r.url else None)
    page.goto(web_site.page(Pages.main_tree))
    current = page.locator("section.fp-step.fp-current")
    current.get_by_role("button", name="Yes, only this study fails").click()
    expect(current).to_have_id("step-single-study")
    page.wait_for_timeout(1500)
    expect(page.locator(".fp-feedback")).to_have_count(0)
    assert [u for u in sent if "/api/events" in u and not u.endswith("/api/events/config")] == []


def test_a_copy_opened_from_disk_shows_the_notices_of_its_build(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("offline-notices")
    trees = folder / "trees"
    shutil.copytree(TREES_DIR, trees)
    (trees / "notices.yaml").write_text(
        "notices:\n"
        "  - message: Network maintenance tonight, the VPN may drop.\n"
        "    systems: [Fixture network]\n"
        "    from: 2000-01-01T00:00+00:00\n"
        "    until: 2999-01-01T00:00+00:00\n"
        "  - message: Long over.\n"
        "    from: 2000-01-01T00:00+00:00\n"
        "    until: 2000-01-02T00:00+00:00\n",
        encoding="utf-8",
    )
    site = build(folder, offline=True, fastpath={"trees_dir": str(trees)})
    data = (site / "assets" / "fastpath" / "notices-data.js").read_text(encoding="utf-8")
    assert "Network maintenance" in data and "Long over" not in data
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto((site / "trees/fixture-network/fx-vpn-down.html").as_uri())
        expect(page.locator(".fp-outage")).to_contain_text("Network maintenance")
        page.goto((site / "trees/fixture-viewer/fx-images-blank.html").as_uri())
        expect(page.locator(".fastpath.fp-js")).to_have_count(1)
        expect(page.locator(".fp-outage")).to_have_count(0)
        expect(page.locator(".fp-feedback")).to_have_count(0)  # from disk: no feedback
    finally:
        context.close()


def test_how_a_walk_started_and_searches_that_opened_a_result(
    browser: Any, served: ServedSite
) -> None:
    clear_events(served)
    context = browser.new_context(base_url=served.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(Pages.home)
    page.fill("#fp-q", "0xB801")
    page.press("#fp-q", "Enter")  # one exact hit: straight to its step
    expect(page.locator("section.fp-step.fp-current")).to_have_id("step-single-study")
    page.goto(Pages.home)
    page.fill("#fp-q", "vpn")
    page.locator(".fp-results a").first.click()
    expect(page.locator(".fastpath.fp-js")).to_have_count(1)
    page.goto(Pages.other_tree)  # from the address bar: navigation
    expect(page.locator(".fastpath.fp-js")).to_have_count(1)
    page.goto(Pages.home)
    wait_for(
        lambda: len([r for r in stored_rows(served.events_db) if r["kind"] == "tree_started"]) == 3
    )
    wait_for(lambda: len([r for r in stored_rows(served.events_db) if r["kind"] == "search"]) == 2)
    context.close()
    rows = stored_rows(served.events_db)
    started = [(r["tree"], r["how"], r["code"]) for r in rows if r["kind"] == "tree_started"]
    assert started[0] == ("fx-images-blank", "code", "0xB801")
    assert started[1][1:] == ("search", "")
    assert started[2] == ("fx-vpn-down", "navigation", "")
    searches = [(r["query"], r["opened"]) for r in rows if r["kind"] == "search"]
    assert searches == [("0xB801", 1), ("vpn", 1)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_feedback_controls_and_notices_pass_axe(
    browser: Any, served: ServedSite, scheme: str
) -> None:
    from test_accessibility import _serious_violations

    (served.trees / "notices.yaml").write_text(
        "notices:\n  - message: Viewer down for everyone.\n    reference: INC1\n"
        "    from: 2000-01-01T00:00+00:00\n    until: 2999-01-01T00:00+00:00\n",
        encoding="utf-8",
    )
    # Pages ask for notices when they open, then every few seconds: open this one once the
    # server has read the file, so it shows at once.
    wait_for(lambda: bool(served.feedback.views.notices.current()))
    context = browser.new_context(base_url=served.url, color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(Pages.main_tree + "#step-fixed-cache")
        current = page.locator("section.fp-step.fp-current")
        expect(current.locator(".fp-fixed")).to_be_visible()
        expect(page.locator(".fp-outage")).to_be_visible()
        current.locator(".fp-flag summary").click()
        expect(current.locator(".fp-flag-warning")).to_be_visible()
        assert _serious_violations(page) == []
    finally:
        (served.trees / "notices.yaml").unlink()
        context.close()
