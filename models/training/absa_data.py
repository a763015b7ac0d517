"""Data loading, cross-dataset de-duplication and the fixed train/validation split.

Split rule (deterministic, independent of file order):
  * every sentence gets a key = normalized text (NFKC, lower-case, non-word characters removed,
    whitespace collapsed);
  * a key is a VALIDATION key if it occurs in MAMS's own val split, or if
    sha256(f"{SPLIT_SEED}:{key}") / 2**256 < VAL_FRACTION;
  * every copy of a validation key, in any dataset, is kept out of training, so no validation
    sentence (or a normalized duplicate of it) is ever trained on;
  * training data is de-duplicated across datasets by key: the first dataset in TRAIN_PRIORITY that
    holds the key supplies the annotation (SemEval-15 and -16 restaurants overlap each other and
    SemEval-14 restaurants almost completely).

Offsets in the JSONL files are UTF-16 code units (JS string indices). Internally (Python str
indices) we convert them to code points; for the English data the two are identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field

SPLIT_SEED = 20240611
VAL_FRACTION = 0.10

DATASETS = {
    # name: (relative path, kind)
    "semeval14_restaurants": "semeval14_restaurants/train.jsonl",
    "semeval14_laptops": "semeval14_laptops/train.jsonl",
    "semeval15_restaurants": "semeval15_restaurants/train.jsonl",
    "semeval16_restaurants": "semeval16_restaurants/train.jsonl",
    "mams_atsa": "mams_atsa/train.jsonl",
    "mams_atsa_val": "mams_atsa/val.jsonl",
}
TRAIN_PRIORITY = [
    "semeval14_restaurants",
    "semeval16_restaurants",
    "semeval15_restaurants",
    "semeval14_laptops",
    "mams_atsa",
]
POLARITIES = ["negative", "neutral", "positive"]
POL2ID = {p: i for i, p in enumerate(POLARITIES)}


def normalize_text(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"[\W_]+", " ", t)
    return " ".join(t.split())


def split_hash(key: str, seed: int = SPLIT_SEED) -> float:
    h = hashlib.sha256(f"{seed}:{key}".encode("utf-8")).digest()
    return int.from_bytes(h, "big") / float(1 << 256)


def utf16_to_cp(text: str, off: int) -> int:
    if text.isascii() or all(ord(c) <= 0xFFFF for c in text):
        return off
    return len(text.encode("utf-16-le")[: 2 * off].decode("utf-16-le", errors="ignore"))


def cp_to_utf16(text: str, off: int) -> int:
    return len(text[:off].encode("utf-16-le")) // 2


@dataclass
class Aspect:
    start: int  # code-point offsets into text
    end: int
    polarity: str  # negative|neutral|positive|conflict


@dataclass
class Sentence:
    id: str
    dataset: str
    text: str
    aspects: list[Aspect]
    doc_polarity: str | None = None  # sentence-level label (see doc_label) or None
    raw: dict = field(default_factory=dict, repr=False)


def merge_aspects(text: str, raw_aspects: list[dict]) -> list[Aspect]:
    """Same span listed twice with different polarities (SemEval-15/16) -> one 'conflict' aspect."""
    by_span: dict[tuple[int, int], set[str]] = {}
    order: list[tuple[int, int]] = []
    for a in raw_aspects:
        s, e = utf16_to_cp(text, a["from"]), utf16_to_cp(text, a["to"])
        if e <= s:
            continue
        if (s, e) not in by_span:
            by_span[(s, e)] = set()
            order.append((s, e))
        by_span[(s, e)].add(a["polarity"])
    out = []
    for s, e in sorted(order):
        pols = by_span[(s, e)]
        out.append(Aspect(s, e, pols.pop() if len(pols) == 1 else "conflict"))
    return out


def doc_label(raw: dict, aspects: list[Aspect]) -> str | None:
    """Sentence-level sentiment used to train the no-target polarity output.

    Label = the single polarity shared by every aspect term AND every category/opinion annotation of
    the sentence; None (not trained) when there is no annotation, a 'conflict', or mixed polarities.
    """
    pols = [a.polarity for a in aspects]
    pols += [c["polarity"] for c in raw.get("categories", []) or []]
    pols += [o["polarity"] for o in raw.get("opinions", []) or []]
    if not pols or "conflict" in pols:
        return None
    s = set(pols)
    return pols[0] if len(s) == 1 else None


def load_dataset(data_dir: str, name: str) -> list[Sentence]:
    path = os.path.join(data_dir, DATASETS[name])
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            asp = merge_aspects(r["text"], r.get("aspects", []))
            ds = "mams_atsa" if name == "mams_atsa_val" else name
            out.append(Sentence(r["id"], ds, r["text"], asp, doc_label(r, asp), r))
    return out


@dataclass
class Splits:
    train: list[Sentence]
    val: dict[str, list[Sentence]]  # eval-set name -> sentences
    stats: dict


def make_splits(data_dir: str, seed: int = SPLIT_SEED, val_fraction: float = VAL_FRACTION) -> Splits:
    data = {n: load_dataset(data_dir, n) for n in DATASETS}
    mams_val_keys = {normalize_text(s.text) for s in data["mams_atsa_val"]}

    # validation keys: MAMS val + a hash-selected fraction of the SemEval sentences. MAMS train
    # sentences are not hash-selected (MAMS has its own val split) but are dropped from training
    # when they collide with any validation key.
    val_keys = set(mams_val_keys)
    for name in ("semeval14_restaurants", "semeval14_laptops", "semeval15_restaurants", "semeval16_restaurants"):
        for s in data[name]:
            key = normalize_text(s.text)
            if split_hash(key, seed) < val_fraction:
                val_keys.add(key)

    def is_val(key: str) -> bool:
        return key in val_keys

    val: dict[str, list[Sentence]] = {
        "restaurants14": [],
        "laptops14": [],
        "restaurants15": [],
        "restaurants16": [],
        "mams": list(data["mams_atsa_val"]),
    }
    vname = {
        "semeval14_restaurants": "restaurants14",
        "semeval14_laptops": "laptops14",
        "semeval15_restaurants": "restaurants15",
        "semeval16_restaurants": "restaurants16",
    }
    seen_val_in_set: dict[str, set[str]] = {k: set() for k in val}
    train: list[Sentence] = []
    train_keys: set[str] = set()
    dropped = {"dup_train": 0, "val_key_in_train_file": 0}
    for name in TRAIN_PRIORITY:
        for s in data[name]:
            key = normalize_text(s.text)
            if is_val(key):
                if name in vname:
                    vs = vname[name]
                    if key not in seen_val_in_set[vs]:  # de-duplicate within a validation set too
                        seen_val_in_set[vs].add(key)
                        val[vs].append(s)
                else:
                    dropped["val_key_in_train_file"] += 1
                continue
            if key in train_keys:
                dropped["dup_train"] += 1
                continue
            train_keys.add(key)
            train.append(s)
    # sanity: no validation key in training
    all_val_keys = {normalize_text(s.text) for vs in val.values() for s in vs}
    assert not (all_val_keys & train_keys)
    stats = {
        "train_sentences": len(train),
        "train_by_dataset": {n: sum(1 for s in train if s.dataset == n) for n in TRAIN_PRIORITY},
        "val_sentences": {k: len(v) for k, v in val.items()},
        "dropped": dropped,
        "seed": seed,
        "val_fraction": val_fraction,
    }
    return Splits(train, val, stats)


def write_eval_jsonl(path: str, sents: list[Sentence]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for s in sents:
            f.write(json.dumps(s.raw, ensure_ascii=False) + "\n")


def read_eval_jsonl(path: str, dataset: str = "eval") -> list[Sentence]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                asp = merge_aspects(r["text"], r.get("aspects", []))
                out.append(Sentence(r["id"], dataset, r["text"], asp, doc_label(r, asp), r))
    return out
