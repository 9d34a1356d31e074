#!/usr/bin/env bash
# Installs what is missing, builds, checks the operations files, starts a
# throwaway MariaDB, runs every test with ctest (unit, integration, fault),
# checks the captured service logs for personal data, runs the live
# dashboard check, the fuzzers (bounded) and the sanitizer builds, stops the
# database and exits non-zero on any failure.
#
#   ./scripts/test.sh              all tests
#   ./scripts/test.sh -L unit      extra arguments go to ctest (and run only
#                                  ctest: no log, dashboard, fuzz or sanitizer stage)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STEWARD_ROOT"

say "dependencies"
./scripts/install-deps.sh

BUILD_DIR="${STEWARD_TEST_BUILD_DIR:-$STEWARD_ROOT/build/test}"
say "build ($BUILD_DIR)"
start=$(date +%s)
build "$BUILD_DIR" "${STEWARD_TEST_BUILD_TYPE:-RelWithDebInfo}"
echo "build took $(( $(date +%s) - start )) s"

say "operations checks (rules, dashboards, Kubernetes manifests)"
./scripts/check-ops.sh

WORK="$(mktemp -d "${TMPDIR:-/tmp}/steward-test.XXXXXX")"
cleanup() {
  mariadb_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB_PORT="${STEWARD_TEST_DB_PORT:-$(free_port)}"
say "throwaway MariaDB on 127.0.0.1:$DB_PORT"
mariadb_start "$WORK/db" "$DB_PORT"
mariadb_bootstrap "$WORK/secrets"
"$STEWARD_ROOT/scripts/dev-secrets.sh" "$WORK/secrets"
export STEWARD_TEST_DB_PORT="$DB_PORT"
export STEWARD_TEST_SECRETS_DIR="$WORK/secrets"

# The service logs the integration tests capture land here, to be checked
# for personal data afterwards.
export TEST_TMPDIR="$WORK/test-tmp"
mkdir -p "$TEST_TMPDIR"

say "ctest"
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 600 -j"${STEWARD_TEST_JOBS:-2}" "$@"

if (($# == 0)); then
  say "service logs of the whole suite hold no personal data"
  "$STEWARD_ROOT/scripts/check-logs-pii.sh" "$TEST_TMPDIR"
fi

if (($# == 0)); then
  say "dashboard queries against a live Prometheus (services, traffic, every query)"
  "$STEWARD_ROOT/scripts/check-dashboards-live.sh" "$PWD"  # cwd is the build dir
fi

if (($# == 0)); then
  say "fuzzing: token, metadata and key parsing (${STEWARD_FUZZ_SECONDS:-20} s per target)"
  "$STEWARD_ROOT/scripts/fuzz.sh" "${STEWARD_FUZZ_SECONDS:-20}"
fi

if (($# == 0)); then
  say "sanitizers: ASan+UBSan (unit and integration suites), TSan (pool, SLA engine, event feed)"
  "$STEWARD_ROOT/scripts/sanitize.sh" all
fi
