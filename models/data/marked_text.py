"""Sentences written with inline marks, as the hand-written data here is: `[term](pos|neg|neu)` is an
aspect and its polarity, `{name}` a span that must not be reported as an aspect (an entity's own name).
Offsets are UTF-16 code units, as in the shared ABSA JSONL format."""

from __future__ import annotations

import re

POLARITY = {"pos": "positive", "neg": "negative", "neu": "neutral"}
MARK = re.compile(r"\[([^\]]+)\]\((pos|neg|neu)\)|\{([^}]+)\}")


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def parse(marked: str) -> tuple[str, list[dict], list[dict]]:
    """The plain text, its aspects (term, from, to, polarity) and its not-aspect spans (term, from, to)."""
    text, aspects, not_aspects, pos = "", [], [], 0
    for m in MARK.finditer(marked):
        text += marked[pos : m.start()]
        term = m.group(1) or m.group(3)
        start = utf16_len(text)
        text += term
        span = {"term": term, "from": start, "to": start + utf16_len(term)}
        if m.group(1):
            aspects.append({**span, "polarity": POLARITY[m.group(2)]})
        else:
            not_aspects.append(span)
        pos = m.end()
    text += marked[pos:]
    if "[" in text or "{" in text or "](" in text:
        raise ValueError(f"unbalanced mark in: {marked}")
    return text, aspects, not_aspects
