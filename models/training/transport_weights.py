"""Pack / unpack base-encoder weights for the trip to the GPU machine (64 MiB limit on what travels).

pack:   2-D weight matrices -> symmetric integers: 8 bits per row (scale = max|row| / 127), or
        --bits 5..7 in groups of --group weights (one fp16 scale per group, bit-packed), for
        encoders too large for 8 bits; the word-embedding matrix is always 8 bits per row and, with
        --keep-ids, only the rows of the word pieces listed there travel (the others unpack as 0:
        a word piece that is never seen gets no gradient, and the CPU side restores its row).
        1-D tensors (biases, LayerNorm) stay fp32.
unpack: back to a float32 model.safetensors that transformers loads.

  python3 transport_weights.py pack   --base DIR --out DIR [--bits 6 --group 64] [--keep-ids FILE]
  python3 transport_weights.py unpack --src DIR  --out DIR
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil

import numpy as np
from safetensors.numpy import load_file, save_file


def _row_q8(v):
    scale = np.abs(v).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    return np.clip(np.round(v / scale), -127, 127).astype(np.int8), scale.astype(np.float32)


def _group_pack(v, bits, group):
    limit = 2 ** (bits - 1) - 1
    w = v.reshape(-1, group)
    scale = (np.abs(w).max(axis=1, keepdims=True) / limit).astype(np.float16)
    scale[scale == 0] = 1.0
    q = (np.clip(np.round(w / scale.astype(np.float32)), -limit, limit) + limit).astype(np.uint8).reshape(-1)
    packed = np.packbits(np.unpackbits(q[:, None], axis=1)[:, 8 - bits :].reshape(-1))
    return packed, scale


def _group_unpack(packed, scale, shape, bits, group):
    limit = 2 ** (bits - 1) - 1
    n = int(np.prod(shape))
    b = np.unpackbits(packed)[: n * bits].reshape(n, bits)
    q = np.packbits(np.pad(b, ((0, 0), (8 - bits, 0))), axis=1)[:, 0].astype(np.float32) - limit
    return (q.reshape(-1, group) * scale.astype(np.float32)).reshape(shape).astype(np.float32)


def pack(base, out, bits=8, group=64, keep_ids=None):
    os.makedirs(out, exist_ok=True)
    sd = load_file(os.path.join(base, "model.safetensors"))
    packed = {}
    for k, v in sd.items():
        v = v.astype(np.float32)
        if k.endswith("word_embeddings.weight"):
            rows = np.arange(v.shape[0]) if keep_ids is None else np.array(sorted(set(keep_ids)), dtype=np.int64)
            packed[k + ".q8"], packed[k + ".scale"] = _row_q8(v[rows])
            packed[k + ".rows"] = rows
            packed[k + ".shape"] = np.array(v.shape, dtype=np.int64)
        elif v.ndim == 2 and v.shape[0] > 2 and (bits == 8 or v.size % group):
            packed[k + ".q8"], packed[k + ".scale"] = _row_q8(v)
        elif v.ndim == 2 and v.shape[0] > 2:
            packed[k + f".q{bits}g{group}"], packed[k + ".gscale"] = _group_pack(v, bits, group)
            packed[k + ".shape"] = np.array(v.shape, dtype=np.int64)
        else:
            packed[k] = v
    save_file(packed, os.path.join(out, "weights_packed.safetensors"))
    for f in ("config.json", "tokenizer.json"):
        shutil.copy(os.path.join(base, f), os.path.join(out, f))


def unpack(src, out):
    os.makedirs(out, exist_ok=True)
    name = "weights_packed.safetensors"
    if not os.path.exists(os.path.join(src, name)):
        name = "weights_q8.safetensors"  # packs made before --bits existed (gpu_run.sh, gpu_run2.sh)
    p = load_file(os.path.join(src, name))
    sd = {}
    for k, v in p.items():
        if k.endswith(".q8"):
            name = k[: -len(".q8")]
            rows = (v.astype(np.float32) * p[name + ".scale"]).astype(np.float32)
            if name + ".rows" in p:
                full = np.zeros(tuple(p[name + ".shape"]), dtype=np.float32)
                full[p[name + ".rows"]] = rows
                rows = full
            sd[name] = rows
        elif m := re.search(r"\.q(\d)g(\d+)$", k):
            name, bits, group = k[: m.start()], int(m[1]), int(m[2])
            sd[name] = _group_unpack(v, p[name + ".gscale"], tuple(p[name + ".shape"]), bits, group)
        elif not k.endswith((".scale", ".gscale", ".rows", ".shape")):
            sd[k] = v
    save_file(sd, os.path.join(out, "model.safetensors"))
    for f in ("config.json", "tokenizer.json"):
        shutil.copy(os.path.join(src, f), os.path.join(out, f))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["pack", "unpack"])
    ap.add_argument("--base")
    ap.add_argument("--src")
    ap.add_argument("--out", required=True)
    ap.add_argument("--bits", type=int, default=8)
    ap.add_argument("--group", type=int, default=64)
    ap.add_argument("--keep-ids", help="JSON list of word-piece ids whose embedding rows travel")
    a = ap.parse_args()
    if a.mode == "pack":
        pack(a.base, a.out, a.bits, a.group, json.load(open(a.keep_ids)) if a.keep_ids else None)
    else:
        unpack(a.src, a.out)
