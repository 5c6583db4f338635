"""Every rule Fastpath checks, in one table: `fastpath rules`, the docs and the tests read it.

Each rule is declared where its problems are made (`Rule(id, level, description)`): reading
the file in `builder.yamlsource`, the shape of a tree in `builder.parse`, the rest in the
modules of this package. A project may turn a warning rule off or up to an error
(`rules:` in the fastpath plugin's options in mkdocs.yml); errors cannot be turned off, since
a tree with one must never reach users.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from builder import claims, families, notices, parse, yamlsource
from builder.problems import Level, Problem, Rule, did_you_mean
from builder.rules import (
    KnowledgeBaseRule,
    TreeRule,
    contacts,
    expert_rules,
    knowledge_base,
    links,
    metadata,
    reachability,
)

RULE_MODULES = (
    yamlsource,
    parse,
    families,
    claims,
    links,
    reachability,
    expert_rules,
    metadata,
    knowledge_base,
    contacts,
    notices,
)

RULES: dict[str, Rule] = {rule.id: rule for module in RULE_MODULES for rule in module.RULES}

TREE_CHECKS: tuple[TreeRule, ...] = (
    links.check_links,
    reachability.check_unreachable,
    reachability.check_dead_ends,
    reachability.check_cycles,
    expert_rules.check_expert_answers,
    expert_rules.check_expert_loop,
    metadata.check_id_matches_file,
    metadata.check_review_age,
)

KNOWLEDGE_BASE_CHECKS: tuple[KnowledgeBaseRule, ...] = (
    knowledge_base.check_unique_ids,
    knowledge_base.check_duplicate_codes,
    knowledge_base.check_system_slugs,
)

SETTINGS = ("off", "warning", "error")


class RuleSettingError(ValueError):
    """A rule setting names no rule, or asks for what cannot be (turning an error off)."""


def rule_levels(settings: Mapping[str, str]) -> dict[str, Level | None]:
    """Validated per-rule settings: rule id -> new level, or None for off."""
    levels: dict[str, Level | None] = {}
    for rule_id, setting in settings.items():
        rule = RULES.get(rule_id)
        if rule is None:
            raise RuleSettingError(f'no rule "{rule_id}"{did_you_mean(rule_id, RULES)}')
        if setting not in SETTINGS:
            raise RuleSettingError(
                f'rule "{rule_id}": use one of {", ".join(SETTINGS)}, not "{setting}"'
            )
        if rule.level is Level.ERROR and setting != "error":
            raise RuleSettingError(
                f'rule "{rule_id}" is an error and cannot be turned down: '
                "a tree with it must not be published"
            )
        levels[rule_id] = None if setting == "off" else Level(setting)
    return levels


def apply_levels(problems: Iterable[Problem], levels: Mapping[str, Level | None]) -> list[Problem]:
    """The problems with each rule's setting applied: dropped when off, else re-levelled."""
    out: list[Problem] = []
    for problem in problems:
        if problem.rule not in levels:
            out.append(problem)
        elif (level := levels[problem.rule]) is not None:
            out.append(Problem(problem.pos, level, problem.message, problem.rule))
    return out
