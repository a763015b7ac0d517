#!/usr/bin/env bash
# Second GPU run: tagger data without SemEval-16 (opinion-target-only annotation) and longer schedules.
# Same carry as gpu_run.sh (minilm/ + data/); exports model.onnx only, packaging/thresholds happen on CPU.
set -u
export PYTHONUNBUFFERED=1
OUT="${OUT:-/tmp/gpu-out}"; mkdir -p "$OUT"
G=models/training/out/gpu
W="${W:-/tmp/absa-work}"; rm -rf "$W"; mkdir -p "$W"
EXTRA="${EXTRA:-}"
tar xzf $G/data/absa.tar.gz -C "$W"
python3 models/training/transport_weights.py unpack --src $G/minilm --out "$W/minilm"
run() {
  name=$1; shift
  timeout "${PER_RUN_LIMIT:-290}" python3 models/training/train.py --data-dir "$W/absa" --work "$W/$name" \
    --out "$W/$name/artifact" --threads 5 --time-budget "${TIME_BUDGET:-235}" --export-only \
    --base "$W/minilm" "$@" $EXTRA > "$W/$name.log" 2>&1
  echo "$name exit $?"
  grep -E "^epoch|best epoch|export:|time budget" "$W/$name.log" | sed "s/^/[$name] /"
}
R14L14M=semeval14_restaurants,semeval14_laptops,mams_atsa
run minilm_tags_r14l14m_b32 --tags-from $R14L14M &
run minilm_tags_r14l14m_b64_e12 --tags-from $R14L14M --batch-size 64 --lr 1.2e-4 --epochs 12 &
run minilm_tags_all_b64_e12 --batch-size 64 --lr 1.2e-4 --epochs 12 &
wait
RETURN_TOP=2 python3 models/training/gpu_collect.py "$W" "$OUT"
ls -la "$OUT"
