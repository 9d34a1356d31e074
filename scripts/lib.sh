# Shared helpers of scripts/run.sh and scripts/test.sh. Source it; it defines
# functions and a few variables and starts nothing.

STEWARD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STEWARD_SERVICES=(tickets communication training kpi)
declare -A STEWARD_GRPC_PORT=([tickets]=50051 [communication]=50052 [training]=50053 [kpi]=50054)
declare -A STEWARD_METRICS_PORT=([tickets]=9101 [communication]=9102 [training]=9103 [kpi]=9104)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# free_port — a TCP port on 127.0.0.1 no socket uses right now, in any state.
# It is drawn from below the kernel's ephemeral range: a port in that range can
# be taken at any moment by an outgoing connection (a Prometheus scrape, a
# database client), and a listener that tries it later fails with "Address
# already in use" even though nothing listened on it when it was picked.
free_port() {
  local low high port hex
  read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null \
    || { low=32768; high=60999; }
  local from=15000 to=$(( low - 1 ))
  if (( to - from < 2000 )); then from=$(( high + 1 )); to=65535; fi
  while true; do
    port=$(( from + (RANDOM * 32768 + RANDOM) % (to - from + 1) ))
    printf -v hex ':%04X ' "$port"
    # Column 2 of /proc/net/tcp{,6} is local_address:port in hex.
    if awk -v p="$hex" 'NR > 1 && index($2 " ", p) { found = 1; exit }
                         END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
      continue
    fi
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# build BUILD_DIR BUILD_TYPE [ninja targets...] — configures and builds (all
# targets when none are named).
build() {
  local dir="$1" type="$2"; shift 2
  cmake -S "$STEWARD_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" >/dev/null
  ninja -C "$dir" -j"${STEWARD_JOBS:-2}" "$@"
}

# mariadb_start DATADIR PORT — creates the data directory on first use, starts
# a private mariadbd on 127.0.0.1:PORT (socket DATADIR/mysqld.sock) and waits
# until it answers. Sets MARIADB_PID and MARIADB_SOCKET.
mariadb_start() {
  local datadir="$1" port="$2"
  mkdir -p "$datadir"
  datadir="$(cd "$datadir" && pwd)"
  MARIADB_SOCKET="$datadir/mysqld.sock"
  local user_arg=()
  [ "$(id -u)" -eq 0 ] && user_arg=(--user=root)
  # Its own temporary directory: servers sharing /tmp were seen to trip over
  # each other's temporary files during mariadb-install-db.
  local tmpdir="$datadir.tmp"
  mkdir -p "$tmpdir"
  if [ ! -d "$datadir/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$datadir" --tmpdir="$tmpdir" \
      --auth-root-authentication-method=normal "${user_arg[@]}" \
      --skip-test-db >"$datadir/install.log" 2>&1 \
      || { cat "$datadir/install.log" >&2; die "mariadb-install-db failed"; }
  fi
  mariadbd --no-defaults --datadir="$datadir" --socket="$MARIADB_SOCKET" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --tmpdir="$tmpdir" \
    --pid-file="$datadir/mysqld.pid" --log-error="$datadir/error.log" \
    --innodb-buffer-pool-size="${STEWARD_DB_BUFFER_POOL:-256M}" \
    --innodb-flush-log-at-trx-commit=1 --max-connections=500 \
    "${user_arg[@]}" &
  MARIADB_PID=$!
  for _ in $(seq 1 120); do
    if mariadb-admin --no-defaults --socket="$MARIADB_SOCKET" -uroot ping >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$MARIADB_PID" 2>/dev/null || { tail -20 "$datadir/error.log" >&2; die "mariadbd exited"; }
    sleep 0.25
  done
  die "mariadbd did not answer on $MARIADB_SOCKET within 30 s"
}

# mariadb_stop — stops the server mariadb_start started, by its PID.
mariadb_stop() {
  [ -n "${MARIADB_PID:-}" ] || return 0
  kill -TERM "$MARIADB_PID" 2>/dev/null || true
  wait "$MARIADB_PID" 2>/dev/null || true
  MARIADB_PID=""
}

# mariadb_bootstrap SECRETS_DIR — creates, if missing, each service's schema
# and two users granted only that schema: steward_<service>, the runtime user,
# with SELECT, INSERT, UPDATE and DELETE (so it cannot TRUNCATE or DROP the
# append-only audit_log, nor drop its triggers), and steward_<service>_migrate
# with every right on the schema, which the migrations run as. Passwords are
# generated once into SECRETS_DIR/<service>.password and
# <service>-migrate.password; plus an admin user for tests. Idempotent, and
# narrows a runtime user an older bootstrap granted everything.
mariadb_bootstrap() {
  local secrets="$1"
  mkdir -p "$secrets"
  chmod 700 "$secrets"
  local sql="DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;"
  local svc pw mpw key
  for svc in "${STEWARD_SERVICES[@]}"; do
    for key in "$svc" "$svc-migrate"; do
      [ -s "$secrets/$key.password" ] || head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$secrets/$key.password"
      chmod 600 "$secrets/$key.password"
    done
  done
  [ -s "$secrets/admin.password" ] || head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$secrets/admin.password"
  chmod 600 "$secrets/admin.password"
  for svc in "${STEWARD_SERVICES[@]}"; do
    pw="$(cat "$secrets/$svc.password")"
    mpw="$(cat "$secrets/$svc-migrate.password")"
    sql+="CREATE DATABASE IF NOT EXISTS steward_$svc CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    for host in 127.0.0.1 localhost '%'; do
      sql+="CREATE USER IF NOT EXISTS 'steward_$svc'@'$host' IDENTIFIED BY '$pw';"
      sql+="REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'steward_$svc'@'$host';"
      sql+="GRANT SELECT, INSERT, UPDATE, DELETE ON steward_$svc.* TO 'steward_$svc'@'$host';"
      sql+="CREATE USER IF NOT EXISTS 'steward_${svc}_migrate'@'$host' IDENTIFIED BY '$mpw';"
      sql+="GRANT ALL PRIVILEGES ON steward_$svc.* TO 'steward_${svc}_migrate'@'$host';"
    done
  done
  pw="$(cat "$secrets/admin.password")"
  sql+="CREATE USER IF NOT EXISTS 'steward_admin'@'127.0.0.1' IDENTIFIED BY '$pw';"
  sql+="GRANT ALL PRIVILEGES ON *.* TO 'steward_admin'@'127.0.0.1' WITH GRANT OPTION;"
  mariadb --no-defaults --socket="$MARIADB_SOCKET" -uroot -e "$sql"
}

# service_args SERVICE DB_PORT SECRETS_DIR — the flags that point a service
# binary at the local database (runtime and migration users, see
# mariadb_bootstrap) and the development secrets (scripts/dev-secrets.sh).
service_args() {
  local svc="$1" port="$2" secrets="$3"
  printf '%s\n' --db_host=127.0.0.1 --db_port="$port" \
    --db_password_file="$secrets/$svc.password" \
    --db_migration_user="steward_${svc}_migrate" \
    --db_migration_password_file="$secrets/$svc-migrate.password" \
    --jwt_keys_file="$secrets/jwt-public.pem" \
    --data_keys_file="$secrets/data-keys" \
    --grpc_listen=127.0.0.1:"${STEWARD_GRPC_PORT[$svc]}" \
    --metrics_listen=127.0.0.1:"${STEWARD_METRICS_PORT[$svc]}"
}
