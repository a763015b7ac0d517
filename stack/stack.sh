#!/usr/bin/env bash
# The local stack: install, start, check and stop the real components.
# Usage: stack/stack.sh up|status|down|clean|install [component...]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Start order. A component that needs another defines NAME_needs (e.g. the registry stores its
# schemas in Kafka); everything else starts at once, so the slow JVMs boot in parallel.
ALL=(elasticsearch kafka postgres registry blackbox alertmanager prometheus)

for c in "${ALL[@]}"; do source "$STACK_DIR/components/$c.sh"; done

cmd="${1:-status}"; shift || true
components=("$@"); ((${#components[@]})) || components=("${ALL[@]}")

up() {
  local c
  # Install everything first (downloads are cached), then start what is not already healthy.
  for c in "${components[@]}"; do "${c}_healthy" >/dev/null 2>&1 || "${c}_install"; done
  local started=() d
  for c in "${components[@]}"; do
    if "${c}_healthy" >/dev/null 2>&1; then
      log "$c already healthy at $("${c}_address")"
      if declare -F "${c}_ensure" >/dev/null; then "${c}_ensure"; fi
      continue
    fi
    if declare -F "${c}_needs" >/dev/null; then
      for d in $("${c}_needs"); do wait_healthy "$d"; done
    fi
    "${c}_start"
    started+=("$c")
    # Lets `make test` in CI stop exactly what this run started, and nothing it found running.
    [[ -z "${STACK_STARTED_FILE:-}" ]] || echo "$c" >>"$STACK_STARTED_FILE"
  done
  for c in "${started[@]}"; do wait_healthy "$c"; done
}

status() {
  local c rc=0
  for c in "${components[@]}"; do
    if "${c}_healthy" >/dev/null 2>&1; then
      printf '%-14s healthy    %-40s %s\n' "$c" "$("${c}_address")" "$("${c}_version" 2>/dev/null || echo '?')"
    else
      printf '%-14s UNHEALTHY  %-40s log: %s\n' "$c" "$("${c}_address")" "$(log_file "$c")"
      rc=1
    fi
  done
  return $rc
}

down() {
  local i c
  # Reverse order: dependants first.
  for ((i = ${#components[@]} - 1; i >= 0; i--)); do
    c="${components[$i]}"
    if declare -F "${c}_stop" >/dev/null; then "${c}_stop"; else stop_pid "$c"; fi
  done
}

case "$cmd" in
  up) up ;;
  status) status ;;
  down) down ;;
  clean) down; log "deleting $STACK_DATA"; rm -rf "$STACK_DATA" ;;
  # Installs without starting (e.g. promtool and amtool for `make test-monitoring`).
  install) for c in "${components[@]}"; do "${c}_install"; done ;;
  *) die "unknown command '$cmd' (use up, status, down, clean or install)" ;;
esac
