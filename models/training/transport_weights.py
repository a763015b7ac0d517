"""Pack / unpack base-encoder weights for the trip to the GPU machine (64 MiB limit on what travels).

pack:   2-D weight matrices -> int8 per row (symmetric, scale = max|row| / 127) + fp32 scales;
        1-D tensors (biases, LayerNorm) stay fp32.  Max error per weight = scale / 2 (<= 0.4 % of the
        row's largest weight).
unpack: back to a float32 model.safetensors that transformers loads.

  python3 transport_weights.py pack   --base DIR --out DIR
  python3 transport_weights.py unpack --src DIR  --out DIR
"""

from __future__ import annotations

import argparse
import os
import shutil

import numpy as np
from safetensors.numpy import load_file, save_file


def pack(base, out):
    os.makedirs(out, exist_ok=True)
    sd = load_file(os.path.join(base, "model.safetensors"))
    packed = {}
    for k, v in sd.items():
        v = v.astype(np.float32)
        if v.ndim == 2 and v.shape[0] > 2:
            scale = np.abs(v).max(axis=1, keepdims=True) / 127.0
            scale[scale == 0] = 1.0
            packed[k + ".q8"] = np.clip(np.round(v / scale), -127, 127).astype(np.int8)
            packed[k + ".scale"] = scale.astype(np.float32)
        else:
            packed[k] = v
    save_file(packed, os.path.join(out, "weights_q8.safetensors"))
    for f in ("config.json", "tokenizer.json"):
        shutil.copy(os.path.join(base, f), os.path.join(out, f))


def unpack(src, out):
    os.makedirs(out, exist_ok=True)
    p = load_file(os.path.join(src, "weights_q8.safetensors"))
    sd = {}
    for k, v in p.items():
        if k.endswith(".q8"):
            name = k[: -len(".q8")]
            sd[name] = (v.astype(np.float32) * p[name + ".scale"]).astype(np.float32)
        elif not k.endswith(".scale"):
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
    a = ap.parse_args()
    pack(a.base, a.out) if a.mode == "pack" else unpack(a.src, a.out)
