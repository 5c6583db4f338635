"""contacts.yaml: read with located errors, and each team shown on its escalations."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from builder.check import CheckOptions, check_paths
from builder.contacts import load_contacts, phone_key

DATA = Path(__file__).parent / "data"
CONTACTS = DATA / "contacts"
TODAY = date(2026, 11, 29)


def located(path: Path) -> list[tuple[int, int, str]]:
    _, problems = load_contacts(path)
    return [(p.pos.line, p.pos.col, p.rule) for p in sorted(problems)]


def test_every_shape_error_is_located() -> None:
    assert located(CONTACTS / "shape-errors.yaml") == [
        (9, 5, "unknown-key"),  # phnoe (did you mean "phone"?), and not also "phone missing"
        (11, 3, "invalid-id"),  # Medical_Physics
        (16, 5, "missing-key"),  # network-oncall has no hours
        (18, 16, "wrong-type"),  # citrix-team: a single value
        (20, 11, "wrong-type"),  # name: a list
        (22, 12, "empty-value"),  # hours: ""
        (23, 3, "duplicate-key"),  # pacs-oncall a second time
        (27, 1, "unknown-key"),  # notes
    ]


def test_well_formed_teams_are_kept_and_broken_ones_known() -> None:
    contacts, _ = load_contacts(CONTACTS / "shape-errors.yaml")
    assert contacts is not None
    assert list(contacts.teams) == ["pacs-oncall"]
    # The first declaration wins, as in a tree's nodes.
    assert contacts.teams["pacs-oncall"].name == "PACS administrators"
    assert contacts.broken == {"ris-admins", "network-oncall", "citrix-team", "dictation-team"}


def test_teams_must_be_a_mapping() -> None:
    assert located(CONTACTS / "teams-a-list.yaml") == [(2, 3, "wrong-type")]


def test_unreadable_files_are_one_located_line() -> None:
    assert located(CONTACTS / "syntax-error.yaml") == [(6, 1, "yaml-syntax")]
    assert located(CONTACTS / "alias.yaml") == [(2, 16, "yaml-alias")]


def test_contacts_errors_fail_the_check(tmp_path: Path) -> None:
    """A broken contacts file is reported with the trees, and an escalation naming a team
    the file declares badly is not also reported as unknown."""
    (tmp_path / "pacs").mkdir()
    shutil.copy(CONTACTS / "shape-errors.yaml", tmp_path / "contacts.yaml")
    tree = (DATA / "invalid" / "unused-contact" / "viewer-frozen.yaml").read_text()
    (tmp_path / "pacs" / "viewer-frozen.yaml").write_text(
        tree.replace("contact: pacs-oncall", "contact: ris-admins")
    )
    result = check_paths([tmp_path], CheckOptions(today=TODAY))
    assert {Path(p.pos.path).name for p in result.errors} == {"contacts.yaml"}
    assert "unknown-contact" not in {p.rule for p in result.problems}
    # pacs-oncall is well formed and named by no escalation.
    assert [p.rule for p in result.warnings] == ["unused-contact"]


def test_display_line_has_name_number_hours_and_after_hours_route() -> None:
    contacts, problems = load_contacts(DATA / "golden" / "trees" / "contacts.yaml")
    assert problems == [] and contacts is not None
    assert contacts.teams["pacs-oncall"].display == (
        "PACS administrators, ext. 4455 (24/7). Out of hours: "
        "The on-call PACS administrator answers ext. 4455 (forwarded to their mobile)"
    )
    contacts, _ = load_contacts(DATA / "contacts.yaml")
    assert contacts is not None
    assert contacts.teams["service-desk"].display == "Service desk, ext. 4000 (24/7)"


def test_phone_numbers_compare_by_digits() -> None:
    assert phone_key("ext. 4455") == phone_key("Ext 4455") == phone_key("x4455") == "4455"
    assert phone_key("the number on your bill") == ""
