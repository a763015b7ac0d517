"""Quantize the encoder's activations per row instead of per batch tensor.

onnxruntime's dynamic quantization computes one activation scale and zero point per tensor, over every
sequence of a batch, so what shares a batch moves a text's states and flips readings near a boundary
(model card, "Batch size moves every figure"). This rewrites each DynamicQuantizeLinear into the same
asymmetric uint8 quantization with one scale and zero point per row (per token): a text's result no longer
depends on the rest of its batch. The shipped artifact does not use it: the model runs at about 0.7 of
the speed (model card, "Per-row activation scales").

onnxruntime's MatMulInteger takes only a scalar activation zero point, so each row is quantized with its
own zero point z_r, fed to MatMulInteger with zero point 0, and the difference is subtracted after the
existing rescaling:  x W ~= s_r s_w q (W - w_zp) - s_r z_r s_w colsum(W - w_zp).

    models/training/.venv/bin/python models/training/per_row_quant.py --src DIR/model.onnx --out DIR/model.onnx
    for h in categories opinions polarity names; do
        models/training/.venv/bin/python models/training/train_$h.py --artifact DIR; done
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MARK = "per_row_"


def rewrite(src: str, out: str) -> int:
    """Rewrites src into out; returns the number of quantizers rewritten (0 if src already is per row)."""
    m = onnx.load(src)
    g = m.graph
    if any(i.name == MARK + "0" for i in g.initializer):
        if src != out:
            onnx.save(m, out)
        return 0
    init = {i.name: i for i in g.initializer}
    consts = {n.output[0]: n for n in g.node if n.op_type == "Constant"}
    consumers = defaultdict(list)
    for n in g.node:
        for i in n.input:
            consumers[i].append(n)
    producer = {o: n for n in g.node for o in n.output}

    def value(name: str) -> np.ndarray:
        return numpy_helper.to_array(init[name] if name in init else consts[name].attribute[0].t)

    extra = [numpy_helper.from_array(np.array(v, np.float32), MARK + k)
             for k, v in (("0", 0.0), ("255", 255.0), ("eps", 1e-8))]
    extra += [numpy_helper.from_array(np.array([v], np.int64), MARK + k)
              for k, v in (("one", 1), ("minus_one", -1))]
    before: dict[int, list] = {}
    after: dict[str, list] = defaultdict(list)
    mk = helper.make_node
    for idx, n in enumerate(g.node):
        if n.op_type != "DynamicQuantizeLinear":
            continue
        x, (q, s, zp), p = n.input[0], n.output, f"{MARK}{idx}_"
        before[idx] = [
            # rows = every position but the last axis; QuantizeLinear takes one scale per row along axis 0
            mk("Shape", [x], [p + "shape"]),
            mk("Shape", [x], [p + "row_dims"], end=-1),
            mk("Concat", [p + "row_dims", MARK + "one"], [p + "column_shape"], axis=0),
            mk("Shape", [x], [p + "width"], start=-1),
            mk("Concat", [MARK + "minus_one", p + "width"], [p + "flat_shape"], axis=0),
            mk("Reshape", [x, p + "flat_shape"], [p + "flat"]),
            # the row's range, widened to hold 0 as DynamicQuantizeLinear does for the tensor
            mk("ReduceMin", [p + "flat"], [p + "min0"], axes=[1], keepdims=0),
            mk("ReduceMax", [p + "flat"], [p + "max0"], axes=[1], keepdims=0),
            mk("Min", [p + "min0", MARK + "0"], [p + "min"]),
            mk("Max", [p + "max0", MARK + "0"], [p + "max"]),
            mk("Sub", [p + "max", p + "min"], [p + "range0"]),
            mk("Max", [p + "range0", MARK + "eps"], [p + "range"]),
            mk("Div", [p + "range", MARK + "255"], [p + "scale"]),
            mk("Div", [p + "min", p + "scale"], [p + "min_s"]),
            mk("Neg", [p + "min_s"], [p + "zp0"]),
            mk("Round", [p + "zp0"], [p + "zp"]),
            mk("Cast", [p + "zp"], [p + "zp_u8"], to=TensorProto.UINT8),
            mk("QuantizeLinear", [p + "flat", p + "scale", p + "zp_u8"], [p + "q_flat"], axis=0),
            mk("Reshape", [p + "q_flat", p + "shape"], [q]),
            mk("Reshape", [p + "scale", p + "column_shape"], [s]),
            mk("Mul", [p + "scale", p + "zp"], [p + "s_zp_flat"]),
            mk("Reshape", [p + "s_zp_flat", p + "column_shape"], [p + "s_zp"]),
        ]
        extra.append(numpy_helper.from_array(np.array(0, np.uint8), zp))
        for mm in consumers[q]:
            if mm.op_type != "MatMulInteger":
                raise ValueError(f"{q} feeds {mm.op_type}, expected MatMulInteger")
            w = value(mm.input[1]).astype(np.int64) - value(mm.input[3]).astype(np.int64)
            cast = next(c for c in consumers[mm.output[0]] if c.op_type == "Cast")
            rescale = next(c for c in consumers[cast.output[0]] if c.op_type == "Mul")
            scales = producer[next(i for i in rescale.input if i != cast.output[0])]
            w_scale = value(next(i for i in scales.input if i != s)).astype(np.float64)
            colsum = f"{rescale.output[0]}_{MARK}colsum"
            extra.append(numpy_helper.from_array((w_scale * w.sum(axis=0)).astype(np.float32), colsum))
            y = rescale.output[0]
            raw = y + "_" + MARK + "raw"
            rescale.output[0] = raw
            after[raw] += [mk("Mul", [p + "s_zp", colsum], [raw + "_zp"]), mk("Sub", [raw, raw + "_zp"], [y])]
    nodes = []
    for idx, n in enumerate(g.node):
        nodes += before.get(idx, [n])
        nodes += after.get(n.output[0], []) if n.output else []
    del g.node[:]
    g.node.extend(nodes)
    g.initializer.extend(extra)
    onnx.checker.check_model(m)
    onnx.save(m, out)
    return len(before)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    print(f"per-row activation quantization: {rewrite(args.src, args.out)} quantizers rewritten")


if __name__ == "__main__":
    main()
