"""The table of codes the home page uses when no search API is there (static host, file://).

It is a script, not JSON, because pages opened from disk cannot fetch files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from builder.codes import code_keys
from builder.model import Tree
from builder.urls import step_url


def code_table(
    trees: Iterable[Tree], directory_urls: bool = True
) -> dict[str, list[dict[str, str]]]:
    """Normalised code key -> the steps claiming it (exact keys first, then looser ones)."""
    exact: dict[str, list[dict[str, str]]] = {}
    loose: dict[str, list[dict[str, str]]] = {}
    for tree in trees:
        for code, node_id in tree.all_codes():
            key, alternates = code_keys(code.code)
            if not key:
                continue
            url = step_url(tree, node_id, code.code, directory_urls)
            entry = {
                "code": code.code,
                "message": code.message,
                "title": tree.title,
                "step": tree.nodes[node_id].label,
                "url": url,
            }
            exact.setdefault(key, []).append(entry)
            for alt in alternates:
                loose.setdefault(alt, []).append(entry)
    table = {k: list(v) for k, v in exact.items()}
    for key, entries in loose.items():
        table.setdefault(key, []).extend(e for e in entries if e not in table[key])
    return dict(sorted(table.items()))


def code_table_js(trees: Iterable[Tree], directory_urls: bool = True) -> str:
    """The table as a script that sets `window.fastpathCodes`."""
    data = json.dumps(code_table(trees, directory_urls), ensure_ascii=True, sort_keys=True)
    # `</` cannot end the script element even if a message contains it.
    return "window.fastpathCodes = " + data.replace("</", "<\\/") + ";\n"
