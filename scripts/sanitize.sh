#!/usr/bin/env bash
# Correctness builds (issue "Reliability"): builds with the sanitizers, starts
# a throwaway MariaDB the way scripts/test.sh does and runs the tests.
#
#   asan  AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer) in
#         build-asan/: every target, then the whole unit and integration suite
#         (ctest -L 'unit|integration'). The service binaries the integration
#         tests start are sanitized too.
#   tsan  ThreadSanitizer in build-tsan/: the tests of the connection pool, the
#         SLA engine and the event feed (pool_stress_test: many threads on a
#         small pool with deadlines, refusals and stalled connections;
#         transaction_test; tickets_storage_test; ticket_events_test and
#         health_recovery_test with a TSan steward-tickets; tickets_unit_test).
#
#   ./scripts/sanitize.sh            both
#   ./scripts/sanitize.sh asan       one of them
#   STEWARD_JOBS=2 (build) STEWARD_TEST_JOBS=2 (ctest) as in scripts/test.sh
#
# Exits non-zero when a build fails, a test fails, or any sanitizer report
# shows up in a service log (a service that aborts after its test stopped
# looking would otherwise go unnoticed). Suppressions: scripts/sanitizers/
# (third-party frames only; each entry says why).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STEWARD_ROOT"

MODE="${1:-all}"
case "$MODE" in
  asan | tsan | all) ;;
  *) die "usage: $0 [asan|tsan|all]" ;;
esac

SAN_DIR="$STEWARD_ROOT/scripts/sanitizers"
ASAN_BUILD="${STEWARD_ASAN_BUILD_DIR:-$STEWARD_ROOT/build-asan}"
TSAN_BUILD="${STEWARD_TSAN_BUILD_DIR:-$STEWARD_ROOT/build-tsan}"
JOBS="${STEWARD_JOBS:-2}"

# Options for every sanitized process: the test binaries, the services they
# start and the test binaries gtest_discover_tests runs while building.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export LSAN_OPTIONS="suppressions=$SAN_DIR/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$SAN_DIR/tsan.supp:print_suppressions=0"

say "dependencies"
./scripts/install-deps.sh

# sanitized_configure DIR COMPILE_FLAGS LINK_FLAGS — a Debug build type whose
# own flags are emptied, so -O1 -g from COMPILE_FLAGS is what counts (and
# assert() stays on).
sanitized_configure() {
  local dir="$1" cflags="$2" lflags="$3"
  cmake -S "$STEWARD_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG= -DCMAKE_CXX_FLAGS="$cflags" \
    -DCMAKE_EXE_LINKER_FLAGS="$lflags" -DCMAKE_SHARED_LINKER_FLAGS="$lflags" \
    -DSTEWARD_BUILD_TESTS=ON >/dev/null
}

declare -A BUILD_SECONDS TEST_SECONDS RESULT

if [[ "$MODE" == asan || "$MODE" == all ]]; then
  say "ASan+UBSan build ($ASAN_BUILD)"
  start=$(date +%s)
  flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1 -g"
  sanitized_configure "$ASAN_BUILD" "$flags" "-fsanitize=address,undefined"
  ninja -C "$ASAN_BUILD" -j"$JOBS"
  BUILD_SECONDS[asan]=$(( $(date +%s) - start ))
fi

