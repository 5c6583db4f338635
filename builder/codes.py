"""Error codes as people type them: the readings of a typed code, and a claim's keys.

`0xA700`, `A700`, `a700`, `0XA700`, `A700h`, `0xA700h` and `0x0000A700` are one code;
`DCM-0042`, `dcm0042` and `DCM 0042` are one code. Digits are never changed or guessed, so
`0xA700` and `0xA701` stay different. A family prefix (`HL7 204`, `Code 43`) names the family
and is not part of the number; `0x` or an `h` suffix says the code is hex, which rules out
decimal families (`0x807` is Remote Desktop's, `807` may also be the VPN's).

The offline reader in `builder/assets/codereader.js` is this module in JavaScript; both run
over `tests/data/code_queries.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s\-_.:/#]+")
_CODE_LIKE = re.compile(r"^[0-9A-Z]+$")
_HEX = re.compile(r"^[0-9A-F]+$")
_HEX_WITH_DIGIT = re.compile(r"^[0-9A-F]*[0-9][0-9A-F]*$")
_HEX_LETTER = re.compile(r"[A-F]")
_LETTER_PREFIX = re.compile(r"^([A-Z]+)([0-9][0-9A-Z]*)$")
MAX_CODE_LENGTH = 40


def compact(text: str) -> str:
    """The text upper-cased without the separators codes are written with (` -_.:/#`)."""
    return _SEPARATORS.sub("", text.strip().upper())


def _strip_zeros(digits: str) -> str:
    return digits.lstrip("0") or "0"


@dataclass(frozen=True, slots=True)
class Reading:
    """One thing a typed code may mean: a key, the family a prefix named, whether it is hex."""

    key: str
    family: str = ""  # named by a typed prefix (`HL7 204`); "" for any family
    hex: bool = False  # typed as hex (`0x204`, `ACFFh`): only hex codes

    def label(self) -> str:
        """`family/0xKEY`, the form the shared examples are written in."""
        return (f"{self.family}/" if self.family else "") + ("0x" if self.hex else "") + self.key


PrefixTable = tuple[tuple[str, str], ...]
"""(compact prefix, family id), longest prefix first."""


def prefix_table(families: Iterable[tuple[str, Iterable[str]]]) -> PrefixTable:
    """The typed prefixes of families (id, prefixes), longest first so `NET::` beats `N`."""
    rows = {(compact(p), family_id) for family_id, prefixes in families for p in prefixes}
    return tuple(sorted((r for r in rows if r[0]), key=lambda r: (-len(r[0]), r[0], r[1])))


def _value_readings(value: str, family: str) -> list[Reading]:
    """Readings of a compact value with no prefix: hex markers first, then as written."""
    if value.startswith("0X"):
        digits = value[2:]
        if digits.endswith("H") and _HEX.match(digits[:-1] or "-"):
            digits = digits[:-1]  # 0xA801h: both markers at once
        if _HEX.match(digits or "-"):
            return [Reading(_strip_zeros(digits), family, True)]
    readings = []
    if value.endswith("H") and _HEX.match(value[:-1] or "-"):
        readings.append(Reading(_strip_zeros(value[:-1]), family, True))
    if _HEX_WITH_DIGIT.match(value):
        readings.append(Reading(_strip_zeros(value), family))
    else:
        readings.append(Reading(value, family))
    return readings


def read_code(text: str, prefixes: PrefixTable = ()) -> list[Reading]:
    """What one typed code may mean, most specific first; [] when it cannot be a code.

    A family prefix gives readings in that family first (`HL7 204` -> hl7/204), then the
    whole text is read in any family (`HL7204`).
    """
    value = compact(text)
    if not value or len(value) > MAX_CODE_LENGTH or not _CODE_LIKE.match(value):
        return []
    readings: list[Reading] = []
    for prefix, family in prefixes:
        if value.startswith(prefix) and len(value) > len(prefix):
            readings.extend(_value_readings(value[len(prefix) :], family))
            break
    readings.extend(_value_readings(value, ""))
    return list(dict.fromkeys(readings))


def normalise_code(text: str) -> str:
    """The canonical key of a code as typed (no family in mind), or '' when it cannot be one."""
    readings = read_code(text)
    return readings[0].key if readings else ""


@dataclass(frozen=True, slots=True)
class ClaimKeys:
    """How a claimed code is found: its key, looser keys, and whether it is a hex code."""

    key: str
    alternates: tuple[str, ...]
    hex: bool


def claim_keys(written: str, prefixes: Iterable[str] = (), hex_family: bool = False) -> ClaimKeys:
    """The keys of a code as its author wrote it, in a family with these typed prefixes.

    The family's own prefix is not part of the key (`HL7 204` -> `204`, `Code 43` -> `43`).
    A code still starting with letters is also found, more loosely, by its number
    (`DCM-0042` -> `0042`), ranked below a code that really is `0042`.
    """
    table = tuple((p, "claim") for p, _ in prefix_table([("claim", prefixes)]))
    readings = read_code(written, table)
    if not readings:
        return ClaimKeys("", (), False)
    first = readings[0]
    if first.hex and not hex_family and not compact(written).startswith("0X"):
        # `807h` in a decimal family is not hex: only `0x` makes it so there.
        first = readings[1] if len(readings) > 1 else Reading(compact(written))
    key = first.key
    alternates: list[str] = []
    m = _LETTER_PREFIX.match(key)
    if m and not _HEX_WITH_DIGIT.match(key):
        rest = normalise_code(m.group(2))
        if rest and rest != key:
            alternates.append(rest)
    is_hex = hex_family or first.hex or bool(_HEX_WITH_DIGIT.match(key) and _HEX_LETTER.search(key))
    return ClaimKeys(key, tuple(alternates), is_hex)


def code_keys(code: str) -> tuple[str, list[str]]:
    """The canonical key and the looser keys of a code with no family in mind."""
    keys = claim_keys(code)
    return keys.key, list(keys.alternates)


def range_keys(key: str) -> list[str]:
    """Keys of the status ranges a hex code belongs to, narrowest first.

    DICOM defines status ranges such as `A7xx` and `Cxxx`; a tree may claim the range, and
    `0xA7F3` then finds it. Short codes are read as four hex digits (`0x0125` -> `01xx`).
    """
    if not _HEX_WITH_DIGIT.match(key) or len(key) > 8:
        return []
    digits = key.rjust(4, "0")
    return [digits[:-n] + "X" * n for n in range(1, len(digits))]


def reading_matches(reading: Reading, key: str, family: str, is_hex: bool) -> bool:
    """True when a claim (key, family, hex) is what the reading means."""
    return (
        reading.key == key
        and (not reading.family or reading.family == family)
        and (not reading.hex or is_hex)
    )
