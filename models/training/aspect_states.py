"""Encoder states of the shipped ONNX model at each aspect, for heads trained on top of it.

The heads (polarity, categories, opinion spans) read `hidden_states` at a known aspect. Where they read
them depends on the artifact's config.json `analyze_polarity`:
- "targeted": a second pass per found aspect with token_type_ids = 1 on the aspect's word pieces;
- "tagging-pass": the tagging pass's own states (nothing marked), so analysis runs the encoder once per
  text; the aspect's span is only where the heads pool.
This module reproduces that pass exactly as stream-processors/absa/model does it (same tokenizer,
window, int8 model), so training sees the run-time inputs.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from absa_data import utf16_to_cp  # noqa: E402


@dataclass
class TargetRow:
    text: str
    start: int  # first content token of the window (index into the text's tokens)
    ids: list[int]  # [CLS] window [SEP]
    offsets: list[tuple[int, int]]  # code-point offsets per window token, (0, 0) for specials
    word_start: list[bool]  # per window token: starts a word (not a ## continuation)
    target: tuple[int, int]  # marked tokens, as positions in `ids`


def window_around(n: int, size: int, frm: int, to: int) -> tuple[int, int]:
    """windowing.ts windowAround."""
    if n <= size:
        return 0, n
    span = to - frm
    if span >= size:
        return frm, frm + size
    before = (size - span) // 2
    start = min(max(0, frm - before), n - size)
    return start, start + size


class TargetedEncoder:
    def __init__(self, artifact: str, threads: int = 2):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(os.path.join(artifact, "tokenizer.json"))
        self.tok.no_truncation()
        self.tok.no_padding()
        self.cls = self.tok.token_to_id("[CLS]")
        self.sep = self.tok.token_to_id("[SEP]")
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.sess = ort.InferenceSession(os.path.join(artifact, "model.onnx"), so, providers=["CPUExecutionProvider"])
        self.max_content = 126
        with open(os.path.join(artifact, "config.json"), encoding="utf-8") as f:
            # the tagging pass marks nothing; the targeted pass marks the aspect
            self.mark_target = json.load(f)["analyze_polarity"] != "tagging-pass"

    def row(self, text: str, frm16: int, to16: int) -> TargetRow:
        """A targeted row for the aspect at UTF-16 offsets [frm16, to16)."""
        enc = self.tok.encode(text, add_special_tokens=False)
        ids, offs = list(enc.ids), [tuple(o) for o in enc.offsets]
        # a word starts where the pre-tokenizer's word id changes, as tokenizer.ts decides it (WordPiece
        # "##" pieces and SentencePiece pieces without "▁" continue a word alike)
        words = enc.word_ids
        starts = [i == 0 or words[i] is None or words[i] != words[i - 1] for i in range(len(ids))]
        frm, to = utf16_to_cp(text, frm16), utf16_to_cp(text, to16)
        first = 0
        while first < len(ids) and offs[first][1] <= frm:
            first += 1
        last = first
        while last < len(ids) and offs[last][0] < to:
            last += 1
        s, e = window_around(len(ids), self.max_content, first, last)
        return TargetRow(
            text,
            s,
            [self.cls] + ids[s:e] + [self.sep],
            [(0, 0)] + offs[s:e] + [(0, 0)],
            [False] + starts[s:e] + [False],
            (first - s + 1, last - s + 1),
        )

    def states(self, rows: list[TargetRow], batch: int = 32, log_every: int = 0):
        """hidden_states per row ([len(ids), hidden] float32) and the model's softmaxed polarity per row
        (the whole text's when nothing is marked)."""
        out: list[np.ndarray | None] = [None] * len(rows)
        pol = np.zeros((len(rows), 3), dtype=np.float32)
        order = sorted(range(len(rows)), key=lambda i: -len(rows[i].ids))
        for b in range(0, len(order), batch):
            idx = order[b : b + batch]
            n = len(rows[idx[0]].ids)
            ids = np.zeros((len(idx), n), dtype=np.int64)
            am = np.zeros_like(ids)
            tt = np.zeros_like(ids)
            for r, i in enumerate(idx):
                row = rows[i]
                ids[r, : len(row.ids)] = row.ids
                am[r, : len(row.ids)] = 1
                if self.mark_target:
                    tt[r, row.target[0] : row.target[1]] = 1
            hidden, logits = self.sess.run(
                ["hidden_states", "polarity_logits"], {"input_ids": ids, "attention_mask": am, "token_type_ids": tt}
            )
            for r, i in enumerate(idx):
                out[i] = hidden[r, : len(rows[i].ids)].astype(np.float32)
                x = logits[r] - logits[r].max()
                pol[i] = np.exp(x) / np.exp(x).sum()
            if log_every and (b // batch) % log_every == 0:
                print(f"  states {b}/{len(rows)}", flush=True)
        return out, pol


def aspect_features(hidden: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    """[h_CLS ; mean of h over the marked tokens] (the polarity head's own input), 2 x hidden."""
    frm, to = target
    mean = hidden[frm:to].mean(axis=0) if to > frm else hidden[0]
    return np.concatenate([hidden[0], mean])
