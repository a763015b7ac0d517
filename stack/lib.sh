# Shared helpers for the local stack scripts. Sourced, never executed.
# Every component script under components/ defines, for component NAME:
#   NAME_install   idempotent; downloads into $STACK_CACHE, never re-downloads what is cached
#   NAME_start     starts the process in the background, records its pid in $(pid_file NAME)
#   NAME_healthy   probes the address; exit 0 when the component answers correctly
#   NAME_version   prints the running version (one word)
#   NAME_address   prints host:port (or URL)
#   NAME_stop      (optional) stops it when the default pid-file stop is not right
# Health is judged by probing, so a component already running (e.g. from another clone) is reused.

set -euo pipefail

STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$STACK_DIR/.." && pwd)"
STACK_DATA="${STACK_DATA:-$STACK_DIR/.data}"
STACK_CACHE="${ASPECT_STREAM_CACHE:-$HOME/.cache/aspect-stream}"
STACK_LOGS="$STACK_DATA/logs"
STACK_PIDS="$STACK_DATA/pids"
# Seconds a component may take to become healthy after start before `make up` fails.
STACK_START_TIMEOUT="${STACK_START_TIMEOUT:-180}"

mkdir -p "$STACK_DATA" "$STACK_CACHE" "$STACK_LOGS" "$STACK_PIDS"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

pid_file() { echo "$STACK_PIDS/$1.pid"; }
log_file() { echo "$STACK_LOGS/$1.log"; }

# True when the pid recorded for a component is a live process.
pid_alive() {
  local f; f="$(pid_file "$1")"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

# Runs a command detached in its own session, output to the component log, pid recorded.
spawn() {
  local name="$1"; shift
  local logf; logf="$(log_file "$name")"
  log "starting $name (log: $logf)"
  setsid "$@" >>"$logf" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
}

# Probes until healthy, fails with the log path when the timeout passes or the process dies.
wait_healthy() {
  local name="$1" timeout="${2:-$STACK_START_TIMEOUT}" waited=0
  until "${name}_healthy" >/dev/null 2>&1; do
    if [[ -f "$(pid_file "$name")" ]] && ! pid_alive "$name"; then
      die "$name exited during start-up; see its log: $(log_file "$name")"
    fi
    if ((waited >= timeout)); then
      die "$name did not become healthy within ${timeout}s; see its log: $(log_file "$name")"
    fi
    sleep 1; waited=$((waited + 1))
  done
  log "$name healthy after ${waited}s"
}

# Stops the process group recorded in the pid file: TERM, then KILL after a grace period.
stop_pid() {
  local name="$1" grace="${2:-30}" f pid
  f="$(pid_file "$name")"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 "$grace"); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop within ${grace}s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}

# True when something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Resolves Maven artifacts (and their dependencies) into a cache folder with the pom given.
# Usage: mvn_copy_deps <pom.xml> <output dir>
mvn_copy_deps() {
  local pom="$1" out="$2"
  mkdir -p "$out"
  mvn -B -q -f "$pom" -Dmaven.repo.local="$STACK_CACHE/m2" \
    dependency:copy-dependencies -DoutputDirectory="$out" -DincludeScope=runtime >&2
}

# Installs Debian packages for a component, waiting for other apt runs (several may run at once).
# The packages' own init scripts must not start a second copy on the default ports: where the
# machine has no policy-rc.d, one that forbids starts is in place for the duration.
apt_get_install() {
  local rc=0 policy=/usr/sbin/policy-rc.d ours=0
  if [[ ! -e "$policy" ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; ours=1; fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "$@" >&2 || {
    log "apt-get install failed; updating the package lists once and trying again"
    apt-get update -qq -o DPkg::Lock::Timeout=600 >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "$@" >&2
  } || rc=$?
  ((ours)) && rm -f "$policy"
  return $rc
}
