#!/usr/bin/env python3
"""Set up Fastpath's environment and run it: `python3 run.py serve` or `python3 run.py test`.

Creates a virtual environment in .venv/ on first use and installs the pinned
dependencies from requirements.lock (again whenever that file or pyproject.toml
changes). Needs nothing but Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".fastpath-installed"
INPUTS = (ROOT / "requirements.lock", ROOT / "pyproject.toml")


def _digest() -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in INPUTS)).hexdigest()


def ensure_environment() -> None:
    """Create .venv and install pinned dependencies unless already up to date."""
    if not (BIN / "python").exists():
        print("fastpath: creating virtual environment in .venv/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _digest():
        return
    print("fastpath: installing pinned dependencies (first run takes a minute)", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-r", str(ROOT / "requirements.lock")], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(_digest())


def run(*args: str, last: bool = False) -> None:
    """Run a command from the environment; stop with its exit code if it fails.

    The last command takes this process's place where it can (POSIX): a signal sent to
    `python3 run.py` alone (a service manager's SIGTERM) then reaches the server itself,
    instead of stopping the wrapper and leaving the server running without it.
    """
    program = str(BIN / args[0])
    if last and os.name != "nt":
        sys.stdout.flush()
        sys.stderr.flush()
        os.chdir(ROOT)
        os.execv(program, [program, *args[1:]])
    code = subprocess.run([program, *args[1:]], cwd=ROOT).returncode
    if code:
        sys.exit(code)


def _option(args: list[str], name: str, default: str) -> str:
    """The value of `--name VALUE` or `--name=VALUE` in args, else the default."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def check_port_free(args: list[str]) -> None:
    """Stop before a minute of installing and building if `serve` could not listen anyway."""
    host, port = _option(args, "--host", "127.0.0.1"), _option(args, "--port", "8000")
    if not port.isdigit():
        return  # let `fastpath serve` explain a bad --port
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, int(port)))
        except OSError as e:
            sys.exit(
                f"fastpath: cannot listen on {host}:{port} ({e.strerror or e}); "
                f"another program may be using it. Pick another port: "
                f"python3 run.py serve --port 8080"
            )


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("serve", "test"):
        sys.exit("usage: python3 run.py serve [fastpath serve options] | test [pytest options]")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if argv[0] == "serve":
        check_port_free(argv[1:])
    try:
        ensure_environment()
    except subprocess.CalledProcessError as e:
        sys.exit(f"fastpath: installing dependencies failed (exit {e.returncode})")
    command, rest = argv[0], argv[1:]
    if command == "serve":
        run("fastpath", "build")
        run("fastpath", "serve", *rest, last=True)
    else:
        run("ruff", "check", ".")
        run("ruff", "format", "--check", ".")
        run("mypy")
        run("pytest", "-n", "2", *rest, last=True)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(130)
