"""Aspect-polarity head: an MLP over the encoder's pooled states at the aspect, trained with the phenomenon data.

The polarity head inside model.onnx reads [h_CLS ; mean h over the aspect] and never learnt negated
negative words ("not slow"), double negation or implicit sentiment: the benchmark data hardly has them,
and one more epoch of the whole model with models/data/en-phenomena moved nothing (model card). This
head reads the last hidden states, frozen, pooled four ways: [h_CLS ; mean h over the aspect ; mean h and
max h over the text], so that a "not" anywhere in the sentence can reach it. Which pass's states it reads
follows the artifact's config.json (aspect_states.py): the targeted pass (the aspect marked), or, for
analyze_polarity "tagging-pass", the tagging pass (one encoder pass per text). There nothing marks the
aspect, so by default two more poolings are added, mean h and max h over the text within --local-window
tokens of the aspect, which tell two aspects of one sentence apart.
It is trained on the model's own training split (train.py's make_splits) plus the phenomenon sentences
(the template ones and the hand-written ones of written.jsonl), repeated, and replaces the model's
polarity for every aspect (analyze and targeted mode); a text's own sentiment (no aspect) stays the
model's.

Writes `polarity.onnx` (inputs hidden_states [B, S, H], target_mask [B, S], content_mask [B, S] and, with
local pooling, local_mask [B, S]; output polarity_logits [B, 3] in labels.json's polarity order) and
`polarity.json` describing it; the Node runtime applies it (aspect-heads.ts).

    nice -n 10 models/training/.venv/bin/python models/training/train_polarity.py \\
        --artifact models/absa/minilm-absa-en-1.0.0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from absa_data import make_splits, read_eval_jsonl  # noqa: E402
from aspect_states import TargetedEncoder  # noqa: E402
from train_categories import data_dir  # noqa: E402
from train_opinions import fit_mlp, save_mlp_graph  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PHENOMENA = os.path.join(HERE, "..", "data", "en-phenomena", "train.jsonl")
WRITTEN = os.path.join(HERE, "..", "data", "en-phenomena", "written.jsonl")
CHALLENGE_DEV = os.path.join(HERE, "..", "absa-challenge", "challenge-dev.jsonl")
POLARITIES = ["negative", "neutral", "positive"]


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def local_range(n: int, target: tuple[int, int], k: int) -> tuple[int, int]:
    """Content positions within k tokens of the target (the target included); n counts [CLS] and [SEP]."""
    return max(1, target[0] - k), min(n - 1, target[1] + k)


def pooled(h: np.ndarray, target: tuple[int, int], local: int) -> np.ndarray:
    """[h_CLS ; mean h over the target ([CLS] when none) ; mean and max h over the content tokens], and with
    local > 0 the mean and max over the content tokens within `local` of the target."""
    f, t = target
    content = h[1:-1] if len(h) > 2 else h
    parts = [h[0], h[f:t].mean(axis=0) if t > f else h[0], content.mean(axis=0), content.max(axis=0)]
    if local > 0:
        lo, hi = local_range(len(h), target, local)
        near = h[lo:hi] if hi > lo else h[:1]
        parts += [near.mean(axis=0), near.max(axis=0)]
    return np.concatenate(parts)


def featurize(enc: TargetedEncoder, sentences, local: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """Features, gold polarity and the model's own polarity per (non-conflict) aspect."""
    rows, gold, meta = [], [], []
    for s in sentences:
        for a in s.aspects:
            if a.polarity in POLARITIES:
                rows.append(enc.row(s.text, utf16(s.text, a.start), utf16(s.text, a.end)))
                gold.append(POLARITIES.index(a.polarity))
                meta.append((s.raw or {}).get("phenomenon"))
    states, model_pol = enc.states(rows)
    x = np.stack([pooled(h, r.target, local) for h, r in zip(states, rows)]).astype(np.float32)
    return x, np.array(gold), model_pol, meta


