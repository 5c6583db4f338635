"""The measured work, one task per child process: `python -m bench.tasks TASK ARGS...`.

Each task times only its own work (imports and interpreter start are outside the timer)
and prints one JSON object on stdout; the parent adds the process's wall time and peak
memory (see `bench.measure`). Loading the trees a task needs as input is not timed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

Result = dict[str, Any]


def _tree_files(trees_dir: Path) -> list[Path]:
    return sorted(p for p in trees_dir.rglob("*.yaml") if p.is_file())


def _checked(trees_dir: Path) -> list[Any]:
    from builder.check import check_paths

    result = check_paths([trees_dir])
    if result.errors:
        raise SystemExit(f"{len(result.errors)} error(s) in {trees_dir}")
    return result.trees


def yaml_floor(trees_dir: str) -> Result:
    """Only parse the files with libyaml: the least any YAML-based tool can do."""
    import yaml

    files = _tree_files(Path(trees_dir))
    started = time.perf_counter()
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {"work_s": time.perf_counter() - started, "files": len(files)}


def check(trees_dir: str) -> Result:
    """`fastpath check`: load, parse and run every rule on every tree."""
    from builder.check import check_paths

    started = time.perf_counter()
    result = check_paths([Path(trees_dir)])
    return {
        "work_s": time.perf_counter() - started,
        "files": result.files,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
    }


def compile_pages(trees_dir: str) -> Result:
    """The compile step: `tree_page` and `tree_body` for every tree."""
    from builder.pages import SiteContext, tree_body, tree_page

    trees = _checked(Path(trees_dir))
    site = SiteContext({t.id: t for t in trees})
    started = time.perf_counter()
    size = sum(len(tree_page(tree)) + len(tree_body(tree, site)) for tree in trees)
    return {"work_s": time.perf_counter() - started, "pages": len(trees), "bytes": size}


def index(trees_dir: str, out_dir: str) -> Result:
    """`build_index` from checked trees."""
    from search.store.publish import build_index

    trees = _checked(Path(trees_dir))
    started = time.perf_counter()
    build_index(trees, Path(out_dir))
    return {"work_s": time.perf_counter() - started, "trees": len(trees)}


def fastpath_build(config_file: str, site_dir: str, index_dir: str) -> Result:
    """What `fastpath build` does (`build_project`): check, then the site with the search
    index built alongside in a second process, then publish the index."""
    from builder.site_build import quiet_mkdocs_info
    from fastpath.build import BuildOptions, build_project

    quiet_mkdocs_info(verbose=False)
    result = build_project(BuildOptions(Path(config_file), Path(site_dir), Path(index_dir)))
    return {
        "work_s": result.seconds,
        "site_s": result.site_seconds,
        "index_s": result.seconds - result.site_seconds,
        "trees": result.trees,
    }


EDIT_MARK = "summary: |\n"


def fastpath_rebuild(config_file: str, site_dir: str, index_dir: str, tree_file: str) -> Result:
    """`fastpath build` again after one tree's summary was edited (the edit is not timed)."""
    path = Path(tree_file)
    text = path.read_text(encoding="utf-8")
    if EDIT_MARK not in text:
        raise SystemExit(f"{tree_file}: no block summary to edit")
    edited = text.replace(EDIT_MARK, EDIT_MARK + "  Edited after the last build.\n", 1)
    path.write_text(edited, encoding="utf-8")
    return fastpath_build(config_file, site_dir, index_dir)


def plain_mkdocs(config_file: str, site_dir: str) -> Result:
    """What `mkdocs build` does with hand-written pages."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    started = time.perf_counter()
    build(load_config(config_file, site_dir=site_dir))
    return {"work_s": time.perf_counter() - started}


def search(index_dir: str, trees_dir: str, queries_file: str, work_dir: str) -> Result:
    """In-process query latency: Fastpath's search service, SQLite FTS5, a dict."""
    from bench.search_engines import run_search_benchmark

    return run_search_benchmark(
        Path(index_dir), _checked(Path(trees_dir)), Path(queries_file), Path(work_dir)
    )


TASKS: dict[str, Callable[..., Result]] = {
    "yaml-floor": yaml_floor,
    "check": check,
    "compile": compile_pages,
    "index": index,
    "fastpath-build": fastpath_build,
    "fastpath-rebuild": fastpath_rebuild,
    "plain-mkdocs": plain_mkdocs,
    "search": search,
}


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in TASKS:
        raise SystemExit(f"usage: python -m bench.tasks {{{','.join(TASKS)}}} ARGS...")
    result = TASKS[argv[0]](*argv[1:])
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
