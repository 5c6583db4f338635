"""Every check rule, one invalid file (or folder) each, with the exact problems it gives.

tests/data/invalid/<rule-id>.yaml breaks one rule; cross-tree rules use a folder
tests/data/invalid/<rule-id>/. Each case lists every problem the checker must report
for it, as (line, col, rule) or, for a folder, (file, line, col, rule): no more, no fewer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from builder.check import CheckOptions, CheckResult, check_paths
from builder.notices import RULES as NOTICE_RULES
from builder.problems import Level, Problem
from builder.rules.registry import RULES as REGISTRY

DATA = Path(__file__).parent / "data"
INVALID = Path(__file__).parent / "data" / "invalid"
TODAY = date(2026, 11, 29)

# Every rule the checker declares (builder/rules/registry.py) needs a case here, but for a
# file the system cannot read, which no fixture file can be (tested below), and the rules of
# the notices file, whose cases are in test_feedback_notices.py.
RULES = set(REGISTRY) - {"unreadable"} - {rule.id for rule in NOTICE_RULES}

Expected = list[tuple[int, int, str]] | list[tuple[str, int, int, str]]

EXPECTED: dict[str, Expected] = {
    "file-too-large": [(1, 1, "file-too-large")],
    "binary-file": [(3, 1, "binary-file")],  # the first NUL of a PNG header
    "invalid-utf8": [(3, 11, "invalid-utf8")],  # the Windows-1252 "é"
    "empty-file": [(1, 1, "empty-file")],
    "yaml-alias": [(12, 14, "yaml-alias")],  # the anchor, before any alias is followed
    "too-deep": [(3, 74, "too-deep")],  # the 64th "[" after "symptoms: "
    "tab-indent": [(4, 1, "tab-indent")],
    "not-a-mapping": [(1, 1, "not-a-mapping")],
    "yaml-syntax": [(4, 27, "yaml-syntax")],  # the second ": " in a plain value
    "multiple-documents": [(4, 1, "multiple-documents")],
    "unknown-key": [
        (5, 1, "unknown-key"),  # symptons
        # One mistake, one line: "anwsers" (did you mean "answers"?). Not also "answers
        # missing", nor a dead end at reset-layout, whose answers are only misspelt.
        (20, 5, "unknown-key"),
    ],
    "missing-key": [
        (1, 1, "missing-key"),  # owner, reported at the tree
        (9, 5, "missing-key"),  # next of the step "retry", reported at the node
        # "fixed" is not also reported unreachable: where "retry" leads is not known yet.
    ],
    "wrong-type": [
        (5, 11, "wrong-type"),  # symptoms: a single value
        (7, 11, "wrong-type"),  # reviewed: 01/11/2026
        (12, 12, "wrong-type"),  # basic: yes
        (18, 17, "wrong-type"),  # expert: "true" (quoted)
        (22, 14, "wrong-type"),  # include: a single value
        (23, 9, "wrong-type"),  # a node that is a single value
    ],
    "empty-value": [
        (2, 8, "empty-value"),  # title: ""
        (5, 7, "empty-value"),  # owner: (nothing)
        (10, 15, "empty-value"),  # resolved: "   "
    ],
    "invalid-id": [
        (7, 8, "invalid-id"),  # start: Ask_Colleague
        (9, 3, "invalid-id"),  # node id Ask_Colleague
        (15, 15, "invalid-id"),  # next: unlock study
        (16, 3, "invalid-id"),  # node id "unlock study"
    ],
    "duplicate-key": [(5, 1, "duplicate-key"), (13, 5, "duplicate-key")],
    "duplicate-node": [(18, 3, "duplicate-node")],
    "node-kind": [(12, 5, "node-kind"), (16, 5, "node-kind")],
    "broken-link": [
        # next: clear-filtr (did you mean "clear-filter"?); clear-filter is not also
        # reported unreachable: the link reaches it once it says what it meant.
        ("broken-link.yaml", 13, 15, "broken-link"),
        ("broken-link.yaml", 23, 15, "broken-link"),  # next: tree:vpn-wont-conect
    ],
    "unreachable": [(14, 3, "unreachable"), (18, 3, "unreachable")],
    "dead-end": [(16, 3, "dead-end")],
    "cycle-no-exit": [(16, 3, "cycle-no-exit")],
    "expert-answer": [(9, 3, "expert-answer"), (20, 9, "expert-answer")],
    "expert-loop": [(7, 8, "expert-loop")],
    "id-mismatch": [(2, 5, "id-mismatch")],
    "stale-review": [(6, 11, "stale-review")],
    "duplicate-tree-id": [("b/duplicate-tree-id.yaml", 1, 5, "duplicate-tree-id")],
    "duplicate-code": [("storage-full.yaml", 14, 15, "duplicate-code")],
    "unknown-contact": [
        (18, 14, "unknown-contact"),  # dictation-oncal (did you mean "dictation-oncall"?)
        (22, 14, "unknown-contact"),  # radiology-manager
    ],
    "unused-contact": [("contacts.yaml", 6, 3, "unused-contact")],  # old-helpdesk
    # Ext 4470 is ext. 4470; two teams with no number of ours are not a clash.
    "duplicate-phone": [("contacts.yaml", 8, 12, "duplicate-phone")],
    # Once, at the first escalation, however many there are.
    "missing-contacts": [("a-wire-down.yaml", 11, 14, "missing-contacts")],
    "system-slug-clash": [("system-slug-clash.yaml", 3, 9, "system-slug-clash")],
    # a symlink to a tree outside the folder checked: refused, not read
    "outside-link": [("outside-link.yaml", 1, 1, "outside-link")],
    "invalid-family": [
        ("families.yaml", 4, 11, "invalid-family"),  # base: hexadecimal
        ("families.yaml", 6, 3, "invalid-family"),  # prefix rdp of two families
        ("families.yaml", 10, 20, "invalid-family"),  # unique_within: everywhere
    ],
    "unknown-family": [("unknown-family.yaml", 13, 17, "unknown-family")],  # dicom-statuss
    "family-undecided": [("family-undecided.yaml", 12, 15, "family-undecided")],  # 0xA700
    "empty-code": [(12, 15, "empty-code")],  # "Fehler Ä-1"
}

# The problems above that are warnings, not errors.
WARNINGS: dict[str, set[tuple[int, int]]] = {
    "stale-review": {(6, 11)},
    "expert-answer": {(20, 9)},  # expert: true on a question that is not basic
    "unused-contact": {(6, 3)},
}

OPTIONS: dict[str, CheckOptions] = {
    "file-too-large": CheckOptions(max_bytes=64, today=TODAY),
}


def case_path(rule: str) -> Path:
    folder = INVALID / rule
    return folder if folder.is_dir() else INVALID / f"{rule}.yaml"


def check(rule: str) -> CheckResult:
    return check_paths([case_path(rule)], OPTIONS.get(rule, CheckOptions(today=TODAY)))


def located(problem: Problem, case: Path) -> tuple[int, int, str] | tuple[str, int, int, str]:
    """A problem as the cases state it: the file is named only for folder cases."""
    pos = problem.pos
    if case.is_dir():
        shown = Path(pos.path)  # a symlink is named by itself, not its target
        name = (shown.parent.resolve() / shown.name).relative_to(case.resolve()).as_posix()
        return (name, pos.line, pos.col, problem.rule)
    assert Path(pos.path).resolve() == case.resolve()
    return (pos.line, pos.col, problem.rule)


def problem_of(result: CheckResult, line: int, col: int) -> Problem:
    (found,) = [p for p in result.problems if (p.pos.line, p.pos.col) == (line, col)]
    return found


def test_every_rule_has_a_case_and_every_case_a_rule() -> None:
    on_disk = {p.stem if p.is_file() else p.name for p in INVALID.iterdir()}
    assert set(EXPECTED) == RULES
    assert on_disk == RULES


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_exact_problems(rule: str) -> None:
    case = case_path(rule)
    result = check(rule)
    assert [located(p, case) for p in result.problems] == EXPECTED[rule]


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_warnings_and_errors(rule: str) -> None:
    result = check(rule)
    warned = {(p.pos.line, p.pos.col) for p in result.problems if p.level is Level.WARNING}
    assert warned == WARNINGS.get(rule, set())
    assert rule in {p.rule for p in result.problems}


@pytest.mark.parametrize("rule", sorted(RULES - {"id-mismatch"}))
def test_tree_ids_match_their_file_names(rule: str) -> None:
    for tree in check(rule).trees:
        assert tree.id == Path(tree.path).stem


def test_misspelt_key_gets_did_you_mean() -> None:
    result = check("unknown-key")
    assert problem_of(result, 20, 5).message == (
        'unknown key "anwsers" in node "reset-layout" (question) (did you mean "answers"?)'
    )
    assert problem_of(result, 5, 1).message == (
        'unknown key "symptons" in the tree (did you mean "symptoms"?)'
    )


def test_misspelt_next_gets_did_you_mean() -> None:
    result = check("broken-link")
    assert problem_of(result, 13, 15).message == (
        '"next" goes to node "clear-filtr", which does not exist (did you mean "clear-filter"?)'
    )
    assert problem_of(result, 23, 15).message == (
        '"next" links to tree "vpn-wont-conect", which does not exist '
        '(did you mean "vpn-wont-connect"?)'
    )


def test_tree_link_to_a_tree_checked_alongside_is_fine() -> None:
    # list-filled links to tree:vpn-wont-connect too; only the misspelt link is reported.
    result = check("broken-link")
    assert {t.id for t in result.trees} == {"broken-link", "vpn-wont-connect"}
    assert [p.pos.line for p in result.problems if p.rule == "broken-link"] == [13, 23]


def test_tree_link_without_its_tree_is_broken() -> None:
    result = check_paths([INVALID / "broken-link" / "broken-link.yaml"], CheckOptions(today=TODAY))
    assert [(p.pos.line, p.rule) for p in result.problems if p.rule == "broken-link"] == [
        (13, "broken-link"),
        (23, "broken-link"),
        (25, "broken-link"),
    ]


def test_duplicate_code_names_both_places() -> None:
    result = check("duplicate-code")
    (problem,) = result.problems
    first = f"{INVALID / 'duplicate-code' / 'duplicate-code.yaml'}"
    assert problem.message.startswith('code "dcm 0042" is already claimed by duplicate-code#retry')
    assert '("DCM-0042" at ' in problem.message
    assert "(here: storage-full#call-pacs)" in problem.message
    # The first place is given with its own path:line:col.
    at = problem.message.split('("DCM-0042" at ', 1)[1].split(")", 1)[0]
    path, line, col = at.rsplit(":", 2)
    assert (Path(path).resolve(), line, col) == (Path(first).resolve(), "6", "11")


def test_duplicate_tree_id_names_the_first_file() -> None:
    (problem,) = check("duplicate-tree-id").problems
    assert problem.message.startswith('tree id "duplicate-tree-id" is already used by ')
    first = problem.message.rsplit(" ", 1)[1]
    assert Path(first).resolve() == (INVALID / "duplicate-tree-id/a/duplicate-tree-id.yaml")


def test_stale_review_says_how_old() -> None:
    (problem,) = check("stale-review").problems
    assert problem.message == (
        "last reviewed 2024-06-30, 882 days ago (limit 365); review the tree and update the date"
    )


def test_review_within_the_limit_is_not_stale() -> None:
    options = CheckOptions(max_review_age_days=1000, today=TODAY)
    assert check_paths([case_path("stale-review")], options).problems == []


def test_review_date_in_the_future_is_flagged() -> None:
    options = CheckOptions(today=date(2024, 1, 1))
    (problem,) = check_paths([case_path("stale-review")], options).problems
    assert (problem.rule, problem.level) == ("stale-review", Level.WARNING)
    assert problem.message == "review date 2024-06-30 is in the future"


def test_id_mismatch_says_how_to_fix_it() -> None:
    (problem,) = check("id-mismatch").problems
    assert problem.message == (
        'id "monitor-flicker" does not match the file name "id-mismatch"; '
        "rename the file to monitor-flicker.yaml or set id: id-mismatch"
    )


def test_expert_loop_shows_the_loop() -> None:
    (problem,) = check("expert-loop").problems
    assert "(cable-in -> power-cycle -> cable-in)" in problem.message


def test_cycle_message_starts_at_the_reported_node_on_every_run() -> None:
    # The message once depended on set order, so it changed with PYTHONHASHSEED.
    script = (
        "from datetime import date; from pathlib import Path;"
        "from builder.check import CheckOptions, check_paths;"
        f"r = check_paths([Path({str(case_path('cycle-no-exit'))!r})],"
        " CheckOptions(today=date(2026, 11, 29)));"
        "print(r.problems[0].message)"
    )
    messages = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert messages == {
        "cycle with no exit: clear-credentials -> log-in-again -> clear-credentials; "
        "add an answer that leads to a resolution or escalation\n"
    }


def test_file_too_large_names_both_sizes() -> None:
    (problem,) = check("file-too-large").problems
    size = case_path("file-too-large").stat().st_size
    assert problem.message == f"file is {size:,} bytes, over the 64-byte limit for a tree"
    # Within the limit, the same file is a valid tree.
    assert check_paths([case_path("file-too-large")], CheckOptions(today=TODAY)).problems == []


def test_a_misspelt_key_in_a_real_tree_is_one_line_each(tmp_path: Path) -> None:
    """An author's typo repeated on every question: no cascade of dead ends, unreachable
    steps or broken links behind it, one located line per misspelling."""
    source = INVALID.parents[2] / "decision_trees" / "pacs" / "pacs-images-not-loading.yaml"
    typo = tmp_path / source.name
    text = source.read_text(encoding="utf-8")
    typo.write_text(text.replace("    answers:", "    anwsers:"), encoding="utf-8")
    # The knowledge base's contacts beside it, so its escalations name known teams.
    (tmp_path / "contacts.yaml").write_bytes((source.parents[1] / "contacts.yaml").read_bytes())
    questions = text.count("    answers:")
    result = check_paths([typo], CheckOptions(today=TODAY))
    assert [p.rule for p in result.problems] == ["unknown-key"] * questions


def test_a_misspelt_next_in_a_real_tree_is_one_line(tmp_path: Path) -> None:
    """One typo in a link near the start of a tree: one broken link saying what was meant,
    not also every step behind it reported unreachable."""
    source = INVALID.parents[2] / "decision_trees" / "pacs" / "pacs-images-not-loading.yaml"
    typo = tmp_path / source.name
    text = source.read_text(encoding="utf-8")
    assert text.count("next: scope\n") == 1  # the only way to the rest of the tree
    typo.write_text(text.replace("next: scope\n", "next: scpoe\n"), encoding="utf-8")
    (tmp_path / "contacts.yaml").write_bytes((source.parents[1] / "contacts.yaml").read_bytes())
    result = check_paths([typo], CheckOptions(today=TODAY))
    # Checked alone, its links to other trees go nowhere: those are not the point here.
    problems = [p for p in result.problems if "links to tree" not in p.message]
    assert [(p.rule, p.message) for p in problems] == [
        ("broken-link", '"next" goes to node "scpoe", which does not exist (did you mean "scope"?)')
    ]


def test_a_file_that_cannot_be_read_is_one_located_problem(tmp_path: Path) -> None:
    from builder.check import load_tree

    folder = tmp_path / "not-a-file.yaml"
    folder.mkdir()
    tree, problems = load_tree(folder)
    assert tree is None
    assert [(p.pos.line, p.pos.col, p.level, p.rule) for p in problems] == [
        (1, 1, Level.ERROR, "unreadable")
    ]


def test_unknown_contact_gets_did_you_mean() -> None:
    result = check("unknown-contact")
    assert problem_of(result, 18, 14).message == (
        'contact "dictation-oncal" is not a team in tests/data/contacts.yaml '
        '(did you mean "dictation-oncall"?)'
    )


def test_duplicate_phone_names_both_teams() -> None:
    (problem,) = check("duplicate-phone").problems
    assert problem.message == (
        'teams "medical-physics" and "integration-oncall" have the same phone number '
        '("Ext 4470"); give each team its own'
    )


def test_missing_contacts_says_where_the_file_belongs() -> None:
    (problem,) = check("missing-contacts").problems
    assert "(tests/data/invalid/missing-contacts/contacts.yaml)" in problem.message
    assert '"desktop-support"' in problem.message


def test_a_team_is_unused_only_when_the_whole_knowledge_base_is_checked() -> None:
    """One tree checked alone says nothing about the teams other trees use."""
    one_tree = case_path("unused-contact") / "viewer-frozen.yaml"
    assert check_paths([one_tree], CheckOptions(today=TODAY)).problems == []


def test_one_tree_checked_alone_finds_the_contacts_above_it() -> None:
    """decision_trees/<system>/<tree>.yaml: the contacts file sits one folder up."""
    tree = INVALID.parents[2] / "decision_trees" / "dictation" / "dictation-lost.yaml"
    result = check_paths([tree], CheckOptions(today=TODAY))
    assert result.contacts is not None and "dictation-team" in result.contacts.teams
    assert not [p for p in result.problems if "contact" in p.rule]


def test_a_tab_is_reported_and_the_rest_of_the_file_still_checked() -> None:
    result = check_paths([DATA / "authoring" / "tab-indent-more.yaml"], CheckOptions(today=TODAY))
    found = [(p.pos.line, p.rule) for p in result.problems]
    assert found == [
        (10, "tab-indent"),
        (11, "tab-indent"),
        (11, "broken-link"),
        (14, "unknown-key"),
    ]
