# Prometheus 2.42 (Debian's `prometheus`, with promtool) on 127.0.0.1:9090: scrapes every service
# and the stack, evaluates the recording and alert rules, sends alerts to the alertmanager component.
# Its configuration is read straight from monitoring/prometheus/ (rule files are relative to it);
# the time series database lives in $STACK_DATA/prometheus.
# Sourced by stack.sh after lib.sh.

PROMETHEUS_PORT=9090
PROMETHEUS_URL="http://127.0.0.1:$PROMETHEUS_PORT"
PROMETHEUS_CONFIG="$REPO_DIR/monitoring/prometheus/prometheus.yml"
PROMETHEUS_DATA="$STACK_DATA/prometheus"
PROMETHEUS_RETENTION="${PROMETHEUS_RETENTION:-7d}"

prometheus_install() {
  command -v prometheus >/dev/null && command -v promtool >/dev/null && return 0
  apt_get_install prometheus || die "prometheus: apt-get install prometheus failed"
}

prometheus_start() {
  port_open "$PROMETHEUS_PORT" && die "prometheus: port $PROMETHEUS_PORT is taken by something that is not a ready Prometheus"
  promtool check config --syntax-only "$PROMETHEUS_CONFIG" >&2 || die "prometheus: $PROMETHEUS_CONFIG does not check"
  mkdir -p "$PROMETHEUS_DATA"
  # --web.enable-lifecycle: `curl -X POST .../-/reload` applies changed rules without a restart.
  spawn prometheus prometheus \
    --config.file="$PROMETHEUS_CONFIG" \
    --storage.tsdb.path="$PROMETHEUS_DATA" \
    --storage.tsdb.retention.time="$PROMETHEUS_RETENTION" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    --web.enable-lifecycle
}

prometheus_healthy() { curl -fsS --noproxy '*' -m 3 -o /dev/null "$PROMETHEUS_URL/-/ready"; }

prometheus_version() {
  curl -fsS --noproxy '*' -m 3 "$PROMETHEUS_URL/api/v1/status/buildinfo" | sed -n 's/.*"version":"\([^"]*\)".*/\1/p'
}

prometheus_address() { echo "$PROMETHEUS_URL"; }
