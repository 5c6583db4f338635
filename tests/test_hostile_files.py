"""Hostile files fail cleanly: one problem line, no traceback, little time and memory.

Each file is checked by the real CLI in a fresh interpreter that measures the command
itself (not interpreter start-up). Large files are generated into tmp_path; tiny ones
live in tests/data/hostile/ or are the rule's own file in tests/data/invalid/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

RunFastpath = Callable[..., Any]  # the run_fastpath / run_measured fixtures of conftest.py

DATA = Path(__file__).resolve().parent / "data"
MAX_SECONDS = 2.0
MAX_PEAK_MIB = 200
DEPTH = 10_000


def flow_sequences(folder: Path) -> Path:
    path = folder / "deep-flow-sequences.yaml"
    path.write_text("id: deep\nsymptoms: " + "[" * DEPTH + "]" * DEPTH + "\n")
    return path


def flow_mappings(folder: Path) -> Path:
    path = folder / "deep-flow-mappings.yaml"
    path.write_text("id: deep\nnodes: " + "{a: " * DEPTH + "x" + "}" * DEPTH + "\n")
    return path


def block_sequences(folder: Path) -> Path:
    # "- - - x" nests block sequences on one line, so depth costs 2 bytes a level.
    path = folder / "deep-block-sequences.yaml"
    path.write_text("id: deep\nsymptoms:\n  " + "- " * DEPTH + "x\n")
    return path


def block_mappings(folder: Path) -> Path:
    # Block mappings need one more space per level: 2,000 levels is already 2 MB.
    levels = 2_000
    path = folder / "deep-block-mappings.yaml"
    path.write_text("id: deep\n" + "".join(" " * i + "a:\n" for i in range(levels)) + "  x\n")
    return path


def five_megabytes(folder: Path) -> Path:
    path = folder / "huge.yaml"
    line = "  - Retrieving images never finishes\n"
    body = line * (5 * 1024 * 1024 // len(line) + 1)
    path.write_text("id: huge\ntitle: Huge\nsymptoms:\n" + body)
    return path


def named_pipe(folder: Path) -> Path:
    path = folder / "pipe.yaml"
    os.mkfifo(path)  # opened without a writer, a read would wait for ever
    return path


def data(relative: str) -> Callable[[Path], Path]:
    return lambda _folder: DATA / relative


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[Path], Path]
    rule: str
    at: tuple[int, int] | None = None  # (line, col) when it says something useful
    args: tuple[str, ...] = ()


CASES = [
    Hostile("billion laughs", data("hostile/billion-laughs.yaml"), "yaml-alias", (3, 8)),
    Hostile("10,000-deep [[[ flow", flow_sequences, "too-deep"),
    Hostile("10,000-deep {a: flow", flow_mappings, "too-deep", (2, 260)),
    Hostile("10,000-deep - - - block", block_sequences, "too-deep", (3, 129)),
    Hostile("2,000-deep block mappings", block_mappings, "too-deep", (66, 65)),
    Hostile(
        "over --max-bytes",
        data("valid/expert-basic.yaml"),
        "file-too-large",
        (1, 1),
        ("--max-bytes", "100"),
    ),
    Hostile("5 MB, over the default cap", five_megabytes, "file-too-large", (1, 1)),
    Hostile("invalid UTF-8", data("invalid/invalid-utf8.yaml"), "invalid-utf8", (3, 11)),
    Hostile("binary (PNG header)", data("invalid/binary-file.yaml"), "binary-file", (3, 1)),
    Hostile("empty", data("invalid/empty-file.yaml"), "empty-file", (1, 1)),
    Hostile("comments only", data("hostile/comments-only.yaml"), "empty-file", (1, 1)),
    Hostile("top level a list", data("invalid/not-a-mapping.yaml"), "not-a-mapping", (1, 1)),
    Hostile("a single scalar", data("hostile/scalar-only.yaml"), "not-a-mapping", (1, 1)),
    Hostile("tab indentation", data("invalid/tab-indent.yaml"), "tab-indent", (4, 1)),
    Hostile("control character", data("hostile/control-character.yaml"), "yaml-syntax", (3, 21)),
    Hostile("a named pipe", named_pipe, "unreadable", (1, 1)),
    Hostile("/dev/zero", lambda _folder: Path("/dev/zero"), "unreadable", (1, 1)),
]

LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): error: .+ \[(?P<rule>[a-z0-9-]+)\]$")


def assert_within_bounds(run: Any) -> None:
    assert "Traceback" not in run.stdout + run.stderr
    assert run.seconds < MAX_SECONDS, f"took {run.seconds:.2f} s"
    assert run.peak_mib < MAX_PEAK_MIB, f"peak memory {run.peak_mib:.0f} MiB"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_fails_cleanly(
    run_measured: RunFastpath, tmp_path: Path, case: Hostile
) -> None:
    path = case.make(tmp_path)
    run = run_measured("check", *case.args, str(path), timeout=30)
    assert run.exit_code == 1
    assert len(run.lines) == 1, run.stdout
    m = LINE.match(run.lines[0])
    assert m, run.lines[0]
    assert m["rule"] == case.rule
    assert Path(m["path"]).resolve() == path.resolve()
    if case.at is not None:
        assert (int(m["line"]), int(m["col"])) == case.at
    # A tab is reported and the rest of the file still read (it is a whole tree here).
    trees = 1 if case.rule == "tab-indent" else 0
    assert run.stderr == f"1 file(s), {trees} tree(s): 1 error(s), 0 warning(s)\n"
    assert_within_bounds(run)


def test_alias_bomb_through_the_console_script(run_fastpath: RunFastpath) -> None:
    run = run_fastpath("check", str(DATA / "hostile" / "billion-laughs.yaml"), timeout=30)
    assert run.exit_code == 1
    assert len(run.lines) == 1
    assert run.lines[0].endswith(
        ":3:8: error: YAML anchors and aliases (& and *) are not allowed in trees; "
        "write the value out [yaml-alias]"
    )
    assert "Traceback" not in run.stdout + run.stderr


def test_all_hostile_files_together(run_measured: RunFastpath, tmp_path: Path) -> None:
    """One bad file does not stop the others being checked."""
    paths = [str(case.make(tmp_path)) for case in CASES if not case.args]
    run = run_measured("check", *paths, timeout=60)
    assert run.exit_code == 1
    rules = [m["rule"] for m in map(LINE.match, run.lines) if m]
    assert len(rules) == len(run.lines) == len(paths)
    assert sorted(rules) == sorted(case.rule for case in CASES if not case.args)
    assert "Traceback" not in run.stdout + run.stderr


def long_chain(folder: Path, steps: int = 5_000, stuck: int = 3_000) -> Path:
    """A valid-looking tree of thousands of nodes, with one long walk into a closed loop."""
    lines = [
        "id: long-chain",
        "title: Thousands of steps",
        "system: Test",
        "summary: Checks must stay linear in the number of nodes.",
        "owner: Nobody",
        "reviewed: 2026-11-01",
        "start: fork",
        "nodes:",
        "  fork:",
        "    ask: Which way?",
        "    answers:",
        "      - label: Long way",
        "        next: step-0",
        "      - label: Trap",
        "        next: stuck-0",
    ]
    for i in range(steps):
        target = f"step-{i + 1}" if i + 1 < steps else "done"
        lines += [f"  step-{i}:", f"    do: Step {i}.", f"    next: {target}"]
    lines += ["  done:", "    resolved: Done."]
    for i in range(stuck):
        target = f"stuck-{i + 1}" if i + 1 < stuck else "loop-a"
        lines += [f"  stuck-{i}:", f"    do: Stuck {i}.", f"    next: {target}"]
    lines += [
        "  loop-a:",
        "    do: A.",
        "    next: loop-b",
        "  loop-b:",
        "    do: B.",
        "    next: loop-a",
    ]
    path = folder / "long-chain.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def many_broken_links(folder: Path, nodes: int = 3_000) -> Path:
    """Every step links to a misspelt node: each "did you mean" compares with every node."""
    lines = [
        "id: many-broken-links",
        "title: Thousands of broken links",
        "system: Test",
        "summary: Hints must not make the check quadratic.",
        "owner: Nobody",
        "reviewed: 2026-11-01",
        "start: step-0",
        "nodes:",
    ]
    for i in range(nodes):
        lines += [f"  step-{i}:", f"    do: Step {i}.", f"    next: stepp-{i + 1}"]
    path = folder / "many-broken-links.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_thousands_of_nodes_checked_in_linear_time(
    run_measured: RunFastpath, tmp_path: Path
) -> None:
    path = long_chain(tmp_path)
    run = run_measured("check", str(path), "--today", "2026-11-29", timeout=60)
    assert run.exit_code == 1
    assert len(run.lines) == 1
    assert run.lines[0].endswith(
        "cycle with no exit: loop-a -> loop-b -> loop-a; "
        "add an answer that leads to a resolution or escalation [cycle-no-exit]"
    )
    assert_within_bounds(run)


def test_thousands_of_broken_links_checked_quickly(
    run_measured: RunFastpath, tmp_path: Path
) -> None:
    path = many_broken_links(tmp_path)
    run = run_measured("check", str(path), "--today", "2026-11-29", timeout=60)
    assert run.exit_code == 1
    broken = [line for line in run.lines if line.endswith("[broken-link]")]
    assert len(broken) == 10, "the first ten are shown, then a count of the rest"
    assert f"{path}: ... and 2,990 more broken-link problems in this file" in run.lines
    assert 'does not exist (did you mean "step-1"?)' in broken[0]
    assert_within_bounds(run)


def test_one_key_repeated_50000_times_prints_a_few_lines_and_a_count(
    run_measured: RunFastpath, tmp_path: Path
) -> None:
    path = tmp_path / "repeated-key.yaml"
    path.write_text("a: 1\n" * 50_000)  # 250 KB: 100,007 problems
    run = run_measured("check", str(path), timeout=60)
    assert run.exit_code == 1
    assert run.stderr == "1 file(s), 0 tree(s): 100007 error(s), 0 warning(s)\n"
    assert len(run.lines) <= 40, f"{len(run.lines)} lines"
    assert f"{path}: ... and 49,989 more duplicate-key problems in this file" in run.lines
    assert f"{path}: ... and 49,990 more unknown-key problems in this file" in run.lines
    assert "Traceback" not in run.stdout + run.stderr


def long_cycle(folder: Path, steps: int = 20_000) -> Path:
    lines = [
        "id: long-cycle",
        "title: A loop of twenty thousand steps",
        "system: Test",
        "summary: The cycle message must not quote every step.",
        "owner: Nobody",
        "reviewed: 2026-11-01",
        "start: step-0",
        "nodes:",
    ]
    for i in range(steps):
        lines += [f"  step-{i}:", f"    do: Step {i}.", f"    next: step-{(i + 1) % steps}"]
    path = folder / "long-cycle.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_20000_step_cycle_is_one_short_line(run_fastpath: RunFastpath, tmp_path: Path) -> None:
    run = run_fastpath("check", "--today", "2026-11-29", str(long_cycle(tmp_path)), timeout=60)
    assert run.exit_code == 1
    (line,) = run.lines
    assert line.endswith("[cycle-no-exit]")
    assert "step-0 -> step-1 -> step-2 -> step-3 -> step-4 -> ... (19,990 more steps)" in line
    assert "step-19999 -> step-0; add an answer" in line
    assert len(line) < 500


def test_a_file_claiming_no_size_is_capped_while_reading(run_fastpath: RunFastpath) -> None:
    """/proc files report 0 bytes: the cap holds for what is read, not what stat says."""
    run = run_fastpath("check", "--max-bytes", "100", "/proc/self/maps", timeout=30)
    assert run.exit_code == 1
    (line,) = run.lines
    assert line.endswith("error: file is over the 100-byte limit for a tree [file-too-large]")


def test_a_symlink_out_of_the_knowledge_base_is_refused(
    run_fastpath: RunFastpath, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FASTPATH_TEST_SECRET", "do-not-print-me")
    trees = tmp_path / "decision_trees" / "pacs"
    trees.mkdir(parents=True)
    (trees / "environ.yaml").symlink_to("/proc/self/environ")
    (trees / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    run = run_fastpath("check", str(tmp_path / "decision_trees"), timeout=30)
    assert run.exit_code == 1
    assert run.lines == [
        f"{trees}/elsewhere:1:1: error: symlink to {tmp_path}, outside "
        f"{tmp_path}/decision_trees; copy the file into the knowledge base instead "
        "[outside-link]",
        f"{trees}/environ.yaml:1:1: error: symlink to /proc/self/environ, outside "
        f"{tmp_path}/decision_trees; copy the file into the knowledge base instead "
        "[outside-link]",
    ]
    assert "do-not-print-me" not in run.stdout + run.stderr
