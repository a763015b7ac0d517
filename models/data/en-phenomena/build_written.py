"""Writes written.jsonl from the hand-written sentences in written/*.txt.

The template sentences of train.jsonl teach their own wording and little else (model card, "Encoder
fine-tuned on the phenomenon data"). The files under written/ say the same things in many other ways,
one sentence per line with inline marks: `[term](pos|neg|neu)` is an aspect and its polarity. A line
`## name` starts a block of that phenomenon; before one, the file name gives it (`sarcasm_2.txt`: sarcasm).

Sentences of the `entity_not_aspect` phenomenon also mark `{name}`, an entity's own name that must stay
untagged. They go to names.jsonl instead: they teach the tagger, while written.jsonl trains the polarity
head (train_polarity.py) and stays as it was.

    python3 models/data/en-phenomena/build_written.py          # rewrites written.jsonl and names.jsonl
    python3 models/data/en-phenomena/build_written.py --check  # exits 1 if either is not what it would write

Never derived from models/absa-challenge: test/unit/en-phenomena-data.test.ts checks that no sentence of
either challenge half is here. Format: the shared ABSA JSONL (id, text, lang, aspects with UTF-16 offsets
and polarity, phenomenon).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from marked_text import parse  # noqa: E402

OUT = HERE / "written.jsonl"
NAMES = HERE / "names.jsonl"
NAMES_PHENOMENON = "entity_not_aspect"


def records() -> list[dict]:
    out, seen = [], set()
    for path in sorted((HERE / "written").glob("*.txt")):
        phenomenon = re.sub(r"_\d+$", "", path.stem)  # sarcasm_2.txt: a second batch of sarcasm
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.strip()
            if line.startswith("## "):
                phenomenon = line[3:].strip()
                continue
            if not line or line.startswith("#"):
                continue
            text, aspects, not_aspects = parse(line)
            if not aspects or bool(not_aspects) != (phenomenon == NAMES_PHENOMENON):
                raise ValueError(
                    f"{path.name}:{n}: needs an [aspect](pos|neg|neu) mark, and a {{name}} mark exactly when the "
                    f"phenomenon is {NAMES_PHENOMENON}: {line}"
                )
            if text.lower() in seen:
                raise ValueError(f"{path.name}:{n}: duplicate sentence: {text}")
            seen.add(text.lower())
            record = {"id": f"en-written-{path.stem}-{n}", "text": text, "lang": "en", "aspects": aspects, "phenomenon": phenomenon}
            if not_aspects:
                record["not_aspects"] = not_aspects
            out.append(record)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    every = records()
    for out, part in (
        (OUT, [r for r in every if r["phenomenon"] != NAMES_PHENOMENON]),
        (NAMES, [r for r in every if r["phenomenon"] == NAMES_PHENOMENON]),
    ):
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part)
        if args.check:
            if not out.exists() or out.read_text(encoding="utf-8") != body:
                sys.exit(f"{out.name} is not what build_written.py writes: run it and commit the result")
            continue
        out.write_text(body, encoding="utf-8")
        print(f"{out.name}: {body.count(chr(10))} sentences")


if __name__ == "__main__":
    main()
