"""Search by code with families: a prefix picks the family, a bare code claimed in several
families (or a device code in several systems) is offered as a labelled choice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.check import check_paths
from search.ranking import SearchResults
from search.service import search_index
from search.store.live import LiveIndex
from search.store.publish import build_index

KB = Path(__file__).resolve().parent / "data" / "codes-kb"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIndex]:
    result = check_paths([KB])
    assert result.problems == []
    out = tmp_path_factory.mktemp("codes-index")
    build_index(result.trees, out)
    index = LiveIndex(out)
    yield index
    index.close()


def exact(results: SearchResults) -> list[tuple[str, str, str | None]]:
    return [(h.tree, h.step, h.family) for h in results.hits if h.exact]


def test_a_bare_code_two_families_claim_is_a_labelled_choice(live: LiveIndex) -> None:
    results = search_index(live, "204")
    assert results.ambiguous
    assert exact(results) == [
        ("hl7-rejected", "unknown-key", "hl7"),
        ("rdp-failed", "socket", "rdp"),
    ]
    assert [h.label for h in results.hits if h.exact] == [
        "HL7 204 — HL7 error: Unknown key identifier — Worklist and RIS",
        "0x204 — Remote Desktop: Socket connect failed — Remote access",
    ]


@pytest.mark.parametrize("query", ["HL7 204", "hl7 204", "HL7204", "hl7-204", "HL7: 204"])
def test_a_family_prefix_searches_that_family(live: LiveIndex, query: str) -> None:
    results = search_index(live, query)
    assert not results.ambiguous
    assert exact(results) == [("hl7-rejected", "unknown-key", "hl7")]
    assert results.hits[0].step_title == "Check the order number"


@pytest.mark.parametrize("query", ["0x204", "0x0204", "204h", "RDP 0x204", "rdp 204"])
def test_hex_forms_and_the_rdp_prefix_mean_remote_desktop(live: LiveIndex, query: str) -> None:
    assert exact(search_index(live, query)) == [("rdp-failed", "socket", "rdp")]


def test_0x807_is_remote_desktop_and_807_may_be_the_vpn_too(live: LiveIndex) -> None:
    assert exact(search_index(live, "0x807")) == [("rdp-failed", "logon", "rdp")]
    assert exact(search_index(live, "VPN 807")) == [("vpn-down", "reconnect", "ras")]
    both = search_index(live, "807")
    assert both.ambiguous
    assert sorted(exact(both)) == [("rdp-failed", "logon", "rdp"), ("vpn-down", "reconnect", "ras")]


@pytest.mark.parametrize("query", ["Code 43", "code 43", "Code43", "43"])
def test_a_device_manager_code_in_two_systems_offers_both(live: LiveIndex, query: str) -> None:
    results = search_index(live, query)
    assert results.ambiguous
    assert exact(results) == [
        ("microphone-missing", "usb", "device-manager"),
        ("monitor-black", "graphics", "device-manager"),
    ]
    assert {h.system for h in results.hits if h.exact} == {"Dictation", "Monitors"}


@pytest.mark.parametrize(
    "query",
    [
        "0xA801",
        "A801",
        "0xA801h",
        "0xA801H",
        "A801h",
        "error:0xA801",
        "see 0xA801 now",
        "Error code: 0xA801. The move destination is unknown",
        "DICOM A801",
    ],
)
def test_typed_and_pasted_forms_find_a801(live: LiveIndex, query: str) -> None:
    results = search_index(live, query)
    assert exact(results)[:1] == [("retrieve-failed", "destination", "dicom-status")], query
    assert results.hits[0].matched_code == "0xA801"
    assert results.hits[0].snippet == (
        "0xA801: Refused: Move Destination unknown (step: Check the destination)"
    )


def test_hex_with_an_h_suffix_and_no_digit(live: LiveIndex) -> None:
    assert exact(search_index(live, "ACFFh"))[:1] == [
        ("retrieve-failed", "destination", "dicom-status")
    ]


def test_a_status_range_is_a_code_hit_but_not_exact(live: LiveIndex) -> None:
    results = search_index(live, "0xA7F3")
    first = results.hits[0]
    assert (first.tree, first.step, first.matched_code, first.exact) == (
        "retrieve-failed",
        "range",
        "A7xx",
        False,
    )


@pytest.mark.parametrize(
    ("query", "step"),
    [
        ("AADSTS50076", "mfa"),
        ("aadsts 50076", "mfa"),
        ("NET::ERR_CERT_DATE_INVALID", "clock"),
        ("ERR_CERT_DATE_INVALID", "clock"),
        ("HTTP 408", "clock"),
        ("http408", "clock"),
    ],
)
def test_prefixed_families_with_or_without_a_space(live: LiveIndex, query: str, step: str) -> None:
    results = search_index(live, query)
    assert [(h.tree, h.step) for h in results.hits if h.exact] == [("cloud-sign-in", step)]


def test_the_api_json_says_which_hits_are_exact_and_why(live: LiveIndex) -> None:
    data = search_index(live, "204").to_json()
    assert data["ambiguous"] is True
    first = data["results"][0]
    assert (first["exact"], first["family"], first["family_name"], first["step_title"]) == (
        True,
        "hl7",
        "HL7 error",
        "Check the order number",
    )
    words = search_index(live, "microphone").to_json()
    assert words["ambiguous"] is False and words["results"][0]["exact"] is False
