"""Opinion-span head: per-token O/B/I tags over the targeted pass's encoder states.

For each aspect the runtime already runs one targeted pass (aspect marked by token_type_ids = 1);
its last hidden states are aspect-conditioned, so a per-token linear layer over them finds the words
that express the opinion about that aspect at no extra encoder cost. Features per token:
[h_t ; h_t * a ; distance bucket one-hot], a = mean h over the aspect's word pieces. Trained on the
ASTE train files (aspect-opinion-polarity triplets), validated on the ASTE val files. Writes
`opinions.json` into the artifact; the Node runtime applies it (aspect-heads.ts).

    nice -n 10 models/training/.venv/bin/python models/training/train_opinions.py \
        --artifact models/absa/minilm-absa-en-1.0.0

The Korean model's head adds the project's Korean triplets (`--extra models/data/ko-absa/aste:ko_reviews`)
to the English ones: the multilingual encoder's states carry what the English data teaches across.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from absa_data import utf16_to_cp  # noqa: E402
from aspect_states import TargetedEncoder  # noqa: E402
from train_categories import data_dir, read_jsonl  # noqa: E402

DATASETS = ["semeval14_restaurants", "semeval14_laptops", "semeval15_restaurants", "semeval16_restaurants"]
# distance (in word pieces) from the aspect, signed: before / inside / after
BUCKETS = [1, 2, 3, 5, 8, 13, 10**9]
N_DIST = 2 * len(BUCKETS) + 1


def distance_bucket(t: int, frm: int, to: int) -> int:
    if frm <= t < to:
        return 0
    d = frm - t if t < frm else t - to + 1
    b = next(i for i, lim in enumerate(BUCKETS) if d <= lim)
    return 1 + b + (len(BUCKETS) if t >= to else 0)


def token_features(h: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    frm, to = target
    a = h[frm:to].mean(axis=0) if to > frm else h[0]
    dist = np.zeros((len(h), N_DIST), dtype=np.float32)
    for t in range(len(h)):
        dist[t, distance_bucket(t, frm, to)] = 1
    return np.concatenate([h, h * a, dist], axis=1)


def rows_and_tags(enc: TargetedEncoder, records: list[dict]):
    """One targeted row per distinct aspect; tags per window token (0 O, 1 B, 2 I) from its opinions."""
    rows, tags, gold = [], [], []
    for r in records:
        by_aspect: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for t in r["triplets"]:
            by_aspect.setdefault((t["aspect"]["from"], t["aspect"]["to"]), []).append(
                (t["opinion"]["from"], t["opinion"]["to"])
            )
        for (af, at), opinions in by_aspect.items():
            row = enc.row(r["text"], af, at)
            y = np.zeros(len(row.ids), dtype=np.int64)
            for of, ot in opinions:
                f, e = utf16_to_cp(r["text"], of), utf16_to_cp(r["text"], ot)
                inside = [j for j, (s, t) in enumerate(row.offsets) if j > 0 and t > s and s < e and t > f]
                for k, j in enumerate(inside):
                    y[j] = 1 if k == 0 else 2
            rows.append(row)
            tags.append(y)
            gold.append((r["id"], af, at, sorted(set(opinions))))
    return rows, tags, gold


def fit(x, y, l2, epochs, lr=0.02, batch=8192, seed=0):
    """Softmax regression (3 tags), minibatch Adam, B/I weighted 1.5 (they are ~8% of tokens; 3 gave recall 0.76 at precision 0.53 on restaurants14 val)."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    w = np.zeros((d, 3), dtype=np.float32)
    b = np.zeros(3, dtype=np.float32)
    cw = np.array([1.0, 1.5, 1.5], dtype=np.float32)
    m = [np.zeros_like(w), np.zeros_like(b)]
    v = [np.zeros_like(w), np.zeros_like(b)]
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, batch):
            idx = order[s : s + batch]
            xb, yb = x[idx], y[idx]
            z = xb @ w + b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(idx)), yb] -= 1
            g = p * cw[yb][:, None] / cw[yb].sum()
            grads = [xb.T @ g + l2 * w, g.sum(axis=0)]
            step += 1
            for i, (param, grad) in enumerate(zip((w, b), grads)):
                m[i] = 0.9 * m[i] + 0.1 * grad
                v[i] = 0.999 * v[i] + 0.001 * grad**2
                param -= lr * (m[i] / (1 - 0.9**step)) / (np.sqrt(v[i] / (1 - 0.999**step)) + 1e-8)
    return w, b


