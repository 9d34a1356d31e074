#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang, ASan and UBSan in
# build-fuzz/ (kept between runs) and runs each one for SECONDS_PER_TARGET on
# a scratch copy of its committed seed corpus, so the committed corpus never
# grows. Exits non-zero when any target crashes, leaks, times out or runs out
# of memory; the input that did it is kept in build-fuzz/findings/<target>/.
#
#   ./scripts/fuzz.sh              30 s per target
#   ./scripts/fuzz.sh 300          5 min per target
#   STEWARD_FUZZ_TARGETS="fuzz_jwks fuzz_signed_claims" ./scripts/fuzz.sh 60
#
# Every target is built and runs by default: the three auth targets
# (fuzz_signed_claims signs its inputs, so it reaches Verify's claim checks;
# it found the far-future nbf/iat overflow in common/auth/token_verifier.cc,
# now fixed and kept as a regression seed), the four services' handlers over
# in-memory fakes, List filters, page tokens (fuzz_page_token found edited
# tokens accepted, now fixed) and the holiday table. See fuzz/README.md.
#
# Reproduce a finding:  build-fuzz/fuzz/<target> build-fuzz/findings/<target>/crash-...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STEWARD_ROOT"

SECONDS_PER_TARGET="${1:-30}"
[[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]] \
  || die "usage: $0 [SECONDS_PER_TARGET] (a positive whole number)"
ALL_TARGETS="fuzz_bearer_token fuzz_jwks fuzz_signed_claims fuzz_tickets_service
  fuzz_communication_service fuzz_training_service fuzz_kpi_service
  fuzz_list_filters fuzz_page_token fuzz_holiday_table"
read -ra TARGETS <<<"$(echo ${STEWARD_FUZZ_TARGETS:-$ALL_TARGETS})"
BUILD_DIR="${STEWARD_FUZZ_BUILD_DIR:-$STEWARD_ROOT/build-fuzz}"
# Tokens are capped at 8 KiB: let the fuzzer cross that line.
declare -A MAX_LEN=([fuzz_bearer_token]=10240 [fuzz_jwks]=8192)
declare -A DICT=([fuzz_bearer_token]=fuzz/bearer_token.dict [fuzz_jwks]=fuzz/jwks.dict
                 [fuzz_signed_claims]=fuzz/bearer_token.dict
                 [fuzz_tickets_service]=fuzz/requests.dict
                 [fuzz_communication_service]=fuzz/requests.dict
                 [fuzz_training_service]=fuzz/requests.dict
                 [fuzz_kpi_service]=fuzz/requests.dict
                 [fuzz_list_filters]=fuzz/requests.dict
                 [fuzz_holiday_table]=fuzz/holiday_table.dict)
# UBSan findings abort (the build says -fno-sanitize-recover) with a stack.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

say "dependencies"
./scripts/install-deps.sh
WORK="$(mktemp -d "${TMPDIR:-/tmp}/steward-fuzz.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

command -v clang++ >/dev/null || die "clang++ is missing (apt-get install clang)"
echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' \
  | clang++ -x c++ -fsanitize=fuzzer,address,undefined -o "$WORK/probe" - \
  || die "clang++ cannot link libFuzzer (apt-get install libclang-rt-14-dev)"
command -v llvm-symbolizer >/dev/null \
  || echo "note: no llvm-symbolizer (apt-get install llvm): stacks will show addresses only" >&2

say "build ($BUILD_DIR)"
start=$(date +%s)
cmake -S "$STEWARD_ROOT" -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSTEWARD_FUZZ=ON -DSTEWARD_BUILD_TESTS=OFF >/dev/null
ninja -C "$BUILD_DIR" -j"${STEWARD_JOBS:-2}" fuzz_targets
echo "build took $(( $(date +%s) - start )) s"

failed=()
summary=()
for target in "${TARGETS[@]}"; do
  binary="$BUILD_DIR/fuzz/$target"
  seeds="fuzz/corpus/$target"
  [ -x "$binary" ] || die "no fuzz target $target"
  [ -d "$seeds" ] || die "no seed corpus $seeds"
  say "$target for ${SECONDS_PER_TARGET} s"
  corpus="$WORK/$target"
  findings="$BUILD_DIR/findings/$target"
  mkdir -p "$corpus" "$findings"
  cp -R "$seeds/." "$corpus/"
  log="$WORK/$target.log"
  args=(-max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$findings/")
  if [ -n "${MAX_LEN[$target]:-}" ]; then args+=(-max_len="${MAX_LEN[$target]}"); fi
  if [ -n "${DICT[$target]:-}" ]; then args+=(-dict="${DICT[$target]}"); fi
  rc=0
  # stdin is /dev/null: a fuzzed time zone name may be a path such as
  # /dev/stdin, which would otherwise wait for a terminal.
  "$binary" "${args[@]}" "$corpus" </dev/null >"$log" 2>&1 || rc=$?
  # libFuzzer's status lines and, on a finding, the report that explains it.
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" || true
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$( (grep -oE ' cov: [0-9]+' "$log" || true) | tail -1 | tr -dc 0-9)
  ft=$( (grep -oE ' ft: [0-9]+' "$log" || true) | tail -1 | tr -dc 0-9)
  if [ "$rc" -ne 0 ]; then
    grep -vE '^#[0-9]+[[:space:]]|^INFO: ' "$log" | tail -60 >&2
    artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    echo "$target FAILED (exit $rc); reproduce with: $binary ${artifact:-$findings/...}" >&2
    failed+=("$target")
  fi
  summary+=("$(printf '%-27s %12s %10s %8s %8s  %s' "$target" "${execs:-?}" \
    "${per_second:-?}" "${cov:-?}" "${ft:-?}" "$([ "$rc" -eq 0 ] && echo ok || echo FAILED)")")
done

say "summary (${SECONDS_PER_TARGET} s per target)"
printf '%-27s %12s %10s %8s %8s  %s\n' target executions exec/s cov ft result
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  die "fuzzing found problems in: ${failed[*]}"
fi
