"""`fastpath serve` options for feedback: recording off, the report token from the environment."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from feedback_support import EXAMPLES, batch, start_server


def fetch(url: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, body, headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=10)


def test_no_events_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite3"
    proc, port = start_server(tmp_path, "--no-events", "--events-db", str(db))
    try:
        base = f"http://127.0.0.1:{port}"
        assert json.loads(fetch(base + "/api/events/config")[1]) == {"recording": False}
        assert fetch(base + "/api/events", batch(EXAMPLES["step"]))[0] == 503
    finally:
        stop(proc)
    assert not db.exists()


def test_recording_is_on_by_default_and_the_token_comes_from_the_environment(
    tmp_path: Path,
) -> None:
    db = tmp_path / "events.sqlite3"
    env = {"FASTPATH_REPORT_TOKEN": "from-the-environment"}
    proc, port = start_server(tmp_path, "--events-db", str(db), env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        assert json.loads(fetch(base + "/api/events/config")[1]) == {"recording": True}
        assert fetch(base + "/api/events", batch(EXAMPLES["flag"]))[0] == 202
        assert fetch(base + "/report")[0] == 401
        # Events are written off the request path within a second, by whichever worker
        # took them: the report shows them once written.
        deadline = time.monotonic() + 10
        while True:
            status, page = fetch(base + "/report?token=from-the-environment")
            if b"The menu is called Settings now" in page or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 200 and b"The menu is called Settings now" in page
        assert fetch(base + "/api/notices")[1] == b'{"notices": []}'
    finally:
        stop(proc)
    assert db.exists()


def test_a_broken_database_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite3"
    db.write_bytes(b"not a database" * 100)
    from feedback_support import FASTPATH

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("x", encoding="utf-8")
    result = subprocess.run(
        [str(FASTPATH), "serve", "--port", "0", "--site", str(site), "--events-db", str(db)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "cannot use the events database" in result.stderr
    assert "Traceback" not in result.stderr
