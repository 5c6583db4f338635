"""The table of codes the pages use when no search API is there (static host, file://).

It is a script, not JSON, because pages opened from disk cannot fetch files. It carries the
families' typed prefixes, so the offline reader reads `HL7 204` as the server does, and for
each key the claims it may mean (the reader keeps those of the right family and base).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from builder.claims import ClaimedCode, claimed_codes
from builder.codes import prefix_table
from builder.families import families_in
from builder.model import Tree


def _entry(claim: ClaimedCode, loose: bool) -> dict[str, Any]:
    code = claim.code
    entry: dict[str, Any] = {
        "code": code.code,
        "message": code.message,
        "family": code.family,
        "family_name": claim.family_label,
        "hex": code.hex,
        "title": claim.tree.title,
        "system": claim.tree.system,
        "step": claim.step_label,
        "url": claim.url,
    }
    if loose:
        entry["loose"] = True
    return entry


def code_table(trees: Iterable[Tree], directory_urls: bool = True) -> dict[str, Any]:
    """The families' prefixes, and each key -> the claims it finds (exact ones first)."""
    trees = list(trees)
    claims = claimed_codes(trees, directory_urls)
    table: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        table.setdefault(claim.code.key, []).append(_entry(claim, False))
    for claim in claims:
        for alt in claim.code.alternates:
            table.setdefault(alt, []).append(_entry(claim, True))
    families = families_in(c.code.family_ref for c in claims)
    return {
        "prefixes": [list(row) for row in prefix_table((f.id, f.prefixes) for f in families)],
        "codes": dict(sorted(table.items())),
    }


def code_table_js(trees: Iterable[Tree], directory_urls: bool = True) -> str:
    """The table as a script that sets `window.fastpathCodes`."""
    data = json.dumps(code_table(trees, directory_urls), ensure_ascii=True, sort_keys=True)
    # `</` cannot end the script element even if a message contains it.
    return "window.fastpathCodes = " + data.replace("</", "<\\/") + ";\n"