def export_onnx(path: str, w1, b1, w2, b2, hidden_size: int, local: bool = False) -> None:
    """The pooling and the MLP as one graph; with `local`, a fourth input local_mask [B, S] marks the
    content tokens near the target (local_range), pooled by mean and max after the other four."""
    from onnx import helper

    n = helper.make_node
    nodes = [
        n("Unsqueeze", ["target_mask", "ax2"], ["tm"]),
        n("Unsqueeze", ["content_mask", "ax2"], ["cm"]),
        n("Gather", ["hidden_states", "first"], ["cls"], axis=1),
        n("Mul", ["hidden_states", "tm"], ["ht"]),
        n("ReduceSum", ["ht", "ax1"], ["ht_sum"], keepdims=0),
        n("ReduceSum", ["tm", "ax1"], ["tm_sum"], keepdims=0),
        n("Div", ["ht_sum", "tm_sum"], ["aspect"]),
        n("Mul", ["hidden_states", "cm"], ["hc"]),
        n("ReduceSum", ["hc", "ax1"], ["hc_sum"], keepdims=0),
        n("ReduceSum", ["cm", "ax1"], ["cm_sum"], keepdims=0),
        n("Div", ["hc_sum", "cm_sum"], ["mean"]),
        # max over content tokens only: the others pushed down by 1e9
        n("Sub", ["cm", "one"], ["off"]),
        n("Mul", ["off", "big"], ["penalty"]),
        n("Add", ["hidden_states", "penalty"], ["hm"]),
        n("ReduceMax", ["hm"], ["max"], axes=[1], keepdims=0),
    ]
    inputs = [("hidden_states", "float", ["batch", "seq", hidden_size]), ("target_mask", "float", ["batch", "seq"]),
              ("content_mask", "float", ["batch", "seq"])]
    pooled_names = ["cls", "aspect", "mean", "max"]
    if local:
        nodes += [
            n("Unsqueeze", ["local_mask", "ax2"], ["lm"]),
            n("Mul", ["hidden_states", "lm"], ["hl"]),
            n("ReduceSum", ["hl", "ax1"], ["hl_sum"], keepdims=0),
            n("ReduceSum", ["lm", "ax1"], ["lm_sum"], keepdims=0),
            n("Div", ["hl_sum", "lm_sum"], ["near_mean"]),
            n("Sub", ["lm", "one"], ["loff"]),
            n("Mul", ["loff", "big"], ["lpenalty"]),
            n("Add", ["hidden_states", "lpenalty"], ["hlm"]),
            n("ReduceMax", ["hlm"], ["near_max"], axes=[1], keepdims=0),
        ]
        inputs.append(("local_mask", "float", ["batch", "seq"]))
        pooled_names += ["near_mean", "near_max"]
    nodes.append(n("Concat", pooled_names, ["x"], axis=1))
    save_mlp_graph(
        path, "polarity_head", nodes,
        inputs,
        ("polarity_logits", ["batch", 3]),
        (w1, b1, w2, b2),
        {"ax1": np.array([1], dtype=np.int64), "ax2": np.array([2], dtype=np.int64), "first": np.array(0, dtype=np.int64),
         "one": np.array(1.0, dtype=np.float32), "big": np.array(1e9, dtype=np.float32)},
        "train_polarity.py",
    )