def decode(tags: np.ndarray, row) -> list[tuple[int, int]]:
    """Word-level BIO (bio-decoder.ts decodeBioWords): a word takes its first piece's tag; spans as
    code-point offsets. Tokens of the aspect itself and specials are never opinions."""
    spans, cur = [], None
    n = len(row.ids)
    j = 1
    while j < n - 1:
        k = j + 1
        while k < n - 1 and not row.word_start[k]:
            k += 1
        tag = tags[j] if not (row.target[0] <= j < row.target[1]) else 0
        s, e = row.offsets[j][0], row.offsets[k - 1][1]
        if tag == 1 or (tag == 2 and cur is None):
            if cur:
                spans.append(cur)
            cur = [s, e]
        elif tag == 2:
            cur[1] = e
        else:
            if cur:
                spans.append(cur)
            cur = None
        j = k
    if cur:
        spans.append(cur)
    return [tuple(x) for x in spans]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifact", default="models/absa/minilm-absa-en-1.0.0")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--cache", help="npz file to keep features between runs")
    ap.add_argument("--extra", action="append", default=[], metavar="DIR:NAME",
                    help="more triplet data in the ASTE format: DIR/train.jsonl trained on, DIR/val.jsonl "
                         "reported as NAME (e.g. models/data/ko-absa/aste:ko_reviews)")
    ap.add_argument("--no-english", action="store_true", help="train on the --extra data only")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    dd = data_dir()
    enc = TargetedEncoder(args.artifact, args.threads)
    files = {} if args.no_english else {d: os.path.join(dd, "aste", d) for d in DATASETS}
    for extra in args.extra:
        folder, name = extra.rsplit(":", 1)
        files[name] = folder
    split = {s: [r for d in files for r in read_jsonl(os.path.join(files[d], f"{s}.jsonl"))] for s in ("train", "val")}
    val_by_ds = {d: read_jsonl(os.path.join(files[d], "val.jsonl")) for d in files}
    data = {}
    for s, recs in split.items():
        rows, tags, gold = rows_and_tags(enc, recs)
        states, _ = enc.states(rows)
        data[s] = (rows, tags, gold, states)
        print(f"{s}: {len(recs)} sentences, {len(rows)} aspects ({time.time() - t0:.0f}s)", flush=True)
    rows, tags, _, states = data["train"]
    x = np.concatenate([token_features(h, r.target) for h, r in zip(states, rows)]).astype(np.float32)
    y = np.concatenate(tags)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    sd[-N_DIST:] = 1.0
    mu[-N_DIST:] = 0.0
    w, b = fit((x - mu) / sd, y, args.l2, args.epochs)
    print(f"fit: {x.shape} ({time.time() - t0:.0f}s)", flush=True)

    # opinion-span F1 given gold aspects, per ASTE val file
    rows, tags, gold, states = data["val"]
    results = {}
    wf = (w / sd[:, None]).astype(np.float32)
    bf = (b - (mu / sd) @ w).astype(np.float32)
    ids_by_ds = {d: {r["id"] for r in val_by_ds[d]} for d in files}
    for d in files:
        tp = fp = fn = 0
        for row, g, h in zip(rows, gold, states):
            if g[0] not in ids_by_ds[d]:
                continue
            pred_tags = (token_features(h, row.target) @ wf + bf).argmax(axis=1)
            pred = set(decode(pred_tags, row))
            gs = {(utf16_to_cp(row.text, f), utf16_to_cp(row.text, e)) for f, e in g[3]}
            tp += len(pred & gs)
            fp += len(pred - gs)
            fn += len(gs - pred)
        p = tp / max(1, tp + fp)
        rc = tp / max(1, tp + fn)
        results[d] = {"opinion_f1_gold_aspects": round(2 * p * rc / max(1e-9, p + rc), 4), "precision": round(p, 4), "recall": round(rc, 4)}
    print(json.dumps(results), flush=True)
    head = {
        "format": "token-linear-bio-1",
        "input": "targeted hidden_states per token: [h_t ; h_t * a ; distance bucket one-hot], a = mean h over the target",
        "tags": ["O", "B", "I"],
        "distance_buckets": BUCKETS,
        "trained_on": "; ".join(
            (["ASTE-Data-V2 train files (semeval14 restaurants/laptops, semeval15/16 restaurants)"] if not args.no_english else [])
            + [f"{e.rsplit(':', 1)[0]}/train.jsonl" for e in args.extra]
        ),
        "validation": results,
        "weights": [[round(float(v), 6) for v in wf[:, j]] for j in range(3)],
        "bias": [round(float(v), 6) for v in bf],
    }
    if not args.no_write:
        out = os.path.join(args.artifact, "opinions.json")
        with open(out, "w", encoding="utf-8") as f:
            json.dump(head, f, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {out} ({os.path.getsize(out)} bytes) in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
