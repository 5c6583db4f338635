"""Shared fixtures: running the real `fastpath` command, plain or measured."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FASTPATH = Path(sys.executable).parent / "fastpath"

# Runs the real CLI entry point in a fresh interpreter and records, in a JSON file, the
# CPU time of the command itself (not interpreter start) and the process's peak memory.
# CPU time, not wall time: it does not grow when the machine is busy with other work, so
# the bound catches a runaway check (an alias bomb costs minutes) without flaking.
# Peak memory is this process's own high-water mark (VmHWM): ru_maxrss would also count the
# pages of the big test process it was forked from, which Linux carries across exec.
_MEASURED_CLI = """
import json, resource, sys, time
report, args = sys.argv[1], sys.argv[2:]
from fastpath.cli import main
start = time.process_time()
try:
    main.main(args, prog_name="fastpath")
    code = 0
except SystemExit as e:
    code = e.code
seconds = time.process_time() - start
try:
    with open("/proc/self/status") as status:
        peak_kib = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(report, "w") as f:
    json.dump({"seconds": seconds, "peak_mib": peak_kib / 1024}, f)
sys.exit(code)
"""


@dataclass(frozen=True, slots=True)
class Run:
    """A finished `fastpath` command: exit code, output, and what it cost."""

    exit_code: int
    stdout: str
    stderr: str
    seconds: float = 0.0
    peak_mib: float = 0.0

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


RunFastpath = Callable[..., Run]


@pytest.fixture
def run_fastpath() -> RunFastpath:
    """Run the installed `fastpath` console script in a subprocess (default cwd: the repo)."""

    def run(*args: str, cwd: Path = REPO, timeout: float = 60) -> Run:
        done = subprocess.run(
            [str(FASTPATH), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def run_measured(tmp_path: Path) -> RunFastpath:
    """Run `fastpath` in a subprocess, measuring the command's time and peak memory."""

    def run(*args: str, cwd: Path = REPO, timeout: float = 60) -> Run:
        report = tmp_path / "measurement.json"
        done = subprocess.run(
            [sys.executable, "-c", _MEASURED_CLI, str(report), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        measured = json.loads(report.read_text()) if report.exists() else {}
        return Run(
            done.returncode,
            done.stdout,
            done.stderr,
            measured.get("seconds", float("inf")),
            measured.get("peak_mib", float("inf")),
        )

    return run
