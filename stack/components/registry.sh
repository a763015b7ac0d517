# Schema registry with the Confluent-compatible API: Apicurio Registry 3.x, the ready Quarkus
# fast-jar app attached to io.apicurio:apicurio-registry-app on Maven Central (stack/maven/registry),
# run with plain `java` on 127.0.0.1:8081. Clients use http://127.0.0.1:8081/apis/ccompat/v7.
# Schemas are kept in an H2 database file under $STACK_DATA/registry, so they and their ids
# survive restarts; the registry needs no other component.
# Sourced by stack.sh after lib.sh.

REGISTRY_HOST=127.0.0.1
REGISTRY_PORT=8081
REGISTRY_MANAGEMENT_PORT=8091
REGISTRY_POM="$STACK_DIR/maven/registry/pom.xml"
REGISTRY_CONFIG="$STACK_DIR/config/registry/application.properties"
REGISTRY_DATA="$STACK_DATA/registry"
REGISTRY_HEAP_OPTS="${REGISTRY_HEAP_OPTS:--Xms64m -Xmx384m}"
REGISTRY_URL="http://$REGISTRY_HOST:$REGISTRY_PORT"

# Apicurio Registry 3.3 is compiled for Java 21: take REGISTRY_JAVA, else the first Java 21 or newer
# among JAVA_HOME, `java` on the PATH and the JDKs under /usr/lib/jvm (Temurin 25 on this image).
registry_java() {
  local j v
  for j in ${REGISTRY_JAVA:-} ${JAVA_HOME:+$JAVA_HOME/bin/java} java /usr/lib/jvm/*/bin/java; do
    command -v "$j" >/dev/null 2>&1 || continue
    v="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [[ "${v%%.*}" =~ ^[0-9]+$ ]] && ((${v%%.*} >= 21)); then echo "$j"; return 0; fi
  done
  return 1
}

registry_pom_version() { sed -n 's:.*<apicurio.version>\(.*\)</apicurio.version>.*:\1:p' "$REGISTRY_POM"; }

# The unpacked app of this exact pom: a changed pom unpacks into a new folder.
registry_home() {
  local sum; sum="$(sha1sum "$REGISTRY_POM" | cut -c1-10)"
  echo "$STACK_CACHE/registry/$(registry_pom_version)-$sum"
}

registry_install() {
  local home archive; home="$(registry_home)"
  [[ -f "$home/.complete" ]] && return 0
  command -v mvn >/dev/null || die "registry: mvn is needed to fetch Apicurio Registry (apt-get install maven)"
  log "registry: fetching Apicurio Registry $(registry_pom_version) from Maven Central into $home"
  rm -rf "$home.tmp"
  mvn_copy_deps "$REGISTRY_POM" "$home.tmp/dist" || die "registry: resolving $REGISTRY_POM failed"
  archive="$(ls "$home.tmp"/dist/apicurio-registry-app-*-all.tar.gz)"
  mkdir -p "$home.tmp/app"
  tar -xzf "$archive" -C "$home.tmp/app" || die "registry: unpacking $archive failed"
  # The Maven repository under the cache keeps the archive; no second copy.
  rm -rf "$home.tmp/dist"
  [[ -f "$home.tmp/app/quarkus-run.jar" ]] || die "registry: $archive holds no quarkus-run.jar"
  rm -rf "$home"
  mv "$home.tmp" "$home"
  touch "$home/.complete"
}

registry_start() {
  port_open "$REGISTRY_PORT" && die "registry: port $REGISTRY_PORT is taken by something that does not answer as the registry"
  local java
  java="$(registry_java)" || die "registry: Apicurio Registry $(registry_pom_version) needs Java 21 or newer; none found (set REGISTRY_JAVA)"
  mkdir -p "$REGISTRY_DATA"
  # shellcheck disable=SC2086 # REGISTRY_HEAP_OPTS holds several options
  spawn registry "$java" $REGISTRY_HEAP_OPTS \
    -XX:+UseSerialGC -XX:MaxDirectMemorySize=128m -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -Dquarkus.config.locations="$REGISTRY_CONFIG" \
    -Dapicurio.datasource.url="jdbc:h2:file:$REGISTRY_DATA/registry;WRITE_DELAY=0" \
    -jar "$(registry_home)/app/quarkus-run.jar"
}

# Healthy when the app reports itself ready and the Confluent-compatible API answers.
registry_healthy() {
  curl -fsS -m 5 -o /dev/null "http://$REGISTRY_HOST:$REGISTRY_MANAGEMENT_PORT/health/ready" || return 1
  curl -fsS -m 5 -o /dev/null "$REGISTRY_URL/apis/ccompat/v7/subjects"
}

registry_version() {
  curl -fsS -m 5 "$REGISTRY_URL/apis/registry/v3/system/info" |
    sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p'
}

registry_address() { echo "$REGISTRY_URL/apis/ccompat/v7"; }
