# Blackbox exporter 0.23 (Debian's `prometheus-blackbox-exporter`) on 127.0.0.1:9115: Prometheus
# probes Kafka, the registry, Elasticsearch and PostgreSQL through it, so a stopped stack component
# shows as probe_success 0 (none of them serves Prometheus metrics itself).
# Sourced by stack.sh after lib.sh.

BLACKBOX_PORT=9115
BLACKBOX_URL="http://127.0.0.1:$BLACKBOX_PORT"
BLACKBOX_CONFIG="$REPO_DIR/monitoring/blackbox/blackbox.yml"

blackbox_install() {
  command -v prometheus-blackbox-exporter >/dev/null && return 0
  apt_get_install prometheus-blackbox-exporter || die "blackbox: apt-get install prometheus-blackbox-exporter failed"
}

blackbox_start() {
  port_open "$BLACKBOX_PORT" && die "blackbox: port $BLACKBOX_PORT is taken by something that is not a blackbox exporter"
  spawn blackbox prometheus-blackbox-exporter \
    --config.file="$BLACKBOX_CONFIG" \
    --web.listen-address="127.0.0.1:$BLACKBOX_PORT"
}

# grep reads the whole answer (no -q): stopping early would SIGPIPE curl and fail the pipe under pipefail.
blackbox_healthy() { curl -fsS --noproxy '*' -m 3 "$BLACKBOX_URL/metrics" | grep '^blackbox_exporter_build_info' >/dev/null; }

blackbox_version() {
  curl -fsS --noproxy '*' -m 3 "$BLACKBOX_URL/metrics" | sed -n 's/^blackbox_exporter_build_info{.*version="\([^"]*\)".*/\1/p'
}

blackbox_address() { echo "$BLACKBOX_URL"; }
