# PostgreSQL 15 (Debian) with pgvector 0.8 built from Debian's own source package.
# Runs as the `postgres` system user (PostgreSQL refuses root) on 127.0.0.1:5432.

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT="${PG_PORT:-5432}"
PG_DB=absa
PG_ROLE=absa
PG_PASSWORD=absa
PGVECTOR_SERIES=0.8
# The private apt configuration that fetches pgvector's source from trixie; the machine's own
# apt sources stay untouched.
PG_APT_DIR="$STACK_CACHE/apt-trixie-src"
PG_APT_OPTS=(-o "Dir::Etc::sourcelist=$PG_APT_DIR/sources.list" -o "Dir::Etc::sourceparts=$PG_APT_DIR/sources.list.d"
  -o "Dir::State::Lists=$PG_APT_DIR/lists" -o "Dir::Cache=$PG_APT_DIR/cache" -o "APT::Get::List-Cleanup=0" -o "APT::Sandbox::User=root")

# The data folder must be reachable by the postgres user; a checkout under a private home is
# not, so the cluster then lives under /var/lib/aspect-stream with a link from stack/.data.
postgres_datadir() {
  local dir="$STACK_DATA/postgres"
  if [[ -L "$dir" ]]; then readlink "$dir"; return; fi
  if [[ -d "$dir" ]] || runuser -u postgres -- test -x "$STACK_DATA"; then echo "$dir"; return; fi
  local alt
  alt="/var/lib/aspect-stream/$(echo -n "$STACK_DATA" | sha1sum | cut -c1-12)/postgres"
  mkdir -p "$alt"; chown postgres:postgres "$alt"; chmod 700 "$alt"
  ln -s "$alt" "$dir"
  echo "$alt"
}

postgres_address() { echo "postgres://$PG_ROLE:***@127.0.0.1:$PG_PORT/$PG_DB"; }

postgres_psql_absa() { PGPASSWORD="$PG_PASSWORD" psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d "$PG_DB" -v ON_ERROR_STOP=1 "$@"; }

postgres_healthy() {
  [[ "$(postgres_psql_absa -tAc "select extversion from pg_extension where extname = 'vector'" 2>/dev/null)" == "$PGVECTOR_SERIES".* ]]
}

postgres_version() {
  postgres_psql_absa -tAc "select split_part(current_setting('server_version'), ' ', 1) || '+pgvector-' || extversion from pg_extension where extname = 'vector'"
}

pgvector_installed() {
  grep -q "default_version = '$PGVECTOR_SERIES" /usr/share/postgresql/15/extension/vector.control 2>/dev/null
}

