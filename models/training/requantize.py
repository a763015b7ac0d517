"""Rebuild the PyTorch ABSA model from an int8 model.onnx (de-quantized weights), re-export it as fp32
ONNX and quantize it again with a different recipe (e.g. leaving the activation-outlier-heavy FFN
down-projections in float).  Needed when only the int8 file of a GPU run came back (the device tool
returns files of at most 16 MB).  De-quantized weights lie exactly on the int8 grid, so layers that
are quantized again get the same integers; layers kept in float keep the grid values in fp32.

  python3 requantize.py --src model.onnx --base <base dir> --out new.onnx [--exclude-ffn-out] [--fp32-out f.onnx]
"""

from __future__ import annotations

import argparse
import os
import re
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from absa_model import AbsaModel, export_onnx, load_encoder  # noqa: E402


def dequantized_state(src: str, ref_state: dict) -> dict:
    m = onnx.load(src)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}

    def deq(prefix):
        q = inits[prefix + "_quantized"].astype(np.float32)
        return (q - inits[prefix + "_zero_point"].astype(np.float32)) * inits[prefix + "_scale"].astype(np.float32)

    sd = {}
    for k in ref_state:
        if k in inits and inits[k].dtype == np.float32:
            sd[k] = inits[k]
        elif k + "_quantized" in inits:
            sd[k] = deq(k)
    for node in m.graph.node:
        if node.op_type not in ("MatMulInteger", "MatMul"):
            continue
        wq = node.input[1]
        out = node.output[0]
        if node.op_type == "MatMul":
            if wq not in inits:
                continue
            w = inits[wq]
            out = out.replace("MatMul_output_0", "MatMul_output_0_output_quantized")
        else:
            w = deq(wq[: -len("_quantized")])
        mo = re.match(r"/encoder/encoder/layer\.(\d+)/(.+)/MatMul_output_0_output_quantized$", out)
        if mo:
            key = f"encoder.encoder.layer.{mo.group(1)}.{mo.group(2).replace('/', '.')}.weight"
        elif out.startswith("/tag_head/"):
            key = "tag_head.weight"
        elif out.startswith("/pol_head/pol_head.0/"):
            key = "pol_head.0.weight"
        elif out.startswith("polarity_logits"):
            key = "pol_head.3.weight"
        else:
            raise SystemExit(f"unmapped MatMul {out}")
        want = tuple(ref_state[key].shape)
        if key != "pol_head.0.weight":
            w = w.T  # MatMul weights are stored [in, out]; torch Linear wants [out, in]
        elif w.shape != want:
            w = w.T
        assert w.shape == want, (key, w.shape, want)
        sd[key] = np.ascontiguousarray(w)
    missing = [k for k in ref_state if k not in sd and not k.endswith("position_ids")]
    if missing:
        raise SystemExit(f"weights not found in {src}: {missing[:10]} ...")
    return {k: torch.from_numpy(np.array(v)) for k, v in sd.items()}


def quantize(fp32_path, out, exclude_ffn_out=False):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    exclude = []
    if exclude_ffn_out:
        m = onnx.load(fp32_path)
        exclude = [n.name for n in m.graph.node
                   if n.op_type == "MatMul" and re.search(r"/layer\.\d+/output/dense/MatMul$", n.name)]
    quantize_dynamic(fp32_path, out, weight_type=QuantType.QInt8, per_channel=False,
                     op_types_to_quantize=["MatMul", "Gather", "Gemm"], nodes_to_exclude=exclude)
    return exclude


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fp32-out", default=None)
    ap.add_argument("--exclude-ffn-out", action="store_true")
    a = ap.parse_args()
    enc, cfg = load_encoder(a.base, attn="eager")
    model = AbsaModel(enc, cfg.hidden_size)
    model.load_state_dict(dequantized_state(a.src, model.state_dict()), strict=True)
    model.eval()
    fp32 = a.fp32_out or os.path.join(os.path.dirname(os.path.abspath(a.out)), "requant-fp32.onnx")
    export_onnx(model, fp32)
    ex = quantize(fp32, a.out, a.exclude_ffn_out)
    print(f"wrote {a.out} ({os.path.getsize(a.out) / 1e6:.1f} MB), float nodes: {len(ex)}")


if __name__ == "__main__":
    main()
