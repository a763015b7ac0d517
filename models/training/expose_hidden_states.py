"""Adds the encoder's last hidden state to an exported ABSA model as the output `hidden_states`.

The processor mean-pools it into sentence and document embeddings, so similarity search and aspect
categories cost no second model pass. The tensor already exists inside the graph (it feeds the tag
head); this only names it as an output. Idempotent.

usage: python expose_hidden_states.py models/absa/<name>-<version>/model.onnx
"""
import sys

import onnx
from onnx import TensorProto, helper

OUTPUT = "hidden_states"


def expose(path: str) -> None:
    model = onnx.load(path)
    graph = model.graph
    if any(o.name == OUTPUT for o in graph.output):
        print(f"{path}: already has {OUTPUT}")
        return
    producers = {out: node for node in graph.node for out in node.output}
    # The tag head's (quantized) matmul reads the encoder output; follow its first input back
    # past the dynamic quantization to the float tensor.
    head = producers.get("tag_logits")
    tensor = None
    seen = set()
    stack = [head] if head is not None else []
    while stack:
        node = stack.pop()
        if node.name in seen:
            continue
        seen.add(node.name)
        for name in node.input:
            if name.endswith("LayerNormalization_output_0") and "/encoder/" in name:
                tensor = name
                break
            if name in producers:
                stack.append(producers[name])
        if tensor:
            break
    if tensor is None:
        sys.exit(f"{path}: cannot find the encoder output that feeds tag_logits")
    identity = helper.make_node("Identity", [tensor], [OUTPUT], name="expose_hidden_states")
    graph.node.append(identity)
    graph.output.append(helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", "sequence", "hidden"]))
    onnx.checker.check_model(model)
    onnx.save(model, path)
    print(f"{path}: {tensor} exposed as {OUTPUT}")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        expose(p)
