#!/usr/bin/env bash
# Adds up what the mocha runs of one `make test` reported ("N passing", "N failing", "N pending") and
# prints it as one closing line, so the whole run ends with its count however many runners it used.
set -euo pipefail
log=${1:?usage: scripts/test-summary.sh <make test output>}
awk '
  /^ *[0-9]+ passing/ { passed += $1 }
  /^ *[0-9]+ failing/ { failed += $1 }
  /^ *[0-9]+ pending/ { skipped += $1 }
  END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
