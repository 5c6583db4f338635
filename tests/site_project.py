"""A small MkDocs project like the real one, for tests that build or preview a site."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN_TREES = REPO / "tests" / "data" / "golden" / "trees"


def write_site(tmp: Path, trees: Path, **plugin: object) -> Path:
    """A project folder: mkdocs.yml like the real one (and its docs), with its own trees."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    options = "".join(f"\n      {k}: {v}" for k, v in {"trees_dir": trees, **plugin}.items())
    config = config.replace("docs_dir: docs", f"docs_dir: {REPO / 'docs'}")
    config = config.replace("\n      trees_dir: decision_trees", options)
    (tmp / "mkdocs.yml").write_text(config, encoding="utf-8")
    return tmp / "mkdocs.yml"
