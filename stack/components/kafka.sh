# Apache Kafka 4.x: one node in KRaft mode (broker and controller in one JVM), 127.0.0.1:9092,
# controller listener on 127.0.0.1:9093. Jars come from Maven Central through
# stack/maven/kafka/pom.xml into the cache; the node runs with plain `java`.
# Sourced by stack.sh after lib.sh.

KAFKA_HOST=127.0.0.1
KAFKA_PORT=9092
KAFKA_POM="$STACK_DIR/maven/kafka/pom.xml"
KAFKA_CONFIG_DIR="$STACK_DIR/config/kafka"
KAFKA_DATA="$STACK_DATA/kafka"
# Heap of the node; the whole stack has to idle under 4 GiB.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_JAVA="${KAFKA_JAVA:-java}"

# The Kafka version named in the pom.
kafka_pom_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM"; }

# The cache folder of this exact pom: a changed pom resolves into a new folder.
kafka_home() {
  local sum; sum="$(sha1sum "$KAFKA_POM" | cut -c1-10)"
  echo "$STACK_CACHE/kafka/$(kafka_pom_version)-$sum"
}

# Class path of the installed jars, for the node and for tools (ProducerPerformance, TopicCommand).
kafka_classpath() { echo "$(kafka_home)/libs/*"; }

# Runs a Kafka main class with the installed jars, e.g.
#   kafka_run org.apache.kafka.tools.ProducerPerformance --topic t --num-records 1000 ...
kafka_run() {
  local main="$1"; shift
  "$KAFKA_JAVA" -Xmx256m -cp "$(kafka_classpath)" \
    -Dlog4j2.configurationFile="$KAFKA_CONFIG_DIR/log4j2-tools.xml" "$main" "$@"
}

kafka_install() {
  local home; home="$(kafka_home)"
  [[ -f "$home/.complete" ]] && return 0
  command -v mvn >/dev/null || die "kafka: mvn is needed to fetch the Kafka jars (apt-get install maven)"
  log "kafka: resolving Kafka $(kafka_pom_version) jars from Maven Central into $home"
  rm -rf "$home.tmp"
  mvn_copy_deps "$KAFKA_POM" "$home.tmp/libs" || die "kafka: resolving $KAFKA_POM failed"
  rm -rf "$home"
  mv "$home.tmp" "$home"
  touch "$home/.complete"
}

# Writes the node's config: the checked-in settings plus this checkout's data folder.
kafka_render_config() {
  mkdir -p "$KAFKA_DATA/data"
  {
    cat "$KAFKA_CONFIG_DIR/server.properties"
    echo
    echo "# added by stack/components/kafka.sh"
    echo "log.dirs=$KAFKA_DATA/data"
  } >"$KAFKA_DATA/server.properties"
}

# Formats the storage once, with a cluster id generated on first start and kept in the data folder.
kafka_format() {
  [[ -f "$KAFKA_DATA/data/meta.properties" ]] && return 0
  local id_file="$KAFKA_DATA/cluster.id" id=""
  [[ -s "$id_file" ]] && id="$(cat "$id_file")"
  # A Kafka cluster id is a UUID in URL-safe base64 without padding (22 characters). Like Kafka's own
  # Uuid.randomUuid, draw again when it starts with '-': the storage tool would read it as an option.
  while [[ -z "$id" || "$id" == -* ]]; do
    id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  printf '%s' "$id" >"$id_file"
  log "kafka: formatting storage in $KAFKA_DATA/data (cluster id $(cat "$id_file"))"
  "$KAFKA_JAVA" -Xmx256m -cp "$(kafka_classpath)" \
    -Dlog4j2.configurationFile="$KAFKA_CONFIG_DIR/log4j2-tools.xml" \
    kafka.tools.StorageTool format --ignore-formatted \
    --cluster-id "$(cat "$id_file")" --config "$KAFKA_DATA/server.properties" \
    >>"$(log_file kafka)" 2>&1 || die "kafka: formatting the storage failed; see $(log_file kafka)"
}

kafka_start() {
  port_open "$KAFKA_PORT" && die "kafka: port $KAFKA_PORT is taken by something that does not answer as Kafka"
  kafka_render_config
  kafka_format
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS holds several options
  spawn kafka "$KAFKA_JAVA" $KAFKA_HEAP_OPTS \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:MaxDirectMemorySize=256m -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dkafka.logs.dir="$STACK_LOGS" \
    -Dlog4j2.configurationFile="$KAFKA_CONFIG_DIR/log4j2.xml" \
    -cp "$(kafka_classpath)" \
    kafka.Kafka "$KAFKA_DATA/server.properties"
}

# Healthy when the node answers a Kafka metadata request and lists itself as a broker.
# Uses kafkajs from the checkout's node_modules; without it, Kafka's own BrokerApiVersionsCommand.
kafka_healthy() {
  port_open "$KAFKA_PORT" || return 1
  if [[ -d "$REPO_DIR/node_modules/kafkajs" ]]; then
    (cd "$REPO_DIR" && timeout 8 node -e '
      const { Kafka, logLevel } = require("kafkajs");
      const admin = new Kafka({ brokers: [process.argv[1]], clientId: "stack-health",
        logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 5000,
        retry: { retries: 0 } }).admin();
      const t = setTimeout(() => process.exit(2), 5000);
      admin.connect()
        .then(() => admin.describeCluster())
        .then((c) => { clearTimeout(t); process.exit(c.brokers.length > 0 ? 0 : 1); })
        .catch(() => process.exit(1));
    ' "$KAFKA_HOST:$KAFKA_PORT")
  else
    [[ -f "$(kafka_home)/.complete" ]] || return 1
    timeout 20 "$KAFKA_JAVA" -Xmx128m -cp "$(kafka_classpath)" \
      -Dlog4j2.configurationFile="$KAFKA_CONFIG_DIR/log4j2-tools.xml" \
      org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" \
      >/dev/null 2>&1
  fi
}

# The version of the jars the node runs (from the running process's class path where it is ours).
kafka_version() {
  local pid jar
  if pid_alive kafka; then
    pid="$(cat "$(pid_file kafka)")"
    jar="$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -m1 -A1 -x -- '-cp' | tail -1)"
    jar="$(ls ${jar%/\*}/kafka_2.13-*.jar 2>/dev/null | head -1)"
    if [[ -n "$jar" ]]; then basename "$jar" .jar | sed 's/^kafka_2\.13-//'; return; fi
  fi
  kafka_pom_version
}

kafka_address() { echo "$KAFKA_HOST:$KAFKA_PORT"; }

# Kafka shuts down cleanly on TERM (flushes logs, hands off leadership); give it time.
kafka_stop() { stop_pid kafka 60; }
