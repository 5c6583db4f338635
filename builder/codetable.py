"""The table of codes the pages use when no search API is there (static host, file://).

Scripts, not JSON, because pages opened from disk cannot fetch files. `codes.js` carries
the families' typed prefixes, so the offline reader reads `HL7 204` as the server does, and
the number of shards; each key's claims (the reader keeps those of the right family and
base) are in shard `code-table-<n>.js`, n a hash of the key. A lookup loads only the shards of
the keys it reads: a few kilobytes, where the whole table of 2,000 trees is megabytes.
"""

from __future__ import annotations

import json
import math
import re
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


def code_table(
    trees: Iterable[Tree],
    directory_urls: bool = True,
    claims: list[ClaimedCode] | None = None,
) -> dict[str, Any]:
    """The families' prefixes, and each key -> the claims it finds (exact ones first)."""
    if claims is None:
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


SHARD_BYTES = 16_000  # about what one shard holds, before compression
TABLE_SCRIPT = "codes.js"
_RANGE_KEY = re.compile(r"[0-9A-F]*X+")


def shard_script(number: int) -> str:
    return f"code-table-{number}.js"


def key_shard(key: str, shards: int) -> int:
    """The shard of a key: 32-bit FNV-1a of its characters (codereader.js computes the same)."""
    value = 0x811C9DC5
    for char in key:
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def _script(assignment: str, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=True, sort_keys=True)
    # `</` cannot end the script element even if a message contains it.
    return assignment + " = " + text.replace("</", "<\\/") + ";\n"


def code_table_scripts(table: dict[str, Any]) -> dict[str, str]:
    """File name -> script, for a `code_table`: `codes.js` (prefixes, shard count, claimed
    ranges) and every shard."""
    codes: dict[str, list[dict[str, Any]]] = table["codes"]
    size = sum(len(json.dumps(entries)) + len(key) for key, entries in codes.items())
    count = max(1, math.ceil(size / SHARD_BYTES))
    shards: list[dict[str, Any]] = [{} for _ in range(count)]
    for key, entries in codes.items():
        shards[key_shard(key, count)][key] = entries
    # A code is also looked up by the status ranges it is in (`0xA7F3`: A7FX, A7XX, AXXX);
    # the few keys that are ranges are listed, so the reader loads no shard for the others.
    ranges = sorted(key for key in codes if _RANGE_KEY.fullmatch(key))
    head = {"prefixes": table["prefixes"], "shards": count, "ranges": ranges}
    scripts = {TABLE_SCRIPT: _script("window.fastpathCodes", head)}
    for number, shard in enumerate(shards):
        scripts[shard_script(number)] = _script(
            f"(window.fastpathCodeShards = window.fastpathCodeShards || {{}})[{number}]", shard
        )
    return scripts
