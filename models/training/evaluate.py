"""Reference inference (analyze + targeted mode) and the validation metrics.

This file is the executable specification the TypeScript runtime (`absa:eval`) is compared against.

Canonical numbers use batch size 1: dynamic int8 quantization computes activation scales over the
whole input tensor, so a sentence's result can change slightly with its batch neighbours/padding.

Usage (evaluates a shipped artifact with onnxruntime on CPU):
  python3 models/training/evaluate.py --artifact models/absa/minilm-absa-en-1.0.0 [--threads 2]

Metric definitions (all micro-averaged over the sentences of one validation file):
  ate_*  : aspect term extraction. gold = every gold aspect span (conflict included), pred = every
           span analyze mode returns; a hit = exact char-span match (from, to).
  apc_*  : targeted mode on every gold aspect whose polarity is not 'conflict' (a span listed twice
           with different polarities counts as conflict); accuracy and macro-F1 over
           negative/neutral/positive.
  e2e_*  : analyze mode; gold = {(span, polarity)} of non-conflict gold aspects; pred = every
           returned (span, polarity); a hit needs span and polarity right. Predictions on conflict
           gold spans are therefore counted wrong (false positives).
  doc_acc: analyze mode's sentence sentiment vs the sentence label used in training (only sentences
           whose aspect/category annotations all share one polarity).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import unicodedata
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from absa_data import POLARITIES, Sentence, read_eval_jsonl  # noqa: E402


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    x = x - x.max(axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def load_tokenizer(path: str):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    return tok


@dataclass
class Window:
    ids: list[int]  # with [CLS] .. [SEP]
    offsets: list[tuple[int, int]]  # char offsets per token; (0, 0) for specials
    first: int  # index (into the text's token list) of the first content token
    count: int  # content tokens in this window


class Encoder:
    """Word-piece encoding with offsets + fixed-size windows (max_tokens incl. [CLS]/[SEP])."""

    def __init__(self, tokenizer, max_tokens: int = 128, overlap: int = 32):
        self.tok = tokenizer
        self.max_tokens = max_tokens
        self.overlap = overlap
        self.cls_id = tokenizer.token_to_id("[CLS]")
        self.sep_id = tokenizer.token_to_id("[SEP]")

    def tokens(self, text: str):
        enc = self.tok.encode(text, add_special_tokens=False)
        return list(enc.ids), [tuple(o) for o in enc.offsets]

    def tokens_words(self, text: str):
        """ids, offsets and word ids (the pre-tokenizer's words: for WordPiece a token continues the
        previous word exactly when it starts with '##')."""
        enc = self.tok.encode(text, add_special_tokens=False)
        return list(enc.ids), [tuple(o) for o in enc.offsets], list(enc.word_ids)

    def windows(self, ids, offsets) -> list[Window]:
        L = self.max_tokens - 2
        n = len(ids)
        starts = [0]
        if n > L:
            stride = L - self.overlap
            s = 0
            while s + L < n:
                s += stride
                starts.append(min(s, n - L))
        out = []
        for s in starts:
            e = min(n, s + L)
            out.append(
                Window(
                    [self.cls_id] + ids[s:e] + [self.sep_id],
                    [(0, 0)] + offsets[s:e] + [(0, 0)],
                    s,
                    e - s,
                )
            )
        return out


def pad_batch(seqs: list[list[int]], types: list[list[int]] | None = None):
    n = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), n), dtype=np.int64)
    am = np.zeros((len(seqs), n), dtype=np.int64)
    tt = np.zeros((len(seqs), n), dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
        am[i, : len(s)] = 1
        if types is not None:
            tt[i, : len(s)] = types[i]
    return ids, am, tt


APOSTROPHES = ("'", "\u2019")


def is_punctuation(piece: str) -> bool:
    return piece != "" and all(unicodedata.category(c).startswith("P") for c in piece)


def trim_span(units: list[tuple[int, int]], offsets, text: str) -> list[tuple[int, int]]:
    """The span's units without leading or trailing punctuation, and without a leading possessive "s" after
    an apostrophe ("'s pizza" -> "pizza"); a bracket that closes inside the span stays. As trimSpan of
    stream-processors/absa/model/bio-decoder.ts."""
    piece = lambda u: text[offsets[u[0]][0] : offsets[u[1]][1]]
    a, b = 0, len(units)
    while a < b:
        first = piece(units[a])
        start = offsets[units[a][0]][0]
        clitic = first.lower() == "s" and start > 0 and text[start - 1] in APOSTROPHES
        if not (is_punctuation(first) or clitic):
            break
        a += 1
    while b > a:
        inner = text[offsets[units[a][0]][0] : offsets[units[b - 1][1]][1]]
        opener = {")": "(", "]": "["}.get(inner[-1:])
        if not is_punctuation(piece(units[b - 1])) or (opener is not None and opener in inner):
            break
        b -= 1
    return units[a:b]


def decode_spans(tag_probs: np.ndarray, offsets, tags: list[str], min_conf: float, words=None, text=None):
    """BIO decoding.

    words=None ("tokens" decoding): units are word pieces.  With word ids ("words" decoding, what
    config.json "span_decoding": "words" asks for): units are words; a word's tag and probability are
    those of its FIRST word piece, and a unit's char span runs from its first piece's start to its
    last piece's end.  A span starts at a B unit (or at an I unit not preceded by B/I) and extends
    over the following I units; confidence = mean over the span's units of the probability of the
    unit's predicted tag.  With the text, each span is trimmed (trim_span); its confidence stays."""
    pred = tag_probs.argmax(-1)
    units = []  # (first token index, last token index)
    i, n = 0, len(offsets)
    while i < n:
        j = i
        if words is not None and words[i] is not None:
            while j + 1 < n and words[j + 1] == words[i]:
                j += 1
        units.append((i, j))
        i = j + 1
    spans = []  # [units of the span, probabilities]
    cur = None
    for a, b in units:
        p = pred[a]
        t = tags[p]
        if t == "B" or (t == "I" and cur is None):
            if cur is not None:
                spans.append(cur)
            cur = [[(a, b)], [tag_probs[a, p]]]
        elif t == "I":
            cur[0].append((a, b))
            cur[1].append(tag_probs[a, p])
        else:
            if cur is not None:
                spans.append(cur)
            cur = None
    if cur is not None:
        spans.append(cur)
    out = []
    for us, ps in spans:
        conf = float(np.mean(ps))
        if text is not None:
            us = trim_span(us, offsets, text)
        if not us:
            continue
        s, e = offsets[us[0][0]][0], offsets[us[-1][1]][1]
        if conf >= min_conf and e > s:
            out.append((s, e, conf))
    return out


