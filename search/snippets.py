"""Short plain-text excerpts showing why a document matched (never HTML: callers escape)."""

from __future__ import annotations

SNIPPET_LENGTH = 160


def _window(text: str, start: int, length: int) -> str:
    """About `length` characters of text around `start`, cut at spaces, with ellipses."""
    if len(text) <= length:
        return text
    begin = max(0, start - length // 4)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(text), begin + length)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > start else end
    return ("…" if begin else "") + text[begin:end].strip() + ("…" if end < len(text) else "")


def word_snippet(texts: list[str], words: tuple[str, ...], length: int = SNIPPET_LENGTH) -> str:
    """An excerpt of the first text that contains a query word (by prefix), else the first."""
    stems = [w[: max(3, len(w) - 2)] for w in words if w]
    for text in texts:
        lowered = text.lower()
        found = [i for i in (lowered.find(s) for s in stems) if i >= 0]
        if found:
            return _window(text, min(found), length)
    first = next((t for t in texts if t), "")
    return _window(first, 0, length)


def code_snippet(code: str, message: str) -> str:
    """The code with its official meaning: `0xA801: Refused: Move Destination unknown`."""
    return f"{code}: {message}" if message else code
