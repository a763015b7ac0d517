"""Opinion-span head: per-token O/B/I tags over the targeted pass's encoder states.

For each aspect the runtime already runs one targeted pass (aspect marked by token_type_ids = 1);
its last hidden states are aspect-conditioned, so a small per-token classifier over them finds the
words that express the opinion about that aspect at no extra encoder cost. Trained on the ASTE train
files (aspect-opinion-polarity triplets), validated on the ASTE val files; a training sentence whose
text is also in a val file is left out (SemEval-15/16 restaurants repeat SemEval-14 and each other's
sentences, so without that the val figures measure memory).

Two forms, both applied by the Node runtime (aspect-heads.ts):
- `--hidden N` (default 256): a one-hidden-layer MLP over [h_t ; h_t * a ; h_t-1 ; h_t+1 ; distance
  bucket one-hot], a = mean h over the aspect's word pieces, as `opinions.onnx` (a small graph that
  onnxruntime runs over the whole targeted batch: about 10 million multiply-adds per aspect, too many
  for a plain JavaScript loop) described by `opinions.json`.
- `--hidden 0`: softmax regression over [h_t ; h_t * a ; distance bucket one-hot], its weights in
  `opinions.json` (the first head of both models).

    nice -n 10 models/training/.venv/bin/python models/training/train_opinions.py \
        --artifact models/absa/minilm-absa-en-1.0.0

The Korean model's head adds the project's Korean triplets (`--extra models/data/ko-absa/aste:ko_reviews`)
to the English ones: the multilingual encoder's states carry what the English data teaches across
(Korean val opinion F1 0.667, against 0.642 with the Korean triplets alone).
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


def token_features(h: np.ndarray, target: tuple[int, int], window: bool = False) -> np.ndarray:
    """[h_t ; h_t * a ; (h_t-1 ; h_t+1 ;) distance one-hot] per position of one row (no padding)."""
    frm, to = target
    a = h[frm:to].mean(axis=0) if to > frm else h[0]
    dist = np.zeros((len(h), N_DIST), dtype=np.float32)
    for t in range(len(h)):
        dist[t, distance_bucket(t, frm, to)] = 1
    parts = [h, h * a]
    if window:
        zero = np.zeros((1, h.shape[1]), dtype=h.dtype)
        parts += [np.concatenate([zero, h[:-1]]), np.concatenate([h[1:], zero])]
    return np.concatenate(parts + [dist], axis=1)


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


def softmax_grad(z, y, cw):
    """Gradient of the class-weighted mean cross-entropy with respect to the logits z."""
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return p * cw[y][:, None] / cw[y].sum()


def adam(params, grads, state, step, lr):
    m, v = state
    for i, (param, grad) in enumerate(zip(params, grads)):
        m[i] = 0.9 * m[i] + 0.1 * grad
        v[i] = 0.999 * v[i] + 0.001 * grad**2
        param -= lr * (m[i] / (1 - 0.9**step)) / (np.sqrt(v[i] / (1 - 0.999**step)) + 1e-8)


def fit_mlp(x, y, hidden, l2, epochs, dropout, lr=2e-3, batch=1024, seed=0, class_weights=(1.0, 1.5, 1.5)):
    """x -> ReLU(x W1 + b1) -> W2 + b2 (3 classes); Adam with the rate falling linearly to 0, inverted
    dropout on the hidden layer, classes weighted by `class_weights` (B/I 1.5 as in `fit`).

    For opinions, chosen on the mean opinion F1 of the laptops14, restaurants15 and restaurants16 val
    files (restaurants14 val, the reported figure, was not used to choose): hidden 256 / dropout 0.2 /
    10 epochs 0.718, hidden 128 0.695-0.706, the window columns (h_t-1, h_t+1) +0.03, the linear head 0.62."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    w1 = (rng.standard_normal((d, hidden)) * np.sqrt(2 / d)).astype(np.float32)
    b1 = np.zeros(hidden, dtype=np.float32)
    w2 = (rng.standard_normal((hidden, 3)) * np.sqrt(1 / hidden)).astype(np.float32)
    b2 = np.zeros(3, dtype=np.float32)
    params = [w1, b1, w2, b2]
    state = ([np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params])
    cw = np.array(class_weights, dtype=np.float32)
    total = epochs * ((n + batch - 1) // batch)
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, batch):
            idx = order[s : s + batch]
            xb, yb = x[idx], y[idx]
            pre = xb @ w1 + b1
            keep = (rng.random(pre.shape) > dropout).astype(np.float32) / (1 - dropout)
            act = np.maximum(pre, 0) * keep
            g = softmax_grad(act @ w2 + b2, yb, cw)
            gh = (g @ w2.T) * (pre > 0) * keep
            grads = [xb.T @ gh + l2 * w1, gh.sum(axis=0), act.T @ g + l2 * w2, g.sum(axis=0)]
            step += 1
            adam(params, grads, state, step, lr * (1 - (step - 1) / total))
    return params


