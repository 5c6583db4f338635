"""The benchmark's synthetic knowledge base is valid: `fastpath check` finds nothing.

No timings here, ever: the benchmark itself is `bench/run.py` (docs/benchmarks.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env, check=False
    )


def test_generated_trees_are_clean(tmp_path: Path) -> None:
    trees = tmp_path / "decision_trees"
    generated = run(sys.executable, "-m", "bench.generate", "--trees", "24", str(trees))
    assert generated.returncode == 0, generated.stderr
    assert "24 trees" in generated.stdout and "120 codes" in generated.stdout

    checked = run(str(Path(sys.executable).with_name("fastpath")), "check", str(trees))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "24 tree(s): 0 error(s), 0 warning(s)" in checked.stderr
    assert checked.stdout == ""

    text = "\n".join(p.read_text(encoding="utf-8") for p in trees.rglob("*.yaml"))
    for marker in ("ask: |", "do: |", "resolved: |", "escalate:", "expert: true", "tree:"):
        assert marker in text, f"no {marker!r} in the generated trees"
    assert len([p for p in trees.iterdir() if p.is_dir()]) == 20


def test_the_plain_mkdocs_project_has_one_page_per_tree(tmp_path: Path) -> None:
    """The side-by-side project: a page per tree (the registries beside them are no page)."""
    import yaml

    from bench.sites import plain_project

    trees = tmp_path / "decision_trees"
    generated = run(sys.executable, "-m", "bench.generate", "--trees", "24", str(trees))
    assert generated.returncode == 0, generated.stderr
    assert (trees / "contacts.yaml").is_file()
    config = plain_project(tmp_path / "plain", trees)
    pages = sorted((tmp_path / "plain" / "docs" / "pages").rglob("*.md"))
    assert len(pages) == 24
    nav = yaml.safe_load(config.read_text(encoding="utf-8").split("\nnav:\n", 1)[1])
    assert len([e for e in nav if str(next(iter(e.values()))).startswith("pages/")]) == 24
