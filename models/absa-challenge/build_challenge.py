"""Builds the ABSA challenge set (challenge-dev.jsonl, challenge-test.jsonl) from sentences.py.

Sentences are written with inline marks: `[term](pos|neg|neu)` is a gold aspect with its polarity,
`{name}` a span that must NOT be reported as an aspect (an entity's own name, a person). Offsets are
UTF-16 code units, as in the shared ABSA JSONL format. Every second sentence of each phenomenon (in
the order written) goes to the test half, so both halves cover every phenomenon equally.

    python3 models/absa-challenge/build_challenge.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "data"))
from marked_text import parse  # noqa: E402
from sentences import SENTENCES  # noqa: E402

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
