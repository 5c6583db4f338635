"""`python3 run.py serve` on a machine where the port is taken says so before installing."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

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
