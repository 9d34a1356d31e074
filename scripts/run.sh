#!/usr/bin/env bash
# The one command to run Steward locally: installs what is missing, builds
# (Release), starts a project-local MariaDB (data kept under .local/ and
# reused next time), creates the schemas and users, starts the four services,
# waits until all report SERVING, prints the endpoints, and stops everything
# cleanly on Ctrl-C.
#
# Environment: STEWARD_DB_PORT (default 3307), STEWARD_BUILD_DIR.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STEWARD_ROOT"

t0=$(date +%s)
say "dependencies"
./scripts/install-deps.sh

BUILD_DIR="${STEWARD_BUILD_DIR:-$STEWARD_ROOT/build/release}"
say "build ($BUILD_DIR)"
build "$BUILD_DIR" Release steward-tickets steward-communication \
  steward-training steward-kpi steward-health steward-token

LOCAL="$STEWARD_ROOT/.local"
DB_PORT="${STEWARD_DB_PORT:-3307}"
mkdir -p "$LOCAL/logs"
SERVICE_PIDS=()
stop_all() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${SERVICE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${SERVICE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  mariadb_stop
  say "stopped"
}
trap stop_all EXIT
trap 'exit 0' INT TERM

say "MariaDB on 127.0.0.1:$DB_PORT (data in .local/mariadb)"
mariadb_start "$LOCAL/mariadb" "$DB_PORT"
mariadb_bootstrap "$LOCAL/secrets"
"$STEWARD_ROOT/scripts/dev-secrets.sh" "$LOCAL/secrets"

for svc in "${STEWARD_SERVICES[@]}"; do
  mapfile -t args < <(service_args "$svc" "$DB_PORT" "$LOCAL/secrets")
  # Reflection (off by default: it describes the API to callers without a
  # token) for development tools such as grpcurl (README).
  "$BUILD_DIR/services/$svc/steward-$svc" "${args[@]}" --reflection \
    >>"$LOCAL/logs/$svc.log" 2>&1 &
  SERVICE_PIDS+=($!)
done

targets=()
for svc in "${STEWARD_SERVICES[@]}"; do targets+=("127.0.0.1:${STEWARD_GRPC_PORT[$svc]}"); done
if ! "$BUILD_DIR/tools/steward-health" --wait=60 "${targets[@]}"; then
  echo "a service did not become SERVING; see .local/logs/" >&2
  tail -5 "$LOCAL"/logs/*.log >&2
  exit 1
fi

say "Steward is SERVING ($(( $(date +%s) - t0 )) s)"
printf '  %-14s %-18s %s\n' service gRPC metrics
for svc in "${STEWARD_SERVICES[@]}"; do
  printf '  %-14s %-18s %s\n' "$svc" "127.0.0.1:${STEWARD_GRPC_PORT[$svc]}" \
    "http://127.0.0.1:${STEWARD_METRICS_PORT[$svc]}/metrics"
done
echo "  database       127.0.0.1:$DB_PORT (users steward_<service>, passwords in .local/secrets/)"
echo "  logs           .local/logs/<service>.log"
echo "Ctrl-C stops everything."
wait -n "${SERVICE_PIDS[@]}" || true
echo "a service exited; see .local/logs/" >&2
