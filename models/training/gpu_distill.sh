#!/usr/bin/env bash
# The distillation run (distill.py) on the GPU machine, in one command of under 10 minutes.
# What travels (64 MiB per call, so over three calls; prepared by `gpu_distill.sh prepare` here):
#   models/training/out/gpu2/mpnet_a/  first half of the packed teacher (6-bit, transport_weights.py)
#   models/training/out/gpu2/mpnet_b/  second half + config.json + tokenizer.json
#   models/training/out/gpu2/run/      packed student base (8-bit), absa.tar.gz, sha256 of the teacher pack
# The first two calls only stash their half (`gpu_distill.sh stash mpnet_a|mpnet_b`); the third runs
# `gpu_distill.sh train`: teacher, then two students in parallel (alpha 0.5 and 0.8), and returns the
# students' slimmed states (<16 MB parts) and every log and metric in $OUT.
set -euo pipefail
export PYTHONUNBUFFERED=1
HERE="$(cd "$(dirname "$0")" && pwd)"
G="$HERE/out/gpu2"
STASH=/root/absa-stash
W="${W:-/tmp/distill-work}"
OUT="${OUT:-/tmp/gpu-out}"

case "${1:-}" in
prepare) # here: pack both bases (word-embedding rows of word pieces in the data only) and split
  PY="$HERE/.venv/bin/python"
  rm -rf "$G" && mkdir -p "$G/run" "$G/mpnet_a" "$G/mpnet_b"
  "$PY" - "$G" <<'EOF'
import glob, json, os, sys
sys.path.insert(0, "models/training")
from distill import default_base_dir, default_teacher_dir, default_data_dir, vocab_map
from evaluate import load_tokenizer
g = sys.argv[1]
s = load_tokenizer(os.path.join(default_base_dir(), "tokenizer.json"))
t = load_tokenizer(os.path.join(default_teacher_dir(), "tokenizer.json"))
ids = set(range(104))  # [PAD], [unusedN], [UNK], [CLS], [SEP], [MASK]
for f in glob.glob(os.path.join(default_data_dir(), "*", "*.jsonl")):
    for line in open(f, encoding="utf-8"):
        ids.update(s.encode(json.loads(line)["text"], add_special_tokens=False).ids)