class Analyzer:
    """Runs analyze / targeted mode on a session-like callable run(ids, am, tt) -> (tag_logits, pol_logits)."""

    def __init__(self, run, tokenizer, tags, max_tokens=128, overlap=32, min_conf=0.0, batch_size=64,
                 analyze_polarity="targeted", span_decoding="words"):
        self.run = run
        self.enc = Encoder(tokenizer, max_tokens, overlap)
        self.tags = tags
        self.min_conf = min_conf
        self.bs = batch_size
        self.analyze_polarity = analyze_polarity
        self.span_decoding = span_decoding

    def _forward(self, seqs, types=None):
        """Runs sequences in batches of similar length (less padding), returns results in input order."""
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        tl_all, pl_all = [None] * len(seqs), [None] * len(seqs)
        for i in range(0, len(order), self.bs):
            idx = order[i : i + self.bs]
            ids, am, tt = pad_batch([seqs[k] for k in idx], None if types is None else [types[k] for k in idx])
            tl, pl = self.run(ids, am, tt)
            for j, k in enumerate(idx):
                tl_all[k] = tl[j, : int(am[j].sum())]
                pl_all[k] = pl[j]
        return tl_all, pl_all

    def tag_texts(self, texts: list[str]):
        """Returns per text: (spans [(s,e,conf)], doc_probs [3])."""
        toks = [self.enc.tokens_words(t) for t in texts]
        wins, owner = [], []
        for k, (ids, offs, _w) in enumerate(toks):
            for w in self.enc.windows(ids, offs):
                wins.append(w)
                owner.append(k)
        tl, pl = self._forward([w.ids for w in wins])
        results = []
        wi = 0
        for k, (ids, offs, words) in enumerate(toks):
            n = len(ids)
            probs = np.zeros((n, len(self.tags)), dtype=np.float32)
            doc = np.zeros(3, dtype=np.float64)
            nw = 0
            mine = []
            while wi < len(wins) and owner[wi] == k:
                mine.append(wi)
                wi += 1
            for idx, w_i in enumerate(mine):
                w = wins[w_i]
                p = softmax(tl[w_i][1 : 1 + w.count].astype(np.float64)).astype(np.float32)
                # token j of this window is used if it is not closer to the next window's centre:
                # in an overlap, the first half comes from the earlier window, the second from the later.
                lo = 0 if idx == 0 else (wins[mine[idx - 1]].first + wins[mine[idx - 1]].count - w.first) // 2
                probs[w.first + lo : w.first + w.count] = p[lo:]
                doc += softmax(pl[w_i].astype(np.float64))
                nw += 1
            doc /= max(nw, 1)
            spans = decode_spans(probs, offs, self.tags, self.min_conf,
                                 words if self.span_decoding == "words" else None, texts[k]) if n else []
            results.append((spans, doc))
        return results

    def targeted(self, items: list[tuple[str, int, int]]):
        """items: (text, start, end) in code points -> polarity probs [3] per item."""
        seqs, types = [], []
        cache: dict[str, tuple] = {}
        for text, s, e in items:
            if text not in cache:
                cache[text] = self.enc.tokens(text)
            ids, offs = cache[text]
            wins = self.enc.windows(ids, offs)
            best, best_d = wins[0], None
            for w in wins:  # window containing the target, target most central
                marked = [j for j, o in enumerate(w.offsets) if o[1] > s and o[0] < e and o != (0, 0)]
                if not marked:
                    continue
                d = abs((marked[0] + marked[-1]) / 2 - len(w.ids) / 2)
                if best_d is None or d < best_d:
                    best, best_d = w, d
            tt = [1 if (o != (0, 0) and o[1] > s and o[0] < e) else 0 for o in best.offsets]
            seqs.append(best.ids)
            types.append(tt)
        _, pl = self._forward(seqs, types)
        return [softmax(p.astype(np.float64)) for p in pl]

    def analyze(self, texts: list[str]):
        tagged = self.tag_texts(texts)
        items, where = [], []
        for k, (spans, _) in enumerate(tagged):
            for si, (s, e, _c) in enumerate(spans):
                items.append((texts[k], s, e))
                where.append((k, si))
        pols = self.targeted(items) if items else []
        out = []
        for k, (spans, doc) in enumerate(tagged):
            out.append({"aspects": [], "doc": doc})
        for (k, si), p in zip(where, pols):
            s, e, c = tagged[k][0][si]
            out[k]["aspects"].append({"from": s, "to": e, "confidence": c,
                                      "polarity": POLARITIES[int(np.argmax(p))], "polarity_probs": p})
        for k, (spans, doc) in enumerate(tagged):
            out[k]["aspects"].sort(key=lambda a: a["from"])
        return out


