"""Builds the ABSA challenge set (challenge-dev.jsonl, challenge-test.jsonl) from sentences.py.

Sentences are written with inline marks: `[term](pos|neg|neu)` is a gold aspect with its polarity,
`{name}` a span that must NOT be reported as an aspect (an entity's own name, a person). Offsets are
UTF-16 code units, as in the shared ABSA JSONL format. Every second sentence of each phenomenon (in
the order written) goes to the test half, so both halves cover every phenomenon equally.

    python3 models/absa-challenge/build_challenge.py
"""

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sentences import SENTENCES  # noqa: E402

POLARITY = {"pos": "positive", "neg": "negative", "neu": "neutral"}
MARK = re.compile(r"\[([^\]]+)\]\((pos|neg|neu)\)|\{([^}]+)\}")


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def parse(marked: str):
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


def main() -> None:
    halves = {"dev": [], "test": []}
    seen = set()
    for phenomenon, items in SENTENCES.items():
        for n, marked in enumerate(items):
            text, aspects, not_aspects = parse(marked)
            if text in seen:
                raise ValueError(f"duplicate sentence: {text}")
            seen.add(text)
            if not aspects:
                raise ValueError(f"no gold aspect in: {marked}")
            half = "test" if n % 2 else "dev"
            record = {
                "id": f"challenge-{phenomenon}-{n}",
                "text": text,
                "lang": "en",
                "phenomenon": phenomenon,
                "aspects": aspects,
            }
            if not_aspects:
                record["not_aspects"] = not_aspects
            halves[half].append(record)
    for half, records in halves.items():
        with open(HERE / f"challenge-{half}.jsonl", "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"challenge-{half}.jsonl: {len(records)} sentences")


if __name__ == "__main__":
    main()