lut = vocab_map(s, t)
json.dump(sorted(ids), open(os.path.join(g, "keep_student.json"), "w"))
json.dump(sorted(int(lut[i]) for i in ids), open(os.path.join(g, "keep_teacher.json"), "w"))
print(len(ids), "word pieces kept")
EOF
  STUDENT="$("$PY" -c 'import sys; sys.path.insert(0, "models/training"); from train import default_base_dir; print(default_base_dir())')"
  TEACHER="$("$PY" -c 'import sys; sys.path.insert(0, "models/training"); from distill import default_teacher_dir; print(default_teacher_dir())')"
  "$PY" "$HERE/transport_weights.py" pack --base "$STUDENT" --out "$G/run/minilm" --keep-ids "$G/keep_student.json"
  "$PY" "$HERE/transport_weights.py" pack --base "$TEACHER" --out "$G/mpnet" --bits 6 --group 64 \
    --keep-ids "$G/keep_teacher.json"
  sha256sum "$G/mpnet/weights_packed.safetensors" | cut -d' ' -f1 > "$G/run/mpnet.sha256"
  split -n 2 -d "$G/mpnet/weights_packed.safetensors" "$G/part"
  mv "$G/part00" "$G/mpnet_a/"; mv "$G/part01" "$G/mpnet/config.json" "$G/mpnet/tokenizer.json" "$G/mpnet_b/"
  rm -rf "$G/mpnet"
  DATA="$("$PY" -c 'import sys; sys.path.insert(0, "models/training"); from train import default_data_dir; print(default_data_dir())')"
  tar czf "$G/run/absa.tar.gz" -C "$(dirname "$DATA")" "$(basename "$DATA")"
  du -sh "$G"/*
  ;;
stash) # GPU machine, calls 1 and 2: keep this half outside the working tree
  mkdir -p "$STASH" && cp -r "$G/$2" "$STASH/" && ls -la "$STASH"/*
  ;;
train) # GPU machine, call 3
  rm -rf "$W" && mkdir -p "$W" "$OUT"
  for half in mpnet_a mpnet_b; do [ -d "$G/$half" ] || cp -r "$STASH/$half" "$G/"; done
  mkdir -p "$W/mpnet_packed"
  cat "$G/mpnet_a/part00" "$G/mpnet_b/part01" > "$W/mpnet_packed/weights_packed.safetensors"
  cp "$G/mpnet_b/config.json" "$G/mpnet_b/tokenizer.json" "$W/mpnet_packed/"
  echo "$(cat "$G/run/mpnet.sha256")  $W/mpnet_packed/weights_packed.safetensors" | sha256sum -c
  python3 "$HERE/transport_weights.py" unpack --src "$W/mpnet_packed" --out "$W/mpnet"
  python3 "$HERE/transport_weights.py" unpack --src "$G/run/minilm" --out "$W/minilm"
  tar xzf "$G/run/absa.tar.gz" -C "$W"
  nvidia-smi -L || true
  COMMON=(--data-dir "$W/absa" --base "$W/minilm" --teacher-base "$W/mpnet" --work "$W" --amp --threads 4)
  timeout "${TEACHER_TIMEOUT:-270}" python3 "$HERE/distill.py" --stage teacher "${COMMON[@]}" --teacher-epochs "${TEACHER_EPOCHS:-5}" \
    --teacher-budget "${TEACHER_BUDGET:-215}" ${EXTRA:-} > "$W/teacher.log" 2>&1 || { tail -30 "$W/teacher.log"; exit 1; }
  grep -E "^teacher (epoch|best)|examples" "$W/teacher.log"
  student() {
    tag=$1; shift
    timeout "${STUDENT_TIMEOUT:-265}" python3 "$HERE/distill.py" --stage student "${COMMON[@]}" --tag "$tag" \
      --time-budget "${STUDENT_BUDGET:-210}" "$@" ${EXTRA:-} > "$W/student-$tag.log" 2>&1
    echo "student $tag exit $?"
    grep -E "^student" "$W/student-$tag.log" || tail -20 "$W/student-$tag.log"
  }
  for spec in ${STUDENTS:-a5:0.5 a8:0.8}; do student "${spec%%:*}" --alpha "${spec##*:}" ${STUDENT_ARGS:-} & done
  wait
  python3 - "$W" "$OUT" <<'EOF'
import glob, json, os, sys, tarfile, torch
w, out = sys.argv[1], sys.argv[2]
scores = {}
for p in glob.glob(os.path.join(w, "student-*.pt")):
    s = torch.load(p, weights_only=False)
    scores[os.path.basename(p)[8:-3]] = {"score": s["score"], "best_epoch": s["best_epoch"], "history": s["history"]}
t = torch.load(os.path.join(w, "teacher.pt"), weights_only=False)
summary = {"teacher": {"score": t["score"], "best_epoch": t["best_epoch"], "history": t["history"]}, "students": scores}
json.dump(summary, open(os.path.join(w, "summary.json"), "w"), indent=2)
print(json.dumps({"teacher": round(t["score"], 4), **{k: round(v["score"], 4) for k, v in scores.items()}}))
with tarfile.open(os.path.join(out, "results.tgz"), "w:gz") as tf:
    for f in [os.path.join(w, "summary.json")] + glob.glob(os.path.join(w, "*.log")):
        tf.add(f, os.path.basename(f))
print(" ".join(sorted(scores, key=lambda k: -scores[k]["score"])))
EOF
  for tag in $(python3 -c "import json;s=json.load(open('$W/summary.json'))['students'];print(' '.join(sorted(s,key=lambda k:-s[k]['score'])))"); do
    python3 "$HERE/distill.py" --stage slim --data-dir "$W/absa" --base "$W/minilm" --state "$W/student-$tag.pt" \
      --out "$W/$tag.slim.pt"
    split -b 15000000 -d "$W/$tag.slim.pt" "$OUT/$tag.slim.pt.part"
  done
  ls -la "$OUT"
  ;;
*) echo "usage: $0 prepare | stash mpnet_a|mpnet_b | train" >&2; exit 2 ;;
esac