if [[ "$MODE" == tsan || "$MODE" == all ]]; then
  say "TSan build ($TSAN_BUILD)"
  start=$(date +%s)
  mkdir -p "$TSAN_BUILD"
  # Debian's Abseil is not TSan-instrumented: without this shim every
  # absl::Mutex-guarded access is reported as a race (see the file). It is
  # linked first into every executable of this build only.
  shim="$TSAN_BUILD/libtsan_absl_mutex.so"
  # It calls absl::Condition::Eval, so it links Abseil's synchronization
  # library itself: CMake's compiler check links it into a program without
  # Abseil, and a fresh build directory failed to configure.
  g++ -std=c++20 -fsanitize=thread -fPIC -shared -O1 -g \
    "$SAN_DIR/tsan_absl_mutex.cc" -o "$shim" -ldl -labsl_synchronization
  # -U__SANITIZE_THREAD__: the Debian libraries were built without TSan and
  # some headers change class layouts under it (protobuf's MapFieldBase gains
  # two counters), so keep the headers' view of those classes the libraries'
  # own; without it every message with a map field (google.protobuf.Struct in
  # common/auth/token_minter.cc) crashes.
  sanitized_configure "$TSAN_BUILD" "-fsanitize=thread -U__SANITIZE_THREAD__ -O1 -g" \
    "-fsanitize=thread -Wl,--no-as-needed $shim -Wl,--as-needed"
  ninja -C "$TSAN_BUILD" -j"$JOBS" \
    pool_stress_test transaction_test tickets_storage_test ticket_events_test \
    health_recovery_test tickets_unit_test steward-tickets
  BUILD_SECONDS[tsan]=$(( $(date +%s) - start ))
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/steward-sanitize.XXXXXX")"
cleanup() {
  mariadb_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A database of its own even when run from scripts/test.sh (which exports
# STEWARD_TEST_DB_PORT for its own, still running server).
DB_PORT="${STEWARD_SANITIZE_DB_PORT:-$(free_port)}"
say "throwaway MariaDB on 127.0.0.1:$DB_PORT"
mariadb_start "$WORK/db" "$DB_PORT"
mariadb_bootstrap "$WORK/secrets"
"$STEWARD_ROOT/scripts/dev-secrets.sh" "$WORK/secrets"
export STEWARD_TEST_DB_PORT="$DB_PORT"
export STEWARD_TEST_SECRETS_DIR="$WORK/secrets"

# sanitizer_reports DIR — prints the service logs under DIR that hold a
# sanitizer report, with the report; false when there are none.
SAN_PATTERN='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|WARNING: ThreadSanitizer|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer)'
sanitizer_reports() {
  local found=1 f
  while IFS= read -r f; do
    found=0
    echo "---- sanitizer report in $f" >&2
    grep -E -A60 "$SAN_PATTERN" "$f" | head -200 >&2
  done < <(grep -rlE "$SAN_PATTERN" "$1" 2>/dev/null || true)
  return $found
}

# run_suite NAME BUILD_DIR CTEST_ARGS... — ctest with the service logs kept
# in a directory of their own, then the log scan.
failed=()
run_suite() {
  local name="$1" dir="$2"; shift 2
  export TEST_TMPDIR="$WORK/test-tmp-$name"
  mkdir -p "$TEST_TMPDIR"
  say "$name: ctest $*"
  local start rc=0
  start=$(date +%s)
  (cd "$dir" && ctest --output-on-failure --timeout 900 \
     -j"${STEWARD_TEST_JOBS:-2}" "$@") || rc=$?
  TEST_SECONDS[$name]=$(( $(date +%s) - start ))
  if sanitizer_reports "$TEST_TMPDIR"; then
    echo "$name: a service under test printed a sanitizer report (above)" >&2
    rc=1
  fi
  RESULT[$name]=$([ "$rc" -eq 0 ] && echo ok || echo FAILED)
  [ "$rc" -eq 0 ] || failed+=("$name")
}

if [[ "$MODE" == asan || "$MODE" == all ]]; then
  run_suite asan "$ASAN_BUILD" -L 'unit|integration'
fi
if [[ "$MODE" == tsan || "$MODE" == all ]]; then
  # Only the targets built above have discovered tests; the others show up as
  # <target>_NOT_BUILT placeholders.
  run_suite tsan "$TSAN_BUILD" -E '_NOT_BUILT$'
fi

say "summary"
printf '%-6s %8s %8s  %s\n' build build_s test_s result
for name in asan tsan; do
  [ -n "${RESULT[$name]:-}" ] || continue
  printf '%-6s %8s %8s  %s\n' "$name" "${BUILD_SECONDS[$name]}" \
    "${TEST_SECONDS[$name]}" "${RESULT[$name]}"
done
if [ ${#failed[@]} -ne 0 ]; then
  die "sanitizers found problems in: ${failed[*]}"
fi
