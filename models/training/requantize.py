"""Rebuild the PyTorch ABSA model from an int8 model.onnx (de-quantized weights), re-export it as fp32
ONNX and quantize it again with a different recipe (e.g. leaving the activation-outlier-heavy FFN
down-projections in float).  Needed when only the int8 file of a GPU run came back (the device tool
returns files of at most 16 MB).  De-quantized weights lie exactly on the int8 grid, so layers that
are quantized again get the same integers; layers kept in float keep the grid values in fp32.

  python3 requantize.py --src model.onnx --base <base dir> --out new.onnx [--exclude-ffn-out] [--fp32-out f.onnx]
      [--static-calibration N]   # activation scales fixed from N training examples (batch-independent output)
  python3 requantize.py --src model.onnx --base <base dir> --state-out shipped.pt   # to fine-tune further:
  python3 train.py --init-state shipped.pt ...
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
from absa_model import TAGS, AbsaModel, export_onnx, load_encoder  # noqa: E402


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


def calibration_batches(n: int, base: str, batch: int = 16):
    """n seeded training examples (tagging and targeted inputs, as train.py builds them), in batches."""
    import random

    from absa_data import make_splits
    from evaluate import Analyzer, load_tokenizer, pad_batch
    from train import build_examples, default_data_dir

    enc = Analyzer(None, load_tokenizer(os.path.join(base, "tokenizer.json")), TAGS, 128, 32).enc
    rng = random.Random(0)
    train = make_splits(default_data_dir()).train
    sample = rng.sample(train, min(len(train), n))
    examples = build_examples(sample, enc, 128, {s.dataset for s in sample})  # tags unused: inputs only
    rng.shuffle(examples)
    examples = examples[:n]
    for i in range(0, len(examples), batch):
        ids, am, tt = pad_batch([e["ids"] for e in examples[i : i + batch]], [e["tt"] for e in examples[i : i + batch]])
        yield {"input_ids": ids, "attention_mask": am, "token_type_ids": tt}


def quantize(fp32_path, out, exclude_ffn_out=False, static_calibration=0, base=None):
    """int8 weights; activations quantized per call (dynamic) or with scales fixed by MinMax calibration
    (static: an output no longer depends on the other sentences of its batch)."""
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                          quantize_dynamic, quantize_static)

    exclude = []
    if exclude_ffn_out:
        m = onnx.load(fp32_path)
        exclude = [n.name for n in m.graph.node
                   if n.op_type == "MatMul" and re.search(r"/layer\.\d+/output/dense/MatMul$", n.name)]
    ops = ["MatMul", "Gather", "Gemm"]
    if static_calibration:
        class Reader(CalibrationDataReader):
            def __init__(self):
                self.batches = calibration_batches(static_calibration, base)

            def get_next(self):
                return next(self.batches, None)

        quantize_static(fp32_path, out, Reader(), quant_format=QuantFormat.QOperator, per_channel=False,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, op_types_to_quantize=ops,
                        calibrate_method=CalibrationMethod.MinMax, nodes_to_exclude=exclude)
    else:
        quantize_dynamic(fp32_path, out, weight_type=QuantType.QInt8, per_channel=False,
                         op_types_to_quantize=ops, nodes_to_exclude=exclude)
    return exclude


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--out", default=None)
    ap.add_argument("--state-out", default=None, help="also save the de-quantized weights as a train.py --init-state")
    ap.add_argument("--fp32-out", default=None)
    ap.add_argument("--exclude-ffn-out", action="store_true")
    ap.add_argument("--static-calibration", type=int, default=0, metavar="N",
                    help="static int8 activations calibrated (MinMax) on N training examples; 0 = dynamic")
    a = ap.parse_args()
    if not a.out and not a.state_out:
        ap.error("nothing to write: give --out (a re-quantized model.onnx) and/or --state-out (a train.py state)")
    enc, cfg = load_encoder(a.base, attn="eager")
    model = AbsaModel(enc, cfg.hidden_size)
    model.load_state_dict(dequantized_state(a.src, model.state_dict()), strict=True)
    model.eval()
    if a.state_out:
        torch.save({"state": model.state_dict(), "source": os.path.abspath(a.src)}, a.state_out)
        print(f"wrote {a.state_out}")
    if not a.out:
        return
    fp32 = a.fp32_out or os.path.join(os.path.dirname(os.path.abspath(a.out)), "requant-fp32.onnx")
    export_onnx(model, fp32)
    ex = quantize(fp32, a.out, a.exclude_ffn_out, a.static_calibration, a.base)
    print(f"wrote {a.out} ({os.path.getsize(a.out) / 1e6:.1f} MB), float nodes: {len(ex)}")


if __name__ == "__main__":
    main()
