# Elasticsearch 8: one node at http://127.0.0.1:9200 (DESIGN.md, "Real components").
# Sourced by stack.sh after lib.sh.
#
# Where it comes from. org.codelibs:elasticsearch-cluster-runner, the in-process runner, is served
# by Maven Central only up to 7.10.2.0 (its 8.x releases are published in a repository this machine
# cannot reach). Elastic itself publishes the real 8.x distribution to Maven Central as
# org.elasticsearch.distribution.integ-test-zip:elasticsearch (stack/maven/elasticsearch/pom.xml):
# the server with transport-netty4, x-pack-core, x-pack-security and apm, no bundled JDK. It lacks
# the analysis-common and rest-root modules, so install compiles a small plugin
# (stack/elasticsearch-runner/) against the distribution's own jars that adds the `english` and
# `cjk` analyzers (Lucene's EnglishAnalyzer and CJKAnalyzer) and `GET /`. Other modules of the full distribution
# (painless, reindex, mapper-extras, ingest-common, aggregations, data streams, ILM) are absent.
#
# Root. Elasticsearch refuses to start when its effective uid is 0, and sessions and CI run as
# root. The node therefore runs in a user namespace (`unshare --user`) where it is uid
# $ES_NS_UID: its files stay owned by root outside, it reads the cache under /root, and no
# system user is needed.
#
# Layout: the unpacked distribution (+ plugin) in $STACK_CACHE/elasticsearch/elasticsearch-VERSION,
# shared by every clone; config, data and Elasticsearch's own logs in $STACK_DATA/elasticsearch,
# kept across restarts; console output in $STACK_DATA/logs/elasticsearch.log.

ES_POM="$STACK_DIR/maven/elasticsearch/pom.xml"
ES_VERSION="$(sed -n 's:.*<elasticsearch.version>\(.*\)</elasticsearch.version>.*:\1:p' "$ES_POM")"
ES_HTTP="http://127.0.0.1:9200"
ES_HOME="$STACK_CACHE/elasticsearch/elasticsearch-$ES_VERSION"
ES_BASE="$STACK_DATA/elasticsearch"
ES_PLUGIN_SRC="$STACK_DIR/elasticsearch-runner"
ES_NS_UID=1000

# The JDK that runs (and compiles for) Elasticsearch: ES_JAVA_HOME, else the `java` on PATH.
_es_java_home() {
  if [[ -n "${ES_JAVA_HOME:-}" ]]; then echo "$ES_JAVA_HOME"; return; fi
  local java
  java="$(command -v java)" || die "elasticsearch needs a JDK 17 or newer: put java on PATH or set ES_JAVA_HOME"
  dirname "$(dirname "$(readlink -f "$java")")"
}

# Changes whenever the version or the plugin sources change, so install rebuilds what is stale.
_es_install_stamp() {
  { echo "$ES_VERSION"; find "$ES_PLUGIN_SRC" -type f | LC_ALL=C sort | xargs cat; } | sha256sum | cut -c1-16
}

_es_curl() { curl -fsS --noproxy '*' -m 3 "$@"; }

