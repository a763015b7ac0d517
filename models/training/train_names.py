"""Name filter: tells a business, product or person's name from an aspect, for each span the tagger finds.

The tagger reads lower-cased word pieces, so "Harbor Sushi has the freshest rolls" and "harbor sushi ..."
are one input to it, and SemEval-15/16 even annotate a restaurant's name as an aspect of itself. This
head reads what the tagger cannot: the case of the span's words. Its input per found span is

    [mean h over the span's words ; h of the word before ; h of the word after ;
     mean and max over the span's words of 5 case flags ; words / 5]

where h is the tagging pass's hidden state at a word's first piece (zeros past either end of the
text) and the flags are: capitalised not at a sentence start, capitalised at a sentence start, all
capitals, mixed case or letters with digits ("QuickBank", "QC45"), all digits. One logistic regression
over them; a span with p(name) >= the threshold is not reported (name_filter.ts applies it).

Trained on the gold aspects of the model's training split (train.py make_splits; not names), the
restaurant names SemEval-16 annotates as aspects (train.py entity_names: names), and the names and
aspects of models/data/en-phenomena/names.jsonl (repeated). Chosen on the validation files and the
challenge set's dev half. Writes names.json into the artifact folder.

    nice -n 10 models/training/.venv/bin/python models/training/train_names.py \
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
from absa_data import read_eval_jsonl, utf16_to_cp  # noqa: E402
from aspect_states import TargetedEncoder  # noqa: E402
from evaluate import decode_spans  # noqa: E402
from train import default_data_dir, entity_names, make_splits  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = os.path.join(HERE, "..", "data", "en-phenomena", "names.jsonl")
CHALLENGE_DEV = os.path.join(HERE, "..", "absa-challenge", "challenge-dev.jsonl")
TAGS_FROM = {"semeval14_restaurants", "semeval14_laptops", "semeval16_restaurants", "mams_atsa"}
MAX_CONTENT = 126  # one window: longer texts are left out of training
QUOTES = " \"'(\u201c\u2018"


def case_flags(text: str, start: int, end: int) -> list[float]:
    """The word text[start:end]: capitalised mid-sentence, capitalised at a sentence start, all capitals,
    mixed case or letters with digits, all digits (name_filter.ts caseFlags)."""
    word = text[start:end]
    j = start - 1
    while j >= 0 and text[j] in QUOTES:
        j -= 1
    initial = j < 0 or text[j] in ".!?:;"
    title = word[:1].isupper()
    has_digit = any(c.isdigit() for c in word)
    mixed = any(a.islower() and b.isupper() for a, b in zip(word, word[1:])) or (
        has_digit and any(c.isalpha() for c in word))
    return [float(title and not initial), float(title and initial), float(len(word) > 1 and word.isupper()),
            float(mixed), float(word.isdigit())]


class TaggingPass:
    """The tagging pass of the artifact's model.onnx (nothing marked), one window per text."""

    def __init__(self, artifact: str, threads: int):
        encoder = TargetedEncoder(artifact, threads)  # the runtime's tokenizer and int8 session
        self.tok, self.sess, self.cls, self.sep = encoder.tok, encoder.sess, encoder.cls, encoder.sep
        with open(os.path.join(artifact, "config.json"), encoding="utf-8") as f:
            self.min_conf = json.load(f)["thresholds"]["aspect_min_confidence"]

    def run(self, sentences) -> list[dict]:
        """Per sentence of at most one window: words (first piece, last piece), offsets, the states at each
        word's first piece, and the spans the model's own tags give."""
        items = []
        for s in sentences:
            enc = self.tok.encode(s.text, add_special_tokens=False)
            if 0 < len(enc.ids) <= MAX_CONTENT:
                items.append((s, enc))
        out: list[dict | None] = [None] * len(items)
        order = sorted(range(len(items)), key=lambda i: -len(items[i][1].ids))
        for b in range(0, len(order), 32):
            idx = order[b : b + 32]
            n = len(items[idx[0]][1].ids) + 2
            ids = np.zeros((len(idx), n), dtype=np.int64)
            am = np.zeros_like(ids)
            for r, i in enumerate(idx):
                row = [self.cls] + list(items[i][1].ids) + [self.sep]
                ids[r, : len(row)] = row
                am[r, : len(row)] = 1
            tags, hidden = self.sess.run(["tag_logits", "hidden_states"],
                                         {"input_ids": ids, "attention_mask": am, "token_type_ids": np.zeros_like(ids)})
            for r, i in enumerate(idx):
                s, enc = items[i]
                k = len(enc.ids)
                offsets = [tuple(o) for o in enc.offsets]
                words = enc.word_ids
                logits = tags[r, 1 : 1 + k].astype(np.float64)
                probs = np.exp(logits - logits.max(axis=1, keepdims=True))
                probs /= probs.sum(axis=1, keepdims=True)
                units, j = [], 0
                while j < k:
                    e = j
                    while e + 1 < k and words[e + 1] == words[j]:
                        e += 1
                    units.append((j, e))
                    j = e + 1
                out[i] = {
                    "sentence": s,
                    "units": units,
                    "offsets": offsets,
                    "states": hidden[r, 1 : 1 + k][[a for a, _ in units]].astype(np.float32),
                    "flags": np.array([case_flags(s.text, offsets[a][0], offsets[e][1]) for a, e in units],
                                      dtype=np.float32),
                    "found": [(a, b) for a, b, _ in decode_spans(probs, offsets, ["O", "B", "I"], self.min_conf,
                                                                 words, s.text)],
                }
        return out


