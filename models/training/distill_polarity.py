"""Continue a trained ABSA state with a polarity-only teacher (an `apc_probe.py --save` state, e.g.
BERT-base): soft polarity labels on every SemEval targeted example plus teacher-only targets
(`distill.py`'s rule: aspect terms found unannotated in SemEval sentences, and conflict spans);
MAMS keeps its gold labels only (the teacher never saw its "neutral" convention). Loss: tag
cross-entropy + polarity cross-entropy (weight 1 - alpha where the teacher also speaks) +
alpha * T^2 * KL(teacher || student). Runs through train.py's fit(), which prints the fp32
selection metrics; --artifact-out writes a copy of the shipped artifact with the new int8 model.onnx
for evaluate.py / absa:eval.

  models/training/.venv/bin/python models/training/apc_probe.py --base models/training/out/bert-base \\
      --epochs 3 --lr 3e-5 --save bert-probe.pt
  models/training/.venv/bin/python models/training/distill_polarity.py --teacher-state bert-probe.pt \\
      --teacher-base models/training/out/bert-base --init-state shipped.pt --artifact-out /tmp/kd-artifact
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from absa_data import make_splits  # noqa: E402
from absa_model import TAGS, AbsaModel, load_encoder  # noqa: E402
from distill import extra_targets  # noqa: E402
from evaluate import Analyzer, load_tokenizer  # noqa: E402
from train import (  # noqa: E402
    add_training_args, build_examples, collate, default_base_dir, default_data_dir, export_model, fit, set_seed)

SHIPPED = os.path.join(REPO, "models", "absa", "minilm-absa-en-1.0.0")


def load_state(model: nn.Module, path: str) -> None:
    saved = torch.load(path, weights_only=False)
    model.load_state_dict({k: v.float() for k, v in saved.get("state", saved).items()})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--teacher-state", required=True, help="apc_probe.py --save output")
    ap.add_argument("--teacher-base", required=True, help="the teacher's encoder folder (config.json)")
    ap.add_argument("--init-state", required=True, help="the student's start (train.py best.pt, requantize.py --state-out)")
    ap.add_argument("--alpha", type=float, default=0.5, help="weight of the teacher's soft polarity")
    ap.add_argument("--temperature", type=float, default=2.0)
    ap.add_argument("--save", default=os.path.join(HERE, "out", "distill-polarity.pt"))
    ap.add_argument("--artifact-out", default=None, help="write the shipped artifact with this state's int8 model here")
    ap.add_argument("--work", default=os.path.join(HERE, "out"))
    add_training_args(ap)
    ap.set_defaults(epochs=1, lr=2e-5, threads=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    device = torch.device("cpu")
    base = default_base_dir()
    splits = make_splits(default_data_dir())
    tok = load_tokenizer(os.path.join(base, "tokenizer.json"))
    enc = Analyzer(None, tok, TAGS, args.max_tokens, args.overlap).enc
    ex = build_examples(splits.train, enc, args.max_tokens, set(args.tags_from.split(",")))
    ex += extra_targets([s for s in splits.train if s.dataset != "mams_atsa"], enc, args.max_tokens, args.seed)
    if args.limit:  # smoke test
        ex = ex[:args.limit]
        splits.val = {k: v[:args.eval_limit or 20] for k, v in splits.val.items()}
    soft = [i for i, e in enumerate(ex) if any(e["tt"]) and (e.get("extra") or e.get("dataset") != "mams_atsa")]
    print(f"examples {len(ex)}, teacher-labelled {len(soft)}", flush=True)

    t0 = time.time()
    t_encoder, t_cfg = load_encoder(args.teacher_base, attn="sdpa")
    teacher = AbsaModel(t_encoder, t_cfg.hidden_size)
    load_state(teacher, args.teacher_state)
    teacher.eval()
    order = sorted(soft, key=lambda i: len(ex[i]["ids"]))
    with torch.no_grad():
        for k in range(0, len(order), 128):
            idx = order[k:k + 128]
            _, pl = teacher(*collate([ex[i] for i in idx], device)[:3])
            for j, i in enumerate(idx):
                ex[i]["t_pol"] = pl[j].numpy().astype(np.float32)
    del teacher
    print(f"teacher labels {time.time() - t0:.0f}s", flush=True)
    for e in ex:  # collate's distillation path expects both keys on every example
        e.setdefault("t_tags", None)
        e.setdefault("t_pol", None)

    encoder, cfg = load_encoder(base, attn="sdpa")
    model = AbsaModel(encoder, cfg.hidden_size)
    load_state(model, args.init_state)
    ce = nn.CrossEntropyLoss(ignore_index=-100)
    a, T = args.alpha, args.temperature

    def loss_fn(model, batch):
        ids, am, tt, tags, pol, _t_tags, t_pol, has_t_pol = batch
        tl, pl = model(ids, am, tt)
        loss = ce(tl.reshape(-1, tl.shape[-1]), tags.reshape(-1)) if (tags >= 0).any() else 0.0
        w = torch.where(has_t_pol, 1 - a, 1.0) * (pol >= 0)
        loss = loss + (F.cross_entropy(pl, pol.clamp(min=0), reduction="none") * w).sum() / (pol >= 0).sum().clamp(min=1)
        if has_t_pol.any():
            tp, sp = t_pol[has_t_pol] / T, pl[has_t_pol] / T
            loss = loss + a * T * T * (F.softmax(tp, -1) * (F.log_softmax(tp, -1) - F.log_softmax(sp, -1))).sum(-1).mean()
        return loss

    best, state, epoch, history = fit(model, ex, loss_fn, args, device, tok, splits.val)
    print(f"best epoch {epoch} score {best:.4f}", flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.save)), exist_ok=True)
    torch.save({"state": state, "history": history, "args": vars(args)}, args.save)
    if args.artifact_out:
        os.makedirs(args.work, exist_ok=True)
        shutil.copytree(SHIPPED, args.artifact_out, dirs_exist_ok=True, ignore=shutil.ignore_patterns("model.onnx"))
        export_model(state, base, args.artifact_out, args)
        print(f"artifact: {args.artifact_out} (evaluate.py --artifact {args.artifact_out})", flush=True)


if __name__ == "__main__":
    main()
