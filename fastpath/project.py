"""What a command needs to know of the project it runs in, without loading MkDocs.

`fastpath check` and `fastpath index` honour the fastpath plugin's options in mkdocs.yml
(the trees folder, per-rule settings, `use_directory_urls`) but must stay quick and must not
build a site, so the file is read as plain YAML: MkDocs' own tags (`!ENV`, `!!python/name`)
are read as empty values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

from builder.problems import Level
from builder.rules.registry import RuleSettingError, rule_levels

DEFAULT_TREES = Path("decision_trees")
DEFAULT_CONFIG = Path("mkdocs.yml")


class _LenientLoader(yaml.SafeLoader):
    """A safe loader that reads any tag it does not know as an empty value."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_LenientLoader.add_multi_constructor("!", _ignore_tag)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    """The parts of mkdocs.yml that checking and indexing depend on."""

    trees_dir: Path = DEFAULT_TREES
    directory_urls: bool = True
    rule_levels: dict[str, Level | None] = field(default_factory=dict)


def _plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "fastpath" in entry:
            return entry["fastpath"] or {}
    return {}


def project_settings(config_file: Path = DEFAULT_CONFIG) -> ProjectSettings:
    """The project's settings from its mkdocs.yml; defaults when there is none."""
    if not config_file.is_file():
        return ProjectSettings()
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise click.UsageError(f"{config_file}: cannot read it: {e}") from None
    if not isinstance(config, dict):
        return ProjectSettings()
    options = _plugin_options(config)
    rules = options.get("rules") or {}
    try:
        levels = rule_levels({str(k): str(v) for k, v in dict(rules).items()})
    except (RuleSettingError, TypeError, ValueError) as e:
        raise click.UsageError(f"{config_file}: fastpath rules: {e}") from None
    return ProjectSettings(
        trees_dir=config_file.parent / str(options.get("trees_dir") or DEFAULT_TREES),
        directory_urls=config.get("use_directory_urls") is not False,
        rule_levels=levels,
    )


def knowledge_base(paths: tuple[Path, ...], trees_dir: Path) -> Path | None:
    """The project's trees folder when every path named is a file inside it, else None."""
    if not paths or not trees_dir.is_dir() or any(p.is_dir() for p in paths):
        return None
    root = trees_dir.resolve()
    return trees_dir if all(p.resolve().is_relative_to(root) for p in paths) else None


def tree_paths(paths: tuple[Path, ...], settings: ProjectSettings) -> tuple[Path, ...]:
    """The paths given, or the project's trees folder; a usage error when there is neither."""
    if paths:
        return paths
    if not settings.trees_dir.is_dir():
        raise click.UsageError(f"no paths given and no {settings.trees_dir}/ folder here")
    return (settings.trees_dir,)
