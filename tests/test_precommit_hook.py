"""The pre-commit hook: its entry, run on the staged files it selects, in a fresh repository."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KB = REPO / "tests" / "data" / "authoring" / "kb"


def hook() -> dict[str, Any]:
    (found,) = [h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if h]
    return dict(found)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Author", "-c", "user.email=author@example.org", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def run_hook(repo: Path) -> subprocess.CompletedProcess[str]:
    """What pre-commit does: the entry with the staged files its `files` pattern selects."""
    spec = hook()
    staged = git(repo, "diff", "--cached", "--name-only").split()
    files = [f for f in staged if re.search(spec["files"], f)]
    command, *args = shlex.split(spec["entry"])
    return subprocess.run(
        [str(BIN / command), *args, *files], cwd=repo, capture_output=True, text=True, check=False
    )


@pytest.fixture
def kb_repo(tmp_path: Path) -> Path:
    shutil.copytree(KB, tmp_path / "decision_trees")
    # Start clean: the fixture's known problems are fixed before the first commit.
    store = tmp_path / "decision_trees" / "pacs" / "store-failed.yaml"
    text = store.read_text("utf-8").replace("    colour: red\n", "")
    store.write_text(text.replace('"0xA700"', '"0xA701"'), "utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "trees")
    return tmp_path


def test_the_hook_is_fastpath_check_on_trees() -> None:
    spec = hook()
    assert (spec["id"], spec["entry"]) == ("fastpath-check", "fastpath check")
    assert re.search(spec["files"], "decision_trees/pacs/store-failed.yaml")
    assert not re.search(spec["files"], "docs/index.md")


def test_a_staged_mistake_fails_the_commit_with_its_line(kb_repo: Path) -> None:
    tree = kb_repo / "decision_trees" / "pacs" / "priors-missing.yaml"
    tree.write_text(
        tree.read_text("utf-8").replace("next: tree:store-failed", "next: tree:store-faild")
    )
    git(kb_repo, "add", ".")
    run = run_hook(kb_repo)
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "decision_trees/pacs/priors-missing.yaml:15:11: error: "
        '"next" links to tree "store-faild", which does not exist (did you mean "store-failed"?) '
        "[broken-link]"
    ]


def test_a_good_staged_change_passes_with_the_rest_as_context(kb_repo: Path) -> None:
    tree = kb_repo / "decision_trees" / "pacs" / "priors-missing.yaml"
    tree.write_text(tree.read_text("utf-8").replace("Retrieve the priors again.", "Retrieve."))
    git(kb_repo, "add", ".")
    run = run_hook(kb_repo)
    assert (run.returncode, run.stdout) == (0, "")