apt_updated=0
apt_install() {
  ((apt_updated)) || { log "apt-get update"; apt-get update -qq >&2; apt_updated=1; }
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

postgres_install() {
  if [[ ! -x "$PG_BIN/postgres" ]]; then
    # Debian would otherwise create and start its own cluster on our port.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/aspect-stream.conf
    apt_install postgresql-15 postgresql-client-15
  fi
  pgvector_installed && return 0
  [[ -x "$PG_BIN/pg_config" && -f /usr/include/postgresql/15/server/postgres.h ]] ||
    apt_install postgresql-server-dev-15 dpkg-dev make gcc
  local src="$STACK_CACHE/pgvector-src"
  if ! ls -d "$src"/pgvector-"$PGVECTOR_SERIES".*/ >/dev/null 2>&1; then
    mkdir -p "$PG_APT_DIR/sources.list.d" "$PG_APT_DIR/lists/partial" "$PG_APT_DIR/cache/archives/partial" "$src"
    cat >"$PG_APT_DIR/sources.list" <<EOF
deb-src [signed-by=/usr/share/keyrings/debian-archive-trixie-stable.gpg,/usr/share/keyrings/debian-archive-trixie-automatic.gpg] http://deb.debian.org/debian trixie main
EOF
    log "fetching pgvector source from Debian trixie (private apt configuration in $PG_APT_DIR)"
    apt-get "${PG_APT_OPTS[@]}" update -qq >&2
    (cd "$src" && apt-get "${PG_APT_OPTS[@]}" source -qq pgvector >&2)
  fi
  local dir
  dir="$(ls -d "$src"/pgvector-"$PGVECTOR_SERIES".*/ | head -n1)"
  [[ -n "$dir" ]] || die "postgres: pgvector $PGVECTOR_SERIES source not found in $src"
  log "building pgvector in $dir"
  # OPTFLAGS="" keeps the build portable instead of tuned to this CPU (-march=native).
  make -s -C "$dir" PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS="" >&2
  make -s -C "$dir" PG_CONFIG="$PG_BIN/pg_config" install >&2
  pgvector_installed || die "postgres: pgvector install did not produce vector.control $PGVECTOR_SERIES"
}

postgres_start() {
  local dir logf
  dir="$(postgres_datadir)"
  logf="$(log_file postgres)"
  if port_open "$PG_PORT"; then
    die "postgres: port $PG_PORT is taken by another process that is not our database (see: ss -ltnp 'sport = :$PG_PORT')"
  fi
  if [[ ! -f "$dir/PG_VERSION" ]]; then
    log "initialising PostgreSQL cluster in $dir"
    mkdir -p "$dir"; chown postgres:postgres "$dir"; chmod 700 "$dir"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$dir" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >>"$logf" 2>&1 || die "postgres: initdb failed; see its log: $logf"
    cat >>"$dir/postgresql.conf" <<EOF
# aspect-stream local stack
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir'
shared_buffers = 256MB
maintenance_work_mem = 256MB
max_connections = 200
synchronous_commit = on
log_destination = 'stderr'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  fi
  touch "$logf"
  spawn postgres runuser -u postgres -- "$PG_BIN/postgres" -D "$dir"
  local waited=0
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do
    pid_alive postgres || die "postgres exited during start-up; see its log: $logf"
    ((waited++ < 60)) || die "postgres did not accept connections within 60s; see its log: $logf"
    sleep 1
  done
  postgres_bootstrap "$dir"
}

# Role, database and extension: idempotent, as the superuser over the cluster's socket.
postgres_bootstrap() {
  local sql=(runuser -u postgres -- psql -X -q -h "$1" -p "$PG_PORT" -v ON_ERROR_STOP=1)
  "${sql[@]}" -d postgres >/dev/null <<EOF
SET client_min_messages = warning;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
    CREATE ROLE $PG_ROLE LOGIN PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')
\gexec
-- For fault tests: a login that acts as $PG_ROLE (same privileges, objects owned by $PG_ROLE) but has
-- session defaults of its own, so a test can make just its own connections read-only or slow.
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_ROLE}_faults') THEN
    CREATE ROLE ${PG_ROLE}_faults LOGIN PASSWORD '${PG_ROLE}_faults';
  END IF;
END \$\$;
GRANT $PG_ROLE TO ${PG_ROLE}_faults;
ALTER ROLE ${PG_ROLE}_faults SET role = '$PG_ROLE';
EOF
  "${sql[@]}" -d "$PG_DB" -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
}

# Runs on a cluster found healthy too (possibly another checkout's), so a stack started by an older
# checkout gets what is new; the cluster's socket folder is found from the socket it listens on.
postgres_ensure() {
  local socket
  socket="$(ss -xlH 2>/dev/null | awk '{print $5}' | grep -m1 "/\.s\.PGSQL\.$PG_PORT\$" || true)"
  if [[ -z "$socket" ]]; then
    log "postgres: no local socket for port $PG_PORT found; role and extension not checked"
    return 0
  fi
  postgres_bootstrap "$(dirname "$socket")"
}

postgres_stop() {
  pid_alive postgres || { rm -f "$(pid_file postgres)"; return 0; }
  log "stopping postgres (fast shutdown)"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$(postgres_datadir)" stop -m fast -t 60 >/dev/null || stop_pid postgres
  rm -f "$(pid_file postgres)"
}
