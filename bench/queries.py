"""The queries the benchmarks send: codes as users type them, and a few words.

Code queries pick a code of the knowledge base and one of the ways it is typed (`0xA7F3`,
`a7f3`, `A7F3h`, `0x0000A7F3`, `dcm0042`, `DCM 0042`...). Word queries take one to three
neighbouring words of a tree title or symptom; one in ten has a typo (two letters swapped),
which Fastpath forgives and which costs it fuzzy matching.
"""

from __future__ import annotations

import random
import re

from bench.generate import GeneratedKB

STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "at", "do", "does", "for", "from", "i", "in", "is", "it"}
    | {"not", "of", "on", "the", "to", "when", "with"}
)
TYPO_SHARE = 0.1


def code_queries(kb: GeneratedKB, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(query as typed, the code it must find) pairs."""
    picked = [rng.choice(kb.codes) for _ in range(count)]
    return [(rng.choice(code.variants), code.code) for code in picked]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.choice([i for i in range(len(word) - 1) if word[i] != word[i + 1]])
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def word_queries(kb: GeneratedKB, count: int, rng: random.Random) -> list[tuple[str, bool]]:
    """(query, has a typo) pairs."""
    found: list[tuple[str, bool]] = []
    while len(found) < count:
        words = [
            w
            for w in re.findall(r"[a-z][a-z-]*", rng.choice(kb.phrases).lower())
            if w not in STOP_WORDS
        ]
        if not words:
            continue
        size = min(len(words), rng.choice((1, 2, 2, 3)))
        start = rng.randrange(len(words) - size + 1)
        chosen = words[start : start + size]
        typo = rng.random() < TYPO_SHARE
        if typo:
            longest = max(range(len(chosen)), key=lambda i: len(chosen[i]))
            if len(chosen[longest]) < 5:
                typo = False
            else:
                chosen[longest] = _typo(chosen[longest], rng)
        found.append((" ".join(chosen), typo))
    return found


def make_queries(
    kb: GeneratedKB, codes: int, words: int, seed: int = 7
) -> dict[str, list[list[object]]]:
    """Both query sets, as JSON-ready lists."""
    rng = random.Random(seed)
    return {
        "codes": [list(pair) for pair in code_queries(kb, codes, rng)],
        "words": [list(pair) for pair in word_queries(kb, words, rng)],
    }
