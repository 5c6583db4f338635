"""Error-code normalisation: the many ways a code is typed map to one key.

`0xA700`, `A700`, `a700`, `0XA700`, `A700h` and `0x0000A700` are one code;
`DCM-0042`, `dcm0042` and `DCM 0042` are one code. Digits are never
changed or guessed, so `0xA700` and `0xA701` stay different.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-_.:/#]+")
_HEX_PREFIXED = re.compile(r"^0X([0-9A-F]+)$")
_HEX_SUFFIXED = re.compile(r"^([0-9A-F]*[0-9][0-9A-F]*)H$")
_HEX_OR_NUMBER = re.compile(r"^[0-9A-F]*[0-9][0-9A-F]*$")
_LETTER_PREFIX = re.compile(r"^([A-Z]+)([0-9][0-9A-Z]*)$")
_CODE_LIKE = re.compile(r"^[0-9A-Z]+$")
_DIGIT = re.compile(r"[0-9]")


def _strip_zeros(digits: str) -> str:
    return digits.lstrip("0") or "0"


def normalise_code(text: str) -> str:
    """The canonical key of a code as typed, or '' when the text cannot be a code."""
    compact = _SEPARATORS.sub("", text.strip().upper())
    if not compact or len(compact) > 40 or not _CODE_LIKE.match(compact):
        return ""
    for pattern in (_HEX_PREFIXED, _HEX_SUFFIXED):
        m = pattern.match(compact)
        if m:
            return _strip_zeros(m.group(1))
    if _HEX_OR_NUMBER.match(compact):
        return _strip_zeros(compact)
    return compact


def code_keys(code: str) -> tuple[str, list[str]]:
    """The canonical key of a claimed code, and looser keys people also type for it.

    `DCM-0042` is also typed `0042`; the looser key finds it, ranked below an
    exact match of a code that really is `0042`.
    """
    key = normalise_code(code)
    alternates: list[str] = []
    m = _LETTER_PREFIX.match(key)
    if m and not _HEX_OR_NUMBER.match(key):
        rest = normalise_code(m.group(2))
        if rest and rest != key:
            alternates.append(rest)
    return key, alternates


_HEX_KEY = re.compile(r"^[0-9A-F]+$")


def family_keys(key: str) -> list[str]:
    """Keys of the code families a hex code belongs to, narrowest first.

    DICOM defines status ranges such as `A7xx` and `Cxxx`; a tree may claim the range, and
    `0xA7F3` then finds it. Short codes are read as four hex digits (`0x0125` -> `01xx`).
    """
    if not _HEX_KEY.match(key) or not _DIGIT.search(key) or len(key) > 8:
        return []
    digits = key.rjust(4, "0")
    return [digits[:-n] + "X" * n for n in range(1, len(digits))]
