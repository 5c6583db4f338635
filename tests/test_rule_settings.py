"""The rule registry as authors meet it: `fastpath rules`, and per-project rule settings."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builder.problems import Level
from builder.rules.registry import RULES, RuleSettingError, rule_levels

RunFastpath = Callable[..., Any]

REPO = Path(__file__).resolve().parent.parent
STALE = REPO / "tests" / "data" / "invalid" / "stale-review.yaml"
TODAY = ("--today", "2026-11-29")


def project(tmp_path: Path, rules: str) -> Path:
    """A project whose only tree was last reviewed long ago, with the given rule settings."""
    trees = tmp_path / "decision_trees" / "sample"
    trees.mkdir(parents=True)
    shutil.copy(STALE, trees / "stale-review.yaml")
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("trees_dir: decision_trees", f"trees_dir: decision_trees{rules}")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_rules_lists_every_rule_with_its_level(run_fastpath: RunFastpath) -> None:
    run = run_fastpath("rules")
    assert run.exit_code == 0
    listed = {line.split()[0]: line.split()[1] for line in run.stdout.splitlines()}
    assert listed == {rule.id: rule.level.value for rule in RULES.values()}


def test_a_warning_rule_can_be_raised_to_an_error(
    run_fastpath: RunFastpath, tmp_path: Path
) -> None:
    folder = project(tmp_path, "\n      rules:\n        stale-review: error")
    run = run_fastpath("check", *TODAY, cwd=folder)
    assert run.exit_code == 1
    assert ": error: last reviewed 2024-06-30" in run.stdout
    assert run.stdout.rstrip().endswith("[stale-review]")


def test_a_warning_rule_can_be_turned_off(run_fastpath: RunFastpath, tmp_path: Path) -> None:
    folder = project(tmp_path, "\n      rules:\n        stale-review: 'off'")
    run = run_fastpath("check", "--strict", *TODAY, cwd=folder)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stdout == ""


def test_without_settings_the_rule_keeps_its_level(
    run_fastpath: RunFastpath, tmp_path: Path
) -> None:
    run = run_fastpath("check", *TODAY, cwd=project(tmp_path, ""))
    assert run.exit_code == 0
    assert ": warning: last reviewed" in run.stdout


def test_an_error_rule_cannot_be_turned_off(run_fastpath: RunFastpath, tmp_path: Path) -> None:
    folder = project(tmp_path, "\n      rules:\n        broken-link: warning")
    run = run_fastpath("check", *TODAY, cwd=folder)
    assert run.exit_code == 2
    assert 'rule "broken-link" is an error and cannot be turned down' in run.stderr
    assert "Traceback" not in run.stderr


def test_an_unknown_rule_gets_did_you_mean() -> None:
    with pytest.raises(RuleSettingError, match='no rule "stale-reveiw" \\(did you mean'):
        rule_levels({"stale-reveiw": "error"})
    with pytest.raises(RuleSettingError, match="use one of off, warning, error"):
        rule_levels({"stale-review": "loud"})
    assert rule_levels({"stale-review": "off", "duplicate-code": "error"}) == {
        "stale-review": None,
        "duplicate-code": Level.ERROR,
    }


def test_the_build_follows_the_settings(tmp_path: Path) -> None:
    from fastpath.build import BuildFailed, BuildOptions, build_project

    folder = project(tmp_path, "\n      rules:\n        stale-review: error")
    text = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    (folder / "mkdocs.yml").write_text(text.replace("docs_dir: docs", f"docs_dir: {REPO / 'docs'}"))
    options = BuildOptions(folder / "mkdocs.yml", folder / "site", folder / "index")
    with pytest.raises(BuildFailed, match=r"error: last reviewed .* \[stale-review\]"):
        build_project(options)
    assert not (folder / "site").exists()
