"""`python3 run.py serve` on a machine where the port is taken says so before installing."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_a_taken_port_is_reported_before_anything_is_installed_or_built() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [sys.executable, str(REPO / "run.py"), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "python3 run.py serve --port 8080" in done.stderr
    assert "installing" not in done.stdout + done.stderr
    assert "building" not in done.stdout + done.stderr


def test_the_server_takes_the_place_of_run_py_so_signals_reach_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`python3 run.py serve` becomes `fastpath serve` (POSIX): a SIGTERM sent to the pid a
    service manager started stops the server, not only the wrapper in front of it."""
    spec = importlib.util.spec_from_file_location("run_script", REPO / "run.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    calls: list[tuple[str, list[str]]] = []
    ran: list[list[str]] = []

    def execv(path: str, argv: list[str]) -> None:
        calls.append((path, argv))
        raise SystemExit(0)  # execv does not return: this process is the server now

    def subprocess_run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        ran.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(script, "ensure_environment", lambda: None)
    monkeypatch.setattr(script, "check_port_free", lambda args: None)
    monkeypatch.setattr(script.os, "execv", execv)
    monkeypatch.setattr(script.subprocess, "run", subprocess_run)
    monkeypatch.chdir(REPO)
    with pytest.raises(SystemExit):
        script.main(["serve", "--port", "8123"])
    fastpath = str(script.BIN / "fastpath")
    assert ran == [[fastpath, "build"]], "the build runs first, as a child"
    assert calls == [(fastpath, [fastpath, "serve", "--port", "8123"])]
