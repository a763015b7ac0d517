"""Writes written.jsonl from the hand-written sentences in written/*.txt.

The template sentences of train.jsonl teach their own wording and little else (model card, "Encoder
fine-tuned on the phenomenon data"). The files under written/ say the same things in many other ways,
one sentence per line with inline marks: `[term](pos|neg|neu)` is an aspect and its polarity. A line
`## name` starts a block of that phenomenon; before one, the file name gives it (`sarcasm_2.txt`: sarcasm).

    python3 models/data/en-phenomena/build_written.py          # rewrites written.jsonl
    python3 models/data/en-phenomena/build_written.py --check  # exits 1 if written.jsonl is not what it would write

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
            if not aspects or not_aspects:
                raise ValueError(f"{path.name}:{n}: needs an [aspect](pos|neg|neu) mark and no {{name}} mark: {line}")
            if text.lower() in seen:
                raise ValueError(f"{path.name}:{n}: duplicate sentence: {text}")
            seen.add(text.lower())
            out.append({"id": f"en-written-{path.stem}-{n}", "text": text, "lang": "en", "aspects": aspects, "phenomenon": phenomenon})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records())
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != body:
            sys.exit(f"{OUT.name} is not what build_written.py writes: run it and commit the result")
        return
    OUT.write_text(body, encoding="utf-8")
    print(f"{OUT.name}: {body.count(chr(10))} sentences")


if __name__ == "__main__":
    main()
