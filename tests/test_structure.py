"""The shape of the code: imports go downwards, no cycles, heavy libraries stay in their place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("fastpath", "search", "builder")  # top to bottom
LAYER = {name: i for i, name in enumerate(PACKAGES)}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {
    module_name(p): p for package in PACKAGES for p in sorted((REPO / package).rglob("*.py"))
}
GRAPH = {
    name: {m for m in imports_of(path) if m in MODULES and m != name}
    for name, path in MODULES.items()
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_a_package_above_its_own(name: str) -> None:
    own = LAYER[name.split(".")[0]]
    above = {m for m in GRAPH[name] if LAYER[m.split(".")[0]] < own}
    assert not above, f"{name} imports {sorted(above)} from a package above it"


def test_no_import_cycles() -> None:
    """Not two modules importing each other, nor any longer loop."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in sorted(GRAPH[name]):
            if state.get(other) == 1:
                loop = [*path[path.index(other) :], other]
                pytest.fail("import cycle: " + " -> ".join(loop))
            if other not in state:
                visit(other, [*path, other])
        state[name] = 2

    for name in sorted(MODULES):
        if name not in state:
            visit(name, [name])


def importers_of(library: str) -> set[str]:
    return {
        name
        for name, path in MODULES.items()
        if any(m == library or m.startswith(library + ".") for m in imports_of(path))
    }


def test_only_the_plugin_and_site_build_import_mkdocs() -> None:
    assert importers_of("mkdocs") == {
        "builder.plugin",
        "builder.plugin_config",
        "builder.plugin_reuse",  # the plugin's page reuse, MkDocs' pages and navigation
        "builder.site_build",
    }


def test_only_the_engine_module_imports_whoosh() -> None:
    assert importers_of("whoosh") == {"search.engine.whoosh_engine"}
