# Alertmanager 0.25 (Debian's `prometheus-alertmanager`, with amtool) on 127.0.0.1:9095, clustering
# off (its default 9093/9094 would meet Kafka's controller). Configuration from
# monitoring/alertmanager/alertmanager.yml; silences and notification state in $STACK_DATA/alertmanager.
# Sourced by stack.sh after lib.sh.

ALERTMANAGER_PORT=9095
ALERTMANAGER_URL="http://127.0.0.1:$ALERTMANAGER_PORT"
ALERTMANAGER_CONFIG="$REPO_DIR/monitoring/alertmanager/alertmanager.yml"
ALERTMANAGER_DATA="$STACK_DATA/alertmanager"

alertmanager_install() {
  command -v prometheus-alertmanager >/dev/null && command -v amtool >/dev/null && return 0
  apt_get_install prometheus-alertmanager || die "alertmanager: apt-get install prometheus-alertmanager failed"
}

alertmanager_start() {
  port_open "$ALERTMANAGER_PORT" && die "alertmanager: port $ALERTMANAGER_PORT is taken by something that is not a ready Alertmanager"
  amtool check-config "$ALERTMANAGER_CONFIG" >&2 || die "alertmanager: $ALERTMANAGER_CONFIG does not check"
  mkdir -p "$ALERTMANAGER_DATA"
  spawn alertmanager prometheus-alertmanager \
    --config.file="$ALERTMANAGER_CONFIG" \
    --storage.path="$ALERTMANAGER_DATA" \
    --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" \
    --cluster.listen-address=
}

alertmanager_healthy() { curl -fsS --noproxy '*' -m 3 -o /dev/null "$ALERTMANAGER_URL/-/ready"; }

alertmanager_version() {
  curl -fsS --noproxy '*' -m 3 "$ALERTMANAGER_URL/api/v2/status" | sed -n 's/.*"version":"\([^"]*\)".*/\1/p'
}

alertmanager_address() { echo "$ALERTMANAGER_URL"; }