def prf(tp, npred, ngold):
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def macro_f1(gold: list[int], pred: list[int], n=3):
    fs = []
    for c in range(n):
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        npred = sum(1 for p in pred if p == c)
        ngold = sum(1 for g in gold if g == c)
        fs.append(prf(tp, npred, ngold)[2])
    return float(np.mean(fs))


def evaluate_sentences(an: Analyzer, sents: list[Sentence]) -> dict:
    texts = [s.text for s in sents]
    res = an.analyze(texts)
    tp_ate = npred_ate = ngold_ate = 0
    tp_e2e = npred_e2e = ngold_e2e = 0
    for s, r in zip(sents, res):
        gold_spans = {(a.start, a.end) for a in s.aspects}
        gold_pairs = {(a.start, a.end, a.polarity) for a in s.aspects if a.polarity != "conflict"}
        pred_spans = {(a["from"], a["to"]) for a in r["aspects"]}
        pred_pairs = {(a["from"], a["to"], a["polarity"]) for a in r["aspects"]}
        tp_ate += len(gold_spans & pred_spans)
        npred_ate += len(pred_spans)
        ngold_ate += len(gold_spans)
        tp_e2e += len(gold_pairs & pred_pairs)
        npred_e2e += len(pred_pairs)
        ngold_e2e += len(gold_pairs)
    items, gold_pol = [], []
    for s in sents:
        for a in s.aspects:
            if a.polarity != "conflict":
                items.append((s.text, a.start, a.end))
                gold_pol.append(POLARITIES.index(a.polarity))
    pp = an.targeted(items) if items else []
    pred_pol = [int(np.argmax(p)) for p in pp]
    doc_g, doc_p = [], []
    for s, r in zip(sents, res):
        if s.doc_polarity is not None:
            doc_g.append(POLARITIES.index(s.doc_polarity))
            doc_p.append(int(np.argmax(r["doc"])))
    ap, ar, af = prf(tp_ate, npred_ate, ngold_ate)
    ep, er, ef = prf(tp_e2e, npred_e2e, ngold_e2e)
    return {
        "sentences": len(sents),
        "gold_aspects": ngold_ate,
        "ate_precision": ap, "ate_recall": ar, "ate_f1": af,
        "apc_n": len(gold_pol),
        "apc_accuracy": float(np.mean([g == p for g, p in zip(gold_pol, pred_pol)])) if gold_pol else 0.0,
        "apc_macro_f1": macro_f1(gold_pol, pred_pol) if gold_pol else 0.0,
        "e2e_precision": ep, "e2e_recall": er, "e2e_f1": ef,
        "doc_n": len(doc_g),
        "doc_accuracy": float(np.mean([g == p for g, p in zip(doc_g, doc_p)])) if doc_g else 0.0,
    }


