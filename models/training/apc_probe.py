"""How far can an encoder get on targeted polarity (APC) alone? A probe for choosing encoders and
input formats without the full joint recipe: trains only the polarity task (gold non-conflict
aspects of the chosen training sets) and prints fp32 APC accuracy / macro-F1 on every validation set
after each epoch. Nothing is exported; the shipped model is made by train.py.

Input formats:
  seg   the artifact's contract: [CLS] sentence [SEP], token_type_ids 1 on the target's word pieces
  pair  sentence-pair classification: [CLS] sentence [SEP] target [SEP], the target as segment 1
--fold K replaces the validation sets by a pseudo-validation set: a different 12 % of the
restaurants14 training sentences (hash seed 1000 + K), taken out of training; it tells whether the
carved restaurants14 validation split is harder than other samples of the same data.

  models/training/.venv/bin/python models/training/apc_probe.py --init base --epochs 4 --lr 5e-5
  models/training/.venv/bin/python models/training/apc_probe.py --base models/training/out/bert-base --init base --epochs 3 --lr 3e-5
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from absa_data import POL2ID, make_splits, normalize_text, split_hash  # noqa: E402
from absa_model import AbsaModel, load_encoder  # noqa: E402
from evaluate import Encoder, load_tokenizer, macro_f1  # noqa: E402
from train import add_training_args, default_base_dir, default_data_dir, epoch_batches, set_seed, warmup_then_decay  # noqa: E402


def make_example(enc: Encoder, fmt: str, text: str, start: int, end: int, pol: int):
    """-> dict(ids, tt, target mask, pol) or None when the target lies past the word pieces kept."""
    ids, offs = enc.tokens(text)
    keep = enc.max_tokens - 2  # [CLS] and [SEP]
    ids, offs = ids[:keep], offs[:keep]
    mark = [1 if (o[1] > start and o[0] < end) else 0 for o in offs]
    if not any(mark):
        return None
    if fmt == "seg":
        tt = [0] + mark + [0]
        return {"ids": [enc.cls_id] + ids + [enc.sep_id], "tt": tt, "tm": tt, "pol": pol}
    target, _ = enc.tokens(text[start:end])
    return {"ids": [enc.cls_id] + ids + [enc.sep_id] + target + [enc.sep_id],
            "tt": [0] * (len(ids) + 2) + [1] * (len(target) + 1),
            "tm": [0] * (len(ids) + 2) + [1] * len(target) + [0], "pol": pol}


def make_examples(enc, fmt, sents):
    out = []
    for s in sents:
        for a in s.aspects:
            if a.polarity != "conflict":
                e = make_example(enc, fmt, s.text, a.start, a.end, POL2ID[a.polarity])
                if e:
                    out.append(e)
    return out


def collate(batch):
    n = max(len(b["ids"]) for b in batch)
    ids, am, tt, tm = (torch.zeros((len(batch), n), dtype=torch.long) for _ in range(4))
    for i, b in enumerate(batch):
        k = len(b["ids"])
        ids[i, :k], am[i, :k] = torch.tensor(b["ids"]), 1
        tt[i, :k], tm[i, :k] = torch.tensor(b["tt"]), torch.tensor(b["tm"])
    return ids, am, tt, tm, torch.tensor([b["pol"] for b in batch])


def polarity_logits(model: AbsaModel, ids, am, tt, tm):
    """The shipped polarity head over [h_CLS ; mean of h over the target mask]."""
    h = model.encoder(input_ids=ids, attention_mask=am, token_type_ids=tt).last_hidden_state
    m = tm.to(h.dtype)
    pooled = (h * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)
    return model.pol_head(model.dropout(torch.cat([h[:, 0], pooled], -1)))


def evaluate(model, val) -> str:
    model.eval()
    parts, right, total = [], 0, 0
    with torch.no_grad():
        for name, ex in val.items():
            order = sorted(range(len(ex)), key=lambda i: len(ex[i]["ids"]))
            pred = [0] * len(ex)
            for c in range(0, len(order), 64):
                idx = order[c:c + 64]
                for i, p in zip(idx, polarity_logits(model, *collate([ex[i] for i in idx])[:4]).argmax(-1).tolist()):
                    pred[i] = p
            gold = [e["pol"] for e in ex]
            ok = sum(g == p for g, p in zip(gold, pred))
            right, total = right + ok, total + len(ex)
            parts.append(f"{name} {ok / len(ex):.3f}/{macro_f1(gold, pred):.3f}")
    model.train()
    return " | ".join(parts) + f" | all {right / total:.3f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default=None, help="encoder folder (default: all-MiniLM-L6-v2 from PyPI)")
    ap.add_argument("--init", default="base", help="'base' (new heads) or a state saved by train.py / requantize.py")
    ap.add_argument("--format", choices=["seg", "pair"], default="seg")
    ap.add_argument("--sources", default="semeval14_restaurants,semeval14_laptops,semeval16_restaurants")
    ap.add_argument("--fold", type=int, default=-1)
    add_training_args(ap)  # --epochs, --lr, --head-lr, --batch-size, --seed, --threads ... as train.py
    ap.set_defaults(epochs=4, lr=5e-5, threads=2)
    ap.add_argument("--save", default="", help="write the last epoch's state here")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    base = args.base or default_base_dir()
    splits = make_splits(default_data_dir())
    enc = Encoder(load_tokenizer(os.path.join(base, "tokenizer.json")), args.max_tokens, args.overlap)
    sources = set(args.sources.split(","))
    train_sents = [s for s in splits.train if s.dataset in sources]
    val_sents = splits.val
    if args.fold >= 0:
        held = {id(s) for s in train_sents if s.dataset == "semeval14_restaurants"
                and split_hash(normalize_text(s.text), 1000 + args.fold) < 0.12}
        val_sents = {"restaurants14": splits.val["restaurants14"],
                     f"fold{args.fold}": [s for s in train_sents if id(s) in held]}
        train_sents = [s for s in train_sents if id(s) not in held]
    train = make_examples(enc, args.format, train_sents)
    val = {k: make_examples(enc, args.format, v) for k, v in val_sents.items()}
    print(f"training examples {len(train)}; validation " + ", ".join(f"{k} {len(v)}" for k, v in val.items()), flush=True)

    encoder, cfg = load_encoder(base, attn="sdpa")
    model = AbsaModel(encoder, cfg.hidden_size)
    if args.init != "base":
        saved = torch.load(args.init, weights_only=False)
        model.load_state_dict({k: v.float() for k, v in saved.get("state", saved).items()})
    print(f"start: {evaluate(model, val)}", flush=True)
    enc_params = [p for n, p in model.named_parameters() if n.startswith("encoder.")]
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": args.lr}, {"params": head_params, "lr": args.head_lr}],
                            weight_decay=args.weight_decay)
    sched = warmup_then_decay(opt, math.ceil(len(train) / args.batch_size) * args.epochs, args.warmup)
    ce, rng = nn.CrossEntropyLoss(), random.Random(args.seed)
    model.train()
    for epoch in range(1, args.epochs + 1):
        batches = epoch_batches(train, args.batch_size, rng)
        t0, loss_sum = time.time(), 0.0
        for b in batches:
            *inputs, gold = collate([train[i] for i in b])
            loss = ce(polarity_logits(model, *inputs), gold)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            loss_sum += loss.item()
        print(f"epoch {epoch} loss {loss_sum / len(batches):.4f} {time.time() - t0:.0f}s | {evaluate(model, val)}",
              flush=True)
    if args.save:
        torch.save({"state": model.state_dict(), "args": vars(args)}, args.save)


if __name__ == "__main__":
    main()
