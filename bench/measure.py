"""Run a task in a child process; time it and read its peak memory from the kernel."""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def child_env() -> dict[str, str]:
    """The environment of every child: MkDocs' 2.0 notice off, the repository importable."""
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@dataclass(frozen=True, slots=True)
class Measured:
    """One child run: the work it timed itself, its wall and CPU time, and its peak RSS."""

    work_s: float
    wall_s: float
    cpu_s: float
    peak_mb: float
    data: dict[str, Any] = field(default_factory=dict)


class TaskFailed(RuntimeError):
    pass


def run_measured(argv: list[str], cwd: Path | None = None, timeout: float = 3600) -> Measured:
    """Run argv to completion; wall time from launch to exit, peak RSS via wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=child_env(), stdout=out, stderr=err)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise TaskFailed(f"{' '.join(argv)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    data: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    work = float(data.get("work_s", wall))
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(work, wall, cpu, usage.ru_maxrss / 1024, data)  # ru_maxrss: KiB on Linux


def run_task(task: str, *args: str | Path, cwd: Path | None = None) -> Measured:
    """Run one of `bench.tasks` in a fresh interpreter."""
    argv = [sys.executable, "-m", "bench.tasks", task, *(str(a) for a in args)]
    return run_measured(argv, cwd=cwd)


def interrupt(proc: subprocess.Popen[Any], timeout: float) -> None:
    """Stop a server the way a user does (Ctrl+C); kill it if it does not go in time."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), in MiB; 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (the workers of `fastpath serve --workers`)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(child) for child in children]
    return found


def pss_mb(pid: int) -> float:
    """Proportional set size of a running process, in MiB: pages shared between processes
    (a forked worker's copy of its parent) are split between them, so sums do not double
    count; 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process (all its threads) has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of the values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]