def training_set(data: dict, repeat: int, written_repeat: int) -> tuple[np.ndarray, np.ndarray]:
    parts = [data["train"]] + [data["phenomena"]] * repeat + [data["written"]] * written_repeat
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifact", default="models/absa/minilm-absa-en-1.0.0")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=1024)
    ap.add_argument("--l2", type=float, default=None,
                    help="default 3e-3 on the targeted pass's states, 1e-2 on the tagging pass's (model card)")
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=6, help="times the template phenomenon sentences are in the training data")
    ap.add_argument("--written-repeat", type=int, default=2,
                    help="times the hand-written phenomenon sentences are in the training data")
    ap.add_argument("--local-window", type=int, default=None,
                    help="also pool the content tokens within this many tokens of the aspect (0: none); default 0 "
                         "on the targeted pass's states, 3 on the tagging pass's")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    enc = TargetedEncoder(args.artifact, args.threads)
    # settings chosen per pass (model card): the tagging pass needs the words near the aspect
    if args.local_window is None:
        args.local_window = 0 if enc.mark_target else 3
    if args.l2 is None:
        args.l2 = 3e-3 if enc.mark_target else 1e-2
    splits = make_splits(data_dir())
    sets = {
        "train": splits.train,
        "phenomena": read_eval_jsonl(PHENOMENA, dataset="extra"),
        "written": read_eval_jsonl(WRITTEN, dataset="extra"),
        "restaurants14_val": splits.val["restaurants14"],
        "mams_val": splits.val["mams"],
        "challenge_dev": read_eval_jsonl(CHALLENGE_DEV, dataset="challenge"),
    }
    data = {}
    for name, sentences in sets.items():
        data[name] = featurize(enc, sentences, args.local_window)
        print(f"{name}: {len(data[name][1])} aspects ({time.time() - t0:.0f}s)", flush=True)
    x, y = training_set(data, args.repeat, args.written_repeat)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    w1, b1, w2, b2 = fit_mlp((x - mu) / sd, y, args.hidden, args.l2, args.epochs, args.dropout, batch=256,
                             class_weights=(1.0, 1.0, 1.0))
    # the standardisation folded into the first layer, so the runtime feeds raw states
    w1, b1 = (w1 / sd[:, None]).astype(np.float32), (b1 - (mu / sd) @ w1).astype(np.float32)
    print(f"fit: {x.shape} ({time.time() - t0:.0f}s)", flush=True)

    results = {}
    for name in ("restaurants14_val", "mams_val", "challenge_dev"):
        feats, gold, model_pol, meta = data[name]
        pred = (np.maximum(feats @ w1 + b1, 0) @ w2 + b2).argmax(axis=1)
        r = {"aspects": len(gold), "accuracy": round(float((pred == gold).mean()), 4),
             "model_accuracy": round(float((model_pol.argmax(axis=1) == gold).mean()), 4)}
        if name == "challenge_dev":
            r["phenomena"] = {
                ph: round(float(np.mean([p == g for p, g, m in zip(pred, gold, meta) if m == ph])), 4)
                for ph in sorted({m for m in meta if m})
            }
        results[name] = r
    print(json.dumps(results), flush=True)
    if args.no_write:
        return
    local = args.local_window > 0
    export_onnx(os.path.join(args.artifact, "polarity.onnx"), w1, b1, w2, b2,
                data["train"][0].shape[1] // (6 if local else 4), local)
    pass_read = "tagging pass" if not enc.mark_target else "targeted pass"
    head = {
        "format": "pooled-mlp-onnx-2" if local else "pooled-mlp-onnx-1",
        "model": "polarity.onnx",
        "polarities": POLARITIES,
        **({"local_window": args.local_window} if local else {}),
        "input": f"{pass_read} hidden_states: [h_CLS ; mean h over the target ; mean h and max h over the content tokens"
                 + (f" ; mean h and max h over the content tokens within {args.local_window} of the target" if local else "")
                 + "]; one ReLU layer",
        "hidden": args.hidden,
        "trained_on": "the model's training split (train.py make_splits), models/data/en-phenomena/train.jsonl "
                      f"x {args.repeat} and models/data/en-phenomena/written.jsonl x {args.written_repeat}",
        "validation (gold aspects)": results,
    }
    with open(os.path.join(args.artifact, "polarity.json"), "w", encoding="utf-8") as f:
        json.dump(head, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote polarity.onnx and polarity.json into {args.artifact} in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
