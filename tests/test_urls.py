"""Where trees live on the site: system folders distinct and stable for any system name."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.check import CheckOptions, check_paths
from builder.urls import system_slug


@pytest.mark.parametrize(
    ("system", "slug"),
    [
        ("PACS viewer", "pacs-viewer"),
        ("Workstation", "workstation"),
        ("Röntgen", "rontgen"),  # accents dropped, not the letter
        ("日本", "cf2abf0c"),  # no ASCII form: a hash of the name, the same on every build
        ("中国", "f0e95216"),
        ("CT 日本", "ct-4a577dc4"),
        ("CT 中国", "ct-26831455"),
        ("!!!", "e84c538e"),
    ],
)
def test_system_slugs(system: str, slug: str) -> None:
    assert system_slug(system) == slug


def test_systems_without_ascii_letters_get_their_own_pages(tmp_path: Path) -> None:
    for number, system in enumerate(["日本", "中国"]):
        (tmp_path / f"tree-{number}.yaml").write_text(
            f"id: tree-{number}\ntitle: T\nsystem: {system}\nsummary: S\nowner: O\n"
            "reviewed: 2026-11-01\nstart: fixed\nnodes:\n  fixed:\n    resolved: Fixed.\n",
            encoding="utf-8",
        )
    result = check_paths([tmp_path], CheckOptions())
    assert [p.rule for p in result.problems if p.rule != "stale-review"] == []
    assert len({system_slug(tree.system) for tree in result.trees}) == 2