def span_features(t: dict, start: int, end: int) -> np.ndarray | None:
    """The head's input for the code-point span [start, end), or None when it covers no word."""
    hit = [u for u, (a, e) in enumerate(t["units"]) if t["offsets"][e][1] > start and t["offsets"][a][0] < end]
    if not hit:
        return None
    h = t["states"]
    zeros = np.zeros(h.shape[1], dtype=np.float32)
    before = h[hit[0] - 1] if hit[0] > 0 else zeros
    after = h[hit[-1] + 1] if hit[-1] + 1 < len(h) else zeros
    flags = t["flags"][hit]
    return np.concatenate([h[hit].mean(axis=0), before, after, flags.mean(axis=0), flags.max(axis=0),
                           [len(hit) / 5.0]]).astype(np.float32)


def labelled_spans(tagged: list[dict], names_from_semeval: bool):
    """(features, 1 for a name / 0 for an aspect) of every gold aspect and marked name."""
    x, y = [], []
    for t in tagged:
        s = t["sentence"]
        names = entity_names(s) if names_from_semeval else set()
        spans = [(a.start, a.end, s.text[a.start : a.end] in names) for a in s.aspects]
        spans += [(utf16_to_cp(s.text, n["from"]), utf16_to_cp(s.text, n["to"]), True)
                  for n in s.raw.get("not_aspects", []) or []]
        for start, end, is_name in spans:
            f = span_features(t, start, end)
            if f is not None:
                x.append(f)
                y.append(float(is_name))
    return np.array(x), np.array(y)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, epochs: int, lr: float = 1e-3, batch: int = 256,
                 seed: int = 0) -> tuple[np.ndarray, float]:
    """Logistic regression by Adam on standardised inputs; returns weights and bias for the raw inputs."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mu) / sd
    rng = np.random.default_rng(seed)
    theta = np.zeros(x.shape[1] + 1)  # weights, then the bias
    m, v, step = np.zeros_like(theta), np.zeros_like(theta), 0
    for _ in range(epochs):
        order = rng.permutation(len(z))
        for i in range(0, len(z), batch):
            idx = order[i : i + batch]
            err = 1 / (1 + np.exp(-(z[idx] @ theta[:-1] + theta[-1]))) - y[idx]
            grad = np.append(z[idx].T @ err / len(idx) + l2 * theta[:-1], err.mean())
            step += 1
            m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad**2
            theta -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    w, b = theta[:-1], theta[-1]
    return w / sd, float(b - (mu / sd) @ w)


def scores(tagged: list[dict], w: np.ndarray | None, b: float, threshold: float) -> dict:
    """ATE F1 of the model's found spans (less the ones the filter calls names) and the marked names kept out."""
    tp = n_pred = n_gold = names = names_out = 0
    for t in tagged:
        s = t["sentence"]
        found = set()
        for a, e in t["found"]:
            f = span_features(t, a, e)
            if w is None or f is None or 1 / (1 + np.exp(-(f @ w + b))) < threshold:
                found.add((a, e))
        gold = {(a.start, a.end) for a in s.aspects}
        tp, n_pred, n_gold = tp + len(found & gold), n_pred + len(found), n_gold + len(gold)
        for n in s.raw.get("not_aspects", []) or []:
            start, end = utf16_to_cp(s.text, n["from"]), utf16_to_cp(s.text, n["to"])
            names += 1
            names_out += not any(a < end and start < e for a, e in found)
    p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
    out = {"ate_f1": round(2 * p * r / max(p + r, 1e-9), 4)}
    if names:
        out["names_not_reported"] = f"{names_out} / {names}"
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifact", default="models/absa/minilm-absa-en-1.0.0")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--names-repeat", type=int, default=3, help="times names.jsonl is in the training data")
    ap.add_argument("--l2", type=float, default=1e-2)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    tagger = TaggingPass(args.artifact, args.threads)
    splits = make_splits(default_data_dir())
    train = tagger.run([s for s in splits.train if s.dataset in TAGS_FROM])
    written = tagger.run(read_eval_jsonl(NAMES, dataset="extra"))
    x_train, y_train = labelled_spans(train, names_from_semeval=True)
    x_names, y_names = labelled_spans(written, names_from_semeval=False)
    x = np.concatenate([x_train] + [x_names] * args.names_repeat)
    y = np.concatenate([y_train] + [y_names] * args.names_repeat)
    print(f"train: {len(y)} spans, {int(y.sum())} names ({time.time() - t0:.0f}s)", flush=True)
    w, b = fit_logistic(x, y, args.l2, args.epochs)

    results = {}
    for name, sentences in [*((f"{k}_val", v) for k, v in splits.val.items()),
                            ("challenge_dev", read_eval_jsonl(CHALLENGE_DEV, dataset="challenge"))]:
        tagged = tagger.run(sentences)
        results[name] = {"without": scores(tagged, None, 0.0, args.threshold),
                         "with": scores(tagged, w, b, args.threshold)}
    print(json.dumps(results), flush=True)
    if args.no_write:
        return
    head = {
        "format": "span-logistic-1",
        "input": "tagging pass hidden_states at each word's first piece: [mean over the span's words ; the word "
                 "before ; the word after ; mean and max over the span's words of the case flags ; words / 5]",
        "case_flags": ["capitalised, not at a sentence start", "capitalised at a sentence start", "all capitals",
                       "mixed case, or letters with digits", "all digits"],
        "threshold": args.threshold,
        "trained_on": "gold aspects of the model's training split (train.py make_splits), SemEval-16 restaurant "
                      f"names (train.py entity_names), models/data/en-phenomena/names.jsonl x {args.names_repeat}",
        "validation (ATE F1 of the found spans, and marked names not reported)": results,
        "bias": round(float(b), 6),
        "weights": [round(float(v), 6) for v in w],
    }
    with open(os.path.join(args.artifact, "names.json"), "w", encoding="utf-8") as f:
        json.dump(head, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote names.json into {args.artifact} in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