def ort_runner(model_path: str, threads: int = 2, spinning: bool = True):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    if not spinning:  # idle worker threads sleep instead of busy-waiting (honest CPU-time accounting)
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(model_path, so, providers=["CPUExecutionProvider"])

    def run(ids, am, tt):
        tl, pl = sess.run(["tag_logits", "polarity_logits"],
                          {"input_ids": ids, "attention_mask": am, "token_type_ids": tt})
        return tl, pl

    return run


def analyzer_from_artifact(artifact: str, threads: int = 2, min_conf: float | None = None,
                           spinning: bool = True, batch_size: int = 1) -> Analyzer:
    cfg = json.load(open(os.path.join(artifact, "config.json")))
    labels = json.load(open(os.path.join(artifact, "labels.json")))
    tok = load_tokenizer(os.path.join(artifact, cfg["tokenizer"]))
    run = ort_runner(os.path.join(artifact, cfg["model"]), threads, spinning)
    mc = cfg["thresholds"]["aspect_min_confidence"] if min_conf is None else min_conf
    return Analyzer(run, tok, labels["tags"], cfg["max_tokens"], cfg["window_overlap_tokens"], mc,
                    batch_size=batch_size, analyze_polarity=cfg.get("analyze_polarity", "targeted"),
                    span_decoding=cfg.get("span_decoding", "tokens"))


EVAL_SETS = ["restaurants14", "laptops14", "restaurants15", "restaurants16", "mams"]


def format_table(metrics: dict) -> str:
    cols = ["sentences", "gold_aspects", "ate_f1", "apc_accuracy", "apc_macro_f1", "e2e_f1", "doc_accuracy"]
    lines = ["| set | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for k, m in metrics.items():
        vals = [str(m[c]) if isinstance(m[c], int) else f"{m[c]:.4f}" for c in cols]
        if not m.get("doc_n"):
            vals[-1] = "n/a"
        lines.append(f"| {k} | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--artifact", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=1,
                    help="sequences per onnxruntime call; 1 = canonical (int8 dynamic quantization makes "
                         "results depend slightly on what else is in the batch)")
    ap.add_argument("--json-out")
    args = ap.parse_args()
    an = analyzer_from_artifact(args.artifact, args.threads, batch_size=args.batch_size)
    metrics = {}
    for name in EVAL_SETS:
        p = os.path.join(args.artifact, "eval", f"{name}-val.jsonl")
        if os.path.exists(p):
            t0 = time.time()
            metrics[name] = evaluate_sentences(an, read_eval_jsonl(p, name))
            metrics[name]["seconds"] = round(time.time() - t0, 2)
    print(format_table(metrics))
    if args.json_out:
        json.dump(metrics, open(args.json_out, "w"), indent=2)


if __name__ == "__main__":
    main()
