"""Reads emoji as the words people mean by them, inside the tokenizer.

The English model's WordPiece vocabulary has no emoji: every one is [UNK], so "Screen 😍" and
"Screen 😡" are the same input. This puts `Replace` normalizers in front of the tokenizer's own
normalizer: variation selectors and skin-tone modifiers are dropped, then each emoji of
models/data/emoji/glosses.tsv becomes its gloss (😍 -> "love it"). Normalizers keep the alignment with
the original text, so the gloss's tokens carry the emoji's own offsets and spans still slice the text.
The Python and the Node tokenizer both read tokenizer.json, so training, evaluation and the runtime see
the same tokens.

    models/training/.venv/bin/python models/training/emoji_glosses.py --artifact models/absa/minilm-absa-en-1.0.0
"""

from __future__ import annotations

import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GLOSSES = os.path.join(HERE, "..", "data", "emoji", "glosses.tsv")
MARK = "emoji-glosses"  # the Replace normalizers' own, so re-applying replaces them


def read_glosses(path: str = GLOSSES) -> list[tuple[str, str]]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            emoji, gloss = line.rstrip("\n").split("\t")
            if not emoji or not gloss.strip():
                raise SystemExit(f"{path}:{n}: an emoji and its gloss, separated by a tab")
            out.append((emoji, gloss.strip()))
    return out


def with_glosses(tokenizer: dict, glosses: list[tuple[str, str]]) -> dict:
    """tokenizer.json with the emoji normalizers in front of its own normalizer (any earlier ones replaced)."""
    own = tokenizer.get("normalizer")
    if own and own.get("type") == "Sequence":
        rest = [n for n in own["normalizers"] if not (n.get("type") == "Replace" and n.get(MARK))]
        own = rest[0] if len(rest) == 1 else {"type": "Sequence", "normalizers": rest}
    # longer emoji first, so a sequence is read whole before its parts
    replaces = [{"type": "Replace", "pattern": {"Regex": "[\ufe0f\U0001F3FB-\U0001F3FF]"}, "content": "", MARK: True}]
    replaces += [
        {"type": "Replace", "pattern": {"String": e}, "content": f" {g} ", MARK: True}
        for e, g in sorted(glosses, key=lambda x: -len(x[0]))
    ]
    return {**tokenizer, "normalizer": {"type": "Sequence", "normalizers": replaces + ([own] if own else [])}}


def load_glossed_tokenizer(path: str):
    """A `tokenizers` Tokenizer from tokenizer.json with the glosses in front (no truncation, no padding)."""
    from tokenizers import Tokenizer

    with open(path, encoding="utf-8") as f:
        tok = Tokenizer.from_str(json.dumps(with_glosses(json.load(f), read_glosses())))
    tok.no_truncation()
    tok.no_padding()
    return tok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifact", required=True)
    args = ap.parse_args()
    path = os.path.join(args.artifact, "tokenizer.json")
    with open(path, encoding="utf-8") as f:
        tok = json.load(f)
    glosses = read_glosses()
    with open(path, "w", encoding="utf-8") as f:
        json.dump(with_glosses(tok, glosses), f, ensure_ascii=False)
    print(f"{path}: {len(glosses)} emoji glosses")


if __name__ == "__main__":
    main()
