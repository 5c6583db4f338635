"""Error-code normalisation: the ways people type a code, and which codes stay apart."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from builder.codes import code_keys, normalise_code

# Each row: spellings that must be one code.
SAME_CODE = [
    ("0xA700", "A700", "a700", "0XA700", "A700h", "0x0000A700", "0xa700", "a700H", "A700"),
    ("DCM-0042", "dcm0042", "DCM 0042", "DCM_0042", "dcm-0042", " DCM 0042 "),
    ("ERROR_ACCESS_DENIED", "error_access_denied", "ERROR ACCESS DENIED"),
    ("5", "0005", "0x5", "05"),
    ("809", "0809"),
]

# Each pair: codes that must stay different (digits are never guessed).
DIFFERENT_CODES = [
    ("0xA700", "0xA701"),
    ("0x0005", "0x0006"),
    ("DCM-0042", "DCM-0043"),
    ("DCM-0042", "0042"),
    ("A700", "A7000"),
    ("E5", "5"),
]


@pytest.mark.parametrize("spellings", SAME_CODE, ids=lambda row: row[0])
def test_spellings_of_one_code_share_a_key(spellings: tuple[str, ...]) -> None:
    keys = {normalise_code(s) for s in spellings}
    assert len(keys) == 1 and "" not in keys, keys


@pytest.mark.parametrize(("first", "second"), DIFFERENT_CODES)
def test_different_codes_keep_different_keys(first: str, second: str) -> None:
    assert normalise_code(first) != normalise_code(second)


@pytest.mark.parametrize(
    ("typed", "key"),
    [("0xA700", "A700"), ("0x0000A700", "A700"), ("A700h", "A700"), ("DCM 0042", "DCM0042")],
)
def test_canonical_keys(typed: str, key: str) -> None:
    assert normalise_code(typed) == key


@pytest.mark.parametrize("text", ["", "   ", "not a code!", "x" * 41, "résumé", "0x12 (E_FAIL)"])
def test_text_that_cannot_be_a_code_has_no_key(text: str) -> None:
    assert normalise_code(text) == ""


def test_a_prefixed_code_is_also_found_by_its_number() -> None:
    assert code_keys("DCM-0042") == ("DCM0042", ["42"])


def test_hex_and_plain_numbers_have_no_looser_key() -> None:
    assert code_keys("0xA700") == ("A700", [])
    assert code_keys("0042") == ("42", [])


@given(st.text(max_size=60))
def test_normalise_code_never_fails_and_gives_plain_ascii(text: str) -> None:
    key = normalise_code(text)
    assert re.fullmatch(r"[0-9A-Z]*", key)
    assert normalise_code(key) == key if key else True


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=2**32))
def test_different_numbers_never_share_a_key(number: int, offset: int) -> None:
    other = number + offset
    assert normalise_code(f"0x{number:X}") != normalise_code(f"0x{other:X}")
    assert normalise_code(f"{number}") != normalise_code(f"{other}")


@given(st.integers(min_value=0, max_value=2**32))
def test_hex_written_with_a_suffix_or_padding_is_the_same_code(number: int) -> None:
    # A suffix `h` counts only after a hex number with a digit in it, so that words
    # ending in h (BEACH) stay words; `FFFAh` is therefore not `0xFFFA` (known limit).
    assume(any(c.isdigit() for c in f"{number:X}"))
    assert normalise_code(f"{number:08X}h") == normalise_code(f"0x{number:X}")
    assert normalise_code(f"0x{number:016x}") == normalise_code(f"{number:X}")


def test_range_keys_of_a_status_code() -> None:
    from builder.codes import range_keys

    assert range_keys("A7F3") == ["A7FX", "A7XX", "AXXX"]
    assert range_keys("122") == ["012X", "01XX", "0XXX"]
    assert range_keys("DCM0042") == []
    assert range_keys("ABCD") == []  # no digit: a word, not a status