def save_mlp_graph(path: str, name: str, feature_nodes: list, inputs: list, output: tuple[str, list],
                   weights: tuple, constants: dict[str, np.ndarray], producer: str) -> None:
    """Saves an ONNX graph (opset 17) whose `feature_nodes` compute "x" from `inputs`, followed by the MLP
    x -> ReLU(x w1 + b1) w2 + b2 named `output` ((name, shape)); `constants` are further initializers."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w1, b1, w2, b2 = (w.astype(np.float32) for w in weights)
    inits = [numpy_helper.from_array(v, k) for k, v in {"w1": w1, "b1": b1, "w2": w2, "b2": b2, **constants}.items()]
    n = helper.make_node
    nodes = feature_nodes + [
        n("MatMul", ["x", "w1"], ["z1"]),
        n("Add", ["z1", "b1"], ["z1b"]),
        n("Relu", ["z1b"], ["r"]),
        n("MatMul", ["r", "w2"], ["z2"]),
        n("Add", ["z2", "b2"], [output[0]]),
    ]
    kind = {"float": TensorProto.FLOAT, "int64": TensorProto.INT64}
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info(i, kind[t], shape) for i, t, shape in inputs],
        [helper.make_tensor_value_info(output[0], TensorProto.FLOAT, output[1])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name=producer)
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def export_onnx(path: str, w1, b1, w2, b2, hidden_size: int) -> None:
    """The MLP as a graph over a whole targeted batch. Inputs: hidden_states [B, S, H] (the targeted
    pass's output), target_mask [B, S] (1 on the aspect's tokens; [CLS] alone when it has none) and
    distance [B, S] (bucket index, as distance_bucket). Output opinion_logits [B, S, 3]. Padding
    positions get logits too; they are never read."""
    from onnx import helper

    n = helper.make_node
    i64 = lambda *v: np.array(v, dtype=np.int64)  # noqa: E731
    nodes = [
        n("Unsqueeze", ["target_mask", "ax2"], ["m3"]),
        n("Mul", ["hidden_states", "m3"], ["hm"]),
        n("ReduceSum", ["hm", "ax1"], ["hsum"], keepdims=1),
        n("ReduceSum", ["m3", "ax1"], ["msum"], keepdims=1),
        n("Div", ["hsum", "msum"], ["a"]),
        n("Mul", ["hidden_states", "a"], ["ha"]),
        n("Pad", ["hidden_states", "pad_before"], ["hp"]),
        n("Slice", ["hp", "zero", "minus1", "ax1"], ["prev"]),
        n("Slice", ["hidden_states", "ax1", "end", "ax1"], ["hn"]),
        n("Pad", ["hn", "pad_after"], ["next"]),
        n("Gather", ["onehot", "distance"], ["dist"], axis=0),
        n("Concat", ["hidden_states", "ha", "prev", "next", "dist"], ["x"], axis=2),
    ]
    save_mlp_graph(
        path, "opinion_head", nodes,
        [("hidden_states", "float", ["batch", "seq", hidden_size]), ("target_mask", "float", ["batch", "seq"]),
         ("distance", "int64", ["batch", "seq"])],
        ("opinion_logits", ["batch", "seq", 3]),
        (w1, b1, w2, b2),
        {"onehot": np.eye(N_DIST, dtype=np.float32), "ax1": i64(1), "ax2": i64(2), "zero": i64(0), "minus1": i64(-1),
         "end": i64(2**62), "pad_before": i64(0, 1, 0, 0, 0, 0), "pad_after": i64(0, 0, 0, 0, 1, 0)},
        "train_opinions.py",
    )


def fit(x, y, l2, epochs, lr=0.02, batch=8192, seed=0):
    """Softmax regression (3 tags), minibatch Adam, B/I weighted 1.5 (they are ~8% of tokens; 3 gave recall 0.76 at precision 0.53 on restaurants14 val)."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    w = np.zeros((d, 3), dtype=np.float32)
    b = np.zeros(3, dtype=np.float32)
    cw = np.array([1.0, 1.5, 1.5], dtype=np.float32)
    state = ([np.zeros_like(w), np.zeros_like(b)], [np.zeros_like(w), np.zeros_like(b)])
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, batch):
            idx = order[s : s + batch]
            xb, yb = x[idx], y[idx]
            g = softmax_grad(xb @ w + b, yb, cw)
            grads = [xb.T @ g + l2 * w, g.sum(axis=0)]
            step += 1
            adam((w, b), grads, state, step, lr)
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
    ap.add_argument("--hidden", type=int, default=256, help="MLP hidden units (opinions.onnx); 0: linear head (opinions.json)")
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--epochs", type=int, help="default: 10 for the MLP, 8 for the linear head")
    ap.add_argument("--extra", action="append", default=[], metavar="DIR:NAME",
                    help="more triplet data in the ASTE format: DIR/train.jsonl trained on, DIR/val.jsonl "
                         "reported as NAME (e.g. models/data/ko-absa/aste:ko_reviews)")
    ap.add_argument("--no-english", action="store_true", help="train on the --extra data only")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    mlp = args.hidden > 0
    epochs = args.epochs or (10 if mlp else 8)
    t0 = time.time()
    dd = data_dir()
    enc = TargetedEncoder(args.artifact, args.threads)
    files = {} if args.no_english else {d: os.path.join(dd, "aste", d) for d in DATASETS}
    for extra in args.extra:
        folder, name = extra.rsplit(":", 1)
        files[name] = folder
    val_by_ds = {d: read_jsonl(os.path.join(files[d], "val.jsonl")) for d in files}
    split = {"train": [r for d in files for r in read_jsonl(os.path.join(files[d], "train.jsonl"))],
             "val": [r for d in files for r in val_by_ds[d]]}
    key = lambda text: "".join(text.split()).lower()  # noqa: E731
    val_texts = {key(r["text"]) for r in split["val"]}
    kept = [r for r in split["train"] if key(r["text"]) not in val_texts]
    print(f"train: {len(split['train']) - len(kept)} sentences left out, their text is in a val file", flush=True)
    split["train"] = kept
    data = {}
    for s, recs in split.items():
        rows, tags, gold = rows_and_tags(enc, recs)
        states, _ = enc.states(rows)
        data[s] = (rows, tags, gold, states)
        print(f"{s}: {len(recs)} sentences, {len(rows)} aspects ({time.time() - t0:.0f}s)", flush=True)
    rows, tags, _, states = data["train"]
    x = np.concatenate([token_features(h, r.target, mlp) for h, r in zip(states, rows)]).astype(np.float32)
    y = np.concatenate(tags)
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    sd[-N_DIST:] = 1.0
    mu[-N_DIST:] = 0.0
    # the normalisation is folded into the first layer, so the runtime feeds raw states
    if mlp:
        w1, b1, w2, b2 = fit_mlp((x - mu) / sd, y, args.hidden, args.l2, epochs, args.dropout)
        w1, b1 = (w1 / sd[:, None]).astype(np.float32), (b1 - (mu / sd) @ w1).astype(np.float32)
        logits = lambda f: np.maximum(f @ w1 + b1, 0) @ w2 + b2  # noqa: E731
    else:
        w, b = fit((x - mu) / sd, y, args.l2, epochs)
        wf, bf = (w / sd[:, None]).astype(np.float32), (b - (mu / sd) @ w).astype(np.float32)
        logits = lambda f: f @ wf + bf  # noqa: E731
    print(f"fit: {x.shape} ({time.time() - t0:.0f}s)", flush=True)

    # opinion-span F1 given gold aspects, per val file
    rows, tags, gold, states = data["val"]
    results = {}
    ids_by_ds = {d: {r["id"] for r in val_by_ds[d]} for d in files}
    for d in files:
        tp = fp = fn = 0
        for row, g, h in zip(rows, gold, states):
            if g[0] not in ids_by_ds[d]:
                continue
            pred = set(decode(logits(token_features(h, row.target, mlp)).argmax(axis=1), row))
            gs = {(utf16_to_cp(row.text, f), utf16_to_cp(row.text, e)) for f, e in g[3]}
            tp += len(pred & gs)
            fp += len(pred - gs)
            fn += len(gs - pred)
        p = tp / max(1, tp + fp)
        rc = tp / max(1, tp + fn)
        results[d] = {"opinion_f1_gold_aspects": round(2 * p * rc / max(1e-9, p + rc), 4), "precision": round(p, 4), "recall": round(rc, 4)}
    print(json.dumps(results), flush=True)
    if args.no_write:
        return
    trained_on = "; ".join(
        (["ASTE-Data-V2 train files (semeval14 restaurants/laptops, semeval15/16 restaurants)"] if not args.no_english else [])
        + [f"{e.rsplit(':', 1)[0]}/train.jsonl" for e in args.extra]
    ) + ", less sentences whose text is in a val file"
    json_path, onnx_path = os.path.join(args.artifact, "opinions.json"), os.path.join(args.artifact, "opinions.onnx")
    head = {
        "tags": ["O", "B", "I"],
        "distance_buckets": BUCKETS,
        "trained_on": trained_on,
        "validation": results,
    }
    if mlp:
        export_onnx(onnx_path, w1, b1, w2, b2, states[0].shape[1])
        head = {
            "format": "token-mlp-onnx-1",
            "model": os.path.basename(onnx_path),
            "input": "targeted hidden_states per token: [h_t ; h_t * a ; h_t-1 ; h_t+1 ; distance bucket one-hot], "
                     "a = mean h over the target; one ReLU layer",
            "hidden": args.hidden,
            **head,
        }
    else:
        head = {
            "format": "token-linear-bio-1",
            "input": "targeted hidden_states per token: [h_t ; h_t * a ; distance bucket one-hot], a = mean h over the target",
            **head,
            "weights": [[round(float(v), 6) for v in wf[:, j]] for j in range(3)],
            "bias": [round(float(v), 6) for v in bf],
        }
        if os.path.exists(onnx_path):
            os.remove(onnx_path)
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(head, f, separators=(",", ":"))
        f.write("\n")
    out = onnx_path if mlp else json_path
    print(f"wrote {out} ({os.path.getsize(out)} bytes) in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
