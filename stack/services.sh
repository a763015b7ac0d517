#!/usr/bin/env bash
# The pipeline's own services as background processes of this checkout, with pid files and logs
# under stack/.data (the same place as the stack's): HTTP collector, ABSA processor, alert service, both sinks, API,
# the log shipper that sends all their logs to Elasticsearch, and the demo receiver of Alertmanager's
# notifications.
# Usage: stack/services.sh up|status|down [service...]
# Environment for the services (e.g. ABSA_TENANT_DOMAINS) is passed through from the caller.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALL=(collector processor alerts sink-postgres sink-elasticsearch api log-shipper alert-receiver)
# The local stack's alert service: the demo's webhook receiver listens on loopback, and the demo's
# bursts are dated hours back while other documents (the demo's own, other checkouts' tests) are
# dated now on the same tallies partitions, so an entity's windows wait 6 hours of partition time
# before a quiet entity's are closed for it (the service's default: 60 minutes, private webhook
# addresses refused; see the README's ALERTS_* rows).
export ALERTS_WEBHOOK_ALLOW_PRIVATE="${ALERTS_WEBHOOK_ALLOW_PRIVATE:-true}"
export ALERTS_IDLE_CLOSE_MINUTES="${ALERTS_IDLE_CLOSE_MINUTES:-360}"

# name → entry point and the port of its /healthz
service_entry() {
  case "$1" in
    collector) echo "producers/http/main.ts" ;;
    processor) echo "stream-processors/absa/main.ts" ;;
    alerts) echo "stream-processors/alerts/main.ts" ;;
    sink-postgres) echo "sinks/postgres/main.ts" ;;
    sink-elasticsearch) echo "sinks/elasticsearch/main.ts" ;;
    api) echo "api/main.ts" ;;
    log-shipper) echo "monitoring/log-shipper/main.ts" ;;
    alert-receiver) echo "monitoring/alertmanager/receiver.ts" ;;
    *) die "unknown service '$1' (one of: ${ALL[*]})" ;;
  esac
}
service_port() {
  case "$1" in
    collector) echo "${COLLECTOR_HTTP_PORT:-8090}" ;;
    processor) echo "${ABSA_PORT:-9101}" ;;
    alerts) echo "${ALERTS_PORT:-9102}" ;;
    sink-postgres) echo "${SINK_POSTGRES_OPS_PORT:-9301}" ;;
    sink-elasticsearch) echo "${SINK_ELASTICSEARCH_OPS_PORT:-9302}" ;;
    api) echo "${API_PORT:-8080}" ;;
    log-shipper) echo "${LOG_SHIPPER_PORT:-9303}" ;;
    alert-receiver) echo "${ALERT_RECEIVER_PORT:-9097}" ;;
  esac
}

service_healthy() { curl -fsS -m 2 "http://127.0.0.1:$(service_port "$1")/healthz" >/dev/null 2>&1; }

cmd="${1:-status}"; shift || true
services=("$@"); ((${#services[@]})) || services=("${ALL[@]}")

case "$cmd" in
  up)
    for s in "${services[@]}"; do
      if service_healthy "$s"; then log "$s already running on :$(service_port "$s")"; continue; fi
      spawn "$s" "$REPO_DIR/node_modules/.bin/tsx" "$REPO_DIR/$(service_entry "$s")"
    done
    for s in "${services[@]}"; do
      # The processor loads two models before it serves /healthz.
      waited=0
      until service_healthy "$s"; do
        pid_alive "$s" || die "$s exited during start-up; see its log: $(log_file "$s")"
        ((waited++ < 120)) || die "$s did not answer /healthz within 120s; see its log: $(log_file "$s")"
        sleep 1
      done
      log "$s running on :$(service_port "$s") (log: $(log_file "$s"))"
    done
    ;;
  status)
    rc=0
    for s in "${services[@]}"; do
      if service_healthy "$s"; then
        printf '%-20s running    http://127.0.0.1:%s\n' "$s" "$(service_port "$s")"
      else
        printf '%-20s DOWN       log: %s\n' "$s" "$(log_file "$s")"; rc=1
      fi
    done
    exit $rc
    ;;
  down)
    for ((i = ${#services[@]} - 1; i >= 0; i--)); do stop_pid "${services[$i]}" 35; done
    ;;
  *) die "unknown command '$cmd' (use up, status or down)" ;;
esac