elasticsearch_install() {
  local stamp marker="$ES_HOME/.aspect-stream-installed"
  stamp="$(_es_install_stamp)"
  [[ -f "$marker" && "$(cat "$marker")" == "$stamp" ]] && return 0

  local java_home; java_home="$(_es_java_home)"
  [[ -x "$java_home/bin/javac" ]] || die "elasticsearch: no javac in $java_home (a JDK, not a JRE, is needed)"
  command -v unzip >/dev/null || die "elasticsearch: unzip is needed (apt-get install unzip)"

  if [[ ! -f "$ES_HOME/lib/elasticsearch-$ES_VERSION.jar" ]]; then
    log "downloading Elasticsearch $ES_VERSION from Maven Central"
    local download="$STACK_CACHE/elasticsearch/download" unpack
    mvn_copy_deps "$ES_POM" "$download"
    unpack="$(mktemp -d "$STACK_CACHE/elasticsearch/unpack.XXXXXX")"
    unzip -q "$download/elasticsearch-$ES_VERSION.zip" -d "$unpack"
    rm -rf "$ES_HOME"
    mv "$unpack/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf "$unpack" "$download"   # the Maven cache keeps the zip
  fi

  log "building the aspect-stream-local Elasticsearch plugin"
  local build plugin_dir="$ES_HOME/plugins/aspect-stream-local"
  build="$(mktemp -d)"
  # shellcheck disable=SC2046
  "$java_home/bin/javac" --release 17 -nowarn -encoding UTF-8 -cp "$ES_HOME/lib/*" -d "$build" \
    $(find "$ES_PLUGIN_SRC/src" -name '*.java') >&2 || { rm -rf "$build"; die "elasticsearch: plugin did not compile"; }
  rm -rf "$plugin_dir"; mkdir -p "$plugin_dir"
  "$java_home/bin/jar" cf "$plugin_dir/aspect-stream-local.jar" -C "$build" .
  sed "s/@ES_VERSION@/$ES_VERSION/" "$ES_PLUGIN_SRC/plugin-descriptor.properties" >"$plugin_dir/plugin-descriptor.properties"
  rm -rf "$build"
  echo "$stamp" >"$marker"
}

elasticsearch_start() {
  if pid_alive elasticsearch; then
    log "elasticsearch is already starting (pid $(cat "$(pid_file elasticsearch)"))"
    return 0
  fi
  if port_open 9200; then
    die "elasticsearch: 127.0.0.1:9200 is taken by something that is not a healthy Elasticsearch (check: curl $ES_HTTP/_cluster/health)"
  fi
  unshare --user --map-user="$ES_NS_UID" --map-group="$ES_NS_UID" true 2>/dev/null \
    || die "elasticsearch: cannot create a user namespace (unshare --user), which runs the node as non-root"

  # Config is rewritten from the checkout at every start; data and the keystore stay.
  mkdir -p "$ES_BASE/config" "$ES_BASE/data" "$ES_BASE/logs" "$ES_BASE/tmp" "$REPO_DIR/backups"
  cp "$ES_HOME/config/jvm.options" "$ES_BASE/config/jvm.options"
  cp -R "$STACK_DIR/config/elasticsearch/." "$ES_BASE/config/"

  # path.repo: make backup writes Elasticsearch snapshots under backups/ of the checkout.
  spawn elasticsearch env \
    ES_JAVA_HOME="$(_es_java_home)" ES_PATH_CONF="$ES_BASE/config" ES_TMPDIR="$ES_BASE/tmp" \
    unshare --user --map-user="$ES_NS_UID" --map-group="$ES_NS_UID" \
    "$ES_HOME/bin/elasticsearch" -Epath.data="$ES_BASE/data" -Epath.logs="$ES_BASE/logs" \
    -Epath.repo="$REPO_DIR/backups"
}

elasticsearch_healthy() {
  _es_curl "$ES_HTTP/_cluster/health" | grep -Eq '"status":"(green|yellow)"'
}

elasticsearch_version() {
  _es_curl "$ES_HTTP/" | grep -o '"number" *: *"[^"]*"' | head -n1 | sed 's/.*"\([^"]*\)"$/\1/'
}

elasticsearch_address() { echo "$ES_HTTP"; }

# TERM to the launcher alone: it shuts the server JVM down cleanly. (TERM to the whole process group,
# as stop_pid does, kills the server under the launcher, which then reports an unexpected exit.)
elasticsearch_stop() {
  local f pid
  f="$(pid_file elasticsearch)"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 -- "-$pid" 2>/dev/null; then
    log "stopping elasticsearch (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 -- "-$pid" 2>/dev/null; then
      log "elasticsearch did not stop within 60s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}
