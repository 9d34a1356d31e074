#!/usr/bin/env bash
# The benchmark: Steward against the limits of this machine, in one run.
# Installs what is missing, builds Release (build/bench), starts a durable
# MariaDB (innodb_flush_log_at_trx_commit=1) with 1,000,000 tickets, the
# tickets service and the raw-RPC echo (same bootstrap, no auth, no storage),
# then, for each concurrency 1, 4, 16 and 64, runs interleaved:
#   storage  CreateTicket's storage path (TicketDesk::Register →
#            MysqlTicketRepository::Create, same pool size), no gRPC
#   echo     a unary gRPC echo through the services' server options
#   create / get / list   Steward's CreateTicket, GetTicket (random tickets
#            of the 1M) and ListTickets (page of 50, kind + priority filter)
# then open-loop runs at half of each Steward call's peak rate, and the SLA
# engine: idle CPU and restart time with 1M open tickets, and a wave of
# escalations falling due at 1,000 per second.
#
# Prints one table and writes JSON (throughput, p50/p99/p99.9, CPU per
# request of the service, MariaDB and the load generator, peak RSS, the
# ratios) to $STEWARD_BENCH_OUT (default build/bench/results/bench.json).
#
#   ./scripts/bench.sh                          the full run (about 25 min)
#   STEWARD_BENCH_TICKETS=100000 STEWARD_BENCH_SECONDS=3 ./scripts/bench.sh
#                                               a quick look
# A command, never a test: nothing here passes or fails on speed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STEWARD_ROOT"

TICKETS="${STEWARD_BENCH_TICKETS:-1000000}"
RUN_SECONDS="${STEWARD_BENCH_SECONDS:-8}"
WARMUP_SECONDS="${STEWARD_BENCH_WARMUP:-2}"
read -ra LEVELS <<<"${STEWARD_BENCH_CONCURRENCY:-1 4 16 64}"
DUE_RATE="${STEWARD_BENCH_DUE_RATE:-1000}"     # escalations falling due per second
DUE_SECONDS="${STEWARD_BENCH_DUE_SECONDS:-30}"
OUT="${STEWARD_BENCH_OUT:-$STEWARD_ROOT/build/bench/results/bench.json}"

say "dependencies"
./scripts/install-deps.sh jq bc bsdextrautils nghttp2-client

BUILD_DIR="${STEWARD_BENCH_BUILD_DIR:-$STEWARD_ROOT/build/bench}"
say "build ($BUILD_DIR, Release)"
build "$BUILD_DIR" Release steward-tickets steward-bench steward-bench-echo \
  steward-token steward-health steward-communication steward-training steward-kpi
BENCH="$BUILD_DIR/bench/steward-bench"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/steward-bench.XXXXXX")"
TICKETS_PID=""
ECHO_PID=""
declare -A OTHER_PID=()
cleanup() {
  for pid in $TICKETS_PID $ECHO_PID "${OTHER_PID[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $TICKETS_PID $ECHO_PID "${OTHER_PID[@]}"; do wait "$pid" 2>/dev/null || true; done
  mariadb_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB_PORT="$(free_port)"
say "durable MariaDB on 127.0.0.1:$DB_PORT (buffer pool ${STEWARD_BENCH_BUFFER_POOL:-1G})"
STEWARD_DB_BUFFER_POOL="${STEWARD_BENCH_BUFFER_POOL:-1G}" mariadb_start "$WORK/db" "$DB_PORT"
mariadb_bootstrap "$WORK/secrets"
"$STEWARD_ROOT/scripts/dev-secrets.sh" "$WORK/secrets" >/dev/null
SECRETS="$WORK/secrets"
"$BUILD_DIR/tools/steward-token" --key="$SECRETS/jwt-signing.key" manager >"$WORK/token"

TICKETS_GRPC="$(free_port)"; TICKETS_METRICS="$(free_port)"
ECHO_GRPC="$(free_port)"; ECHO_METRICS="$(free_port)"
# One principal drives all the load: lift its rate limit (per principal,
# 50/s by default) so the limiter is measured, not hit.
COMMON_FLAGS=(--rate_limit_per_second=100000000 --rate_limit_burst=100000000
              --log_level=warning)

start_tickets() {
  mapfile -t args < <(service_args tickets "$DB_PORT" "$SECRETS")
  "$BUILD_DIR/services/tickets/steward-tickets" "${args[@]}" "${COMMON_FLAGS[@]}" \
    --grpc_listen="127.0.0.1:$TICKETS_GRPC" \
    --metrics_listen="127.0.0.1:$TICKETS_METRICS" >>"$WORK/tickets.log" 2>&1 &
  TICKETS_PID=$!
}
start_echo() {
  mapfile -t args < <(service_args tickets "$DB_PORT" "$SECRETS")
  "$BUILD_DIR/bench/steward-bench-echo" "${args[@]}" "${COMMON_FLAGS[@]}" \
    --db_user=steward_tickets --db_name=steward_tickets \
    --grpc_listen="127.0.0.1:$ECHO_GRPC" \
    --metrics_listen="127.0.0.1:$ECHO_METRICS" >>"$WORK/echo.log" 2>&1 &
  ECHO_PID=$!
}
wait_serving() {
  "$BUILD_DIR/tools/steward-health" --wait=120 "$@" >/dev/null \
    || { tail -20 "$WORK"/*.log >&2; die "not SERVING: $*"; }
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
cpu_seconds() {  # utime + stime of a process, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); print ($12 + $13) / hz}' "/proc/$1/stat"
}
metric() {  # metric NAME_WITH_LABELS: its value on the tickets /metrics page
  curl -s "http://127.0.0.1:$TICKETS_METRICS/metrics" \
    | awk -v m="$1" '$1 == m {print $2; found=1} END {if (!found) print 0}'
}

# The other three services run beside it for their resident memory (they
# serve no load here: idle is what the benchmark can say of them).
start_others() {
  local svc grpc
  for svc in communication training kpi; do
    mapfile -t args < <(service_args "$svc" "$DB_PORT" "$SECRETS")
    grpc="$(free_port)"
    "$BUILD_DIR/services/$svc/steward-$svc" "${args[@]}" --log_level=warning \
      --grpc_listen="127.0.0.1:$grpc" --metrics_listen="127.0.0.1:$(free_port)" \
      >>"$WORK/$svc.log" 2>&1 &
    OTHER_PID[$svc]=$!
    OTHER_GRPC+=("127.0.0.1:$grpc")
  done
}
OTHER_GRPC=()

start_tickets
start_echo
start_others
wait_serving "127.0.0.1:$TICKETS_GRPC" "127.0.0.1:$ECHO_GRPC" "${OTHER_GRPC[@]}"
sleep 2
IDLE_EMPTY_TICKETS_KIB="$(rss_kib "$TICKETS_PID")"
IDLE_EMPTY_ECHO_KIB="$(rss_kib "$ECHO_PID")"
OTHERS_RSS_JSON="$(for svc in communication training kpi; do
  echo "$svc $(rss_kib "${OTHER_PID[$svc]}")"; done \
  | jq -Rn '[inputs | split(" ") | {(.[0]): ((.[1] | tonumber) / 1024)}] | add')"

say "seeding $TICKETS tickets (copies of 8 registered through the API, SLA clocks due from 30 days on)"
"$BENCH" seed --target="127.0.0.1:$TICKETS_GRPC" --token_file="$WORK/token" \
  --tickets="$TICKETS" --db_port="$DB_PORT" \
  --db_password_file="$SECRETS/tickets.password" \
  --samples_out="$WORK/samples" >"$WORK/seed.json"
cat "$WORK/seed.json"

say "SLA engine with $TICKETS open tickets: restart time, idle CPU and RSS"
kill -TERM "$TICKETS_PID"; wait "$TICKETS_PID" || true
restart_began=$(date +%s.%N)
start_tickets
wait_serving "127.0.0.1:$TICKETS_GRPC"
RESTART_SECONDS=$(echo "$(date +%s.%N) - $restart_began" | bc)
sleep 16  # past the first backlog refresh (every 15 s)
idle_cpu_0=$(cpu_seconds "$TICKETS_PID"); idle_t0=$(date +%s.%N)
sleep 30
idle_cpu_1=$(cpu_seconds "$TICKETS_PID"); idle_t1=$(date +%s.%N)
IDLE_CPU_PERCENT=$(echo "scale=3; 100 * ($idle_cpu_1 - $idle_cpu_0) / ($idle_t1 - $idle_t0)" | bc)
IDLE_TICKETS_KIB="$(rss_kib "$TICKETS_PID")"
echo "restart to SERVING ${RESTART_SECONDS} s; idle CPU ${IDLE_CPU_PERCENT} %; RSS $((IDLE_TICKETS_KIB / 1024)) MiB"

RUNS="$WORK/runs.jsonl"
: >"$RUNS"
load() {  # load KIND CONCURRENCY [extra flags]
  local kind="$1" concurrency="$2"; shift 2
  local target="127.0.0.1:$TICKETS_GRPC"
  [ "$kind" = echo ] && target="127.0.0.1:$ECHO_GRPC"
  "$BENCH" load --kind="$kind" --concurrency="$concurrency" \
    --target="$target" --token_file="$WORK/token" \
    --warmup="${WARMUP_SECONDS}s" --duration="${RUN_SECONDS}s" \
    --pids="tickets:$TICKETS_PID,echo:$ECHO_PID,mariadb:$MARIADB_PID" \
    --samples="$WORK/samples" --db_port="$DB_PORT" \
    --db_password_file="$SECRETS/tickets.password" \
    --data_keys_file="$SECRETS/data-keys" \
    --calendar_file="$STEWARD_ROOT/data/calendars/cn-statutory.txt" \
    "$@" | tee -a "$RUNS" | jq -r '"  \(.kind) c=\(.concurrency) \(.mode): \(.throughput|floor)/s p99 \(.p99_ms) ms, errors \(.errors)"'
}

say "closed loop, interleaved: storage, echo, create, get, list at each concurrency"
for c in "${LEVELS[@]}"; do
  for kind in storage echo create get list; do load "$kind" "$c"; done
done

say "second opinion on the echo: h2load (sees HTTP status only, never gRPC's)"
"$BENCH" echo-body --samples_out="$WORK/echo.body"
for c in "${LEVELS[@]}"; do
  conns=$(( c < 8 ? c : 8 ))
  h2load -D "$RUN_SECONDS" --warm-up-time="$WARMUP_SECONDS" -c "$conns" \
    -m $(( (c + conns - 1) / conns )) -d "$WORK/echo.body" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$ECHO_GRPC/steward.bench.v1.EchoService/Echo" >"$WORK/h2load.txt" 2>&1 || true
  rps=$(awk '/^finished in/ {gsub(/,/, ""); print $4}' "$WORK/h2load.txt")
  ok2xx=$(awk '/^status codes:/ {print $3}' "$WORK/h2load.txt")
  jq -cn --argjson c "$c" --arg rps "${rps:-0}" --arg ok "${ok2xx:-0}" \
    '{kind: "echo_h2load", mode: "closed", concurrency: $c, throughput: ($rps|tonumber),
      http_2xx: ($ok|tonumber), ok: 0, errors: null, cpu_seconds: {}}' | tee -a "$RUNS" \
    | jq -r '"  h2load echo c=\(.concurrency): \(.throughput|floor)/s"'
done

say "open loop at half of each Steward call's peak rate"
for kind in create get list; do
  peak=$(jq -s --arg k "$kind" '[.[] | select(.kind == $k and .mode == "closed") | .throughput] | max' "$RUNS")
  rate=$(echo "$peak / 2" | bc)
  [ "$rate" -ge 1 ] && load "$kind" 8 --rate="$rate"
done

# Every step of a clock falls due in the wave: the template community's policy
# gives routine household repairs a first response within WAVE_TARGET of
# natural time, so each copy's handler warning (50 %), supervisor warning
# (80 %) and breach (100 %) fall due WAVE_TARGET/2, 0.8 x and 1 x after it
# opened. Copies are spaced so that the three steps together fall due at
# DUE_RATE per second.
WAVE_TARGET=20
WAVE_TICKETS=$((DUE_RATE * DUE_SECONDS / 3))
WAVE_STEPS=$((WAVE_TICKETS * 3))
say "SLA engine: $WAVE_STEPS escalations (handler, supervisor, breach of $WAVE_TICKETS tickets) falling due at $DUE_RATE/s"
levels_fired() {
  echo "$(metric 'steward_ticket_escalations_total{level="handler"}') + $(metric 'steward_ticket_escalations_total{level="supervisor"}') + $(metric 'steward_ticket_escalations_total{level="manager"}')" | bc
}
"$BENCH" seed --target="127.0.0.1:$TICKETS_GRPC" --token_file="$WORK/token" \
  --tickets="$WAVE_TICKETS" --templates=1 --communities=1 \
  --template_community=due-template --template_first_response="${WAVE_TARGET}s" \
  --community_prefix=due- --request_prefix=due- \
  --clocks_from=30s --clocks_every="$(echo "scale=6; 3 / $DUE_RATE" | bc)s" \
  --db_port="$DB_PORT" --db_password_file="$SECRETS/tickets.password" >"$WORK/due.json"
first_due=$(jq .first_due_unix "$WORK/due.json")
now=$(date +%s.%N)
(( $(echo "$now + 2 < $first_due" | bc) )) || echo "warning: seeding the wave took past its first due time" >&2
# The template's own three steps fall due within WAVE_TARGET of its creation,
# before this point; the counters are read after them.
sleep "$(echo "$first_due - 1 - $now" | bc | sed 's/^-.*/0/')"
delay_count_0=$(metric steward_sla_escalation_delay_seconds_count)
delay_1s_0=$(metric 'steward_sla_escalation_delay_seconds_bucket{le="1"}')
fired_0=$(levels_fired)
wave_seconds=$((DUE_SECONDS + WAVE_TARGET / 2 + 1))
wave_cpu_0=$(cpu_seconds "$TICKETS_PID"); wave_db_0=$(cpu_seconds "$MARIADB_PID")
sleep "$wave_seconds"
sleep 3  # the last ones due, plus the 1 s allowance and a pass
wave_cpu_1=$(cpu_seconds "$TICKETS_PID"); wave_db_1=$(cpu_seconds "$MARIADB_PID")
DELAY_COUNT=$(echo "$(metric steward_sla_escalation_delay_seconds_count) - $delay_count_0" | bc)
DELAY_WITHIN_1S=$(echo "$(metric 'steward_sla_escalation_delay_seconds_bucket{le="1"}') - $delay_1s_0" | bc)
FIRED=$(echo "$(levels_fired) - $fired_0" | bc)
WAVE_CPU_PERCENT=$(echo "scale=1; 100 * ($wave_cpu_1 - $wave_cpu_0) / ($wave_seconds + 3)" | bc)
WAVE_DB_CPU_PERCENT=$(echo "scale=1; 100 * ($wave_db_1 - $wave_db_0) / ($wave_seconds + 3)" | bc)
echo "fired $FIRED escalations (handler, supervisor, manager) of $WAVE_STEPS; delay observed for $DELAY_COUNT, within 1 s: $DELAY_WITHIN_1S; service CPU $WAVE_CPU_PERCENT %, MariaDB $WAVE_DB_CPU_PERCENT %"

PEAK_TICKETS_KIB="$(hwm_kib "$TICKETS_PID")"
PEAK_ECHO_KIB="$(hwm_kib "$ECHO_PID")"
PEAK_DB_KIB="$(hwm_kib "$MARIADB_PID")"
OTHERS_PEAK_JSON="$(for svc in communication training kpi; do
  echo "$svc $(hwm_kib "${OTHER_PID[$svc]}")"; done \
  | jq -Rn '[inputs | split(" ") | {(.[0]): ((.[1] | tonumber) / 1024)}] | add')"
RUN_SHA="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"

mkdir -p "$(dirname "$OUT")"
jq -s \
  --argjson seed "$(cat "$WORK/seed.json")" \
  --argjson others_idle "$OTHERS_RSS_JSON" --argjson others_peak "$OTHERS_PEAK_JSON" \
  --arg sha "$RUN_SHA" --arg cpus "$(nproc)" --arg tickets "$TICKETS" \
  --arg restart "$RESTART_SECONDS" --arg idle_cpu "$IDLE_CPU_PERCENT" \
  --arg idle_empty_t "$IDLE_EMPTY_TICKETS_KIB" --arg idle_empty_e "$IDLE_EMPTY_ECHO_KIB" \
  --arg idle_t "$IDLE_TICKETS_KIB" --arg peak_t "$PEAK_TICKETS_KIB" \
  --arg peak_e "$PEAK_ECHO_KIB" --arg peak_db "$PEAK_DB_KIB" \
  --arg due "$WAVE_STEPS" --arg due_rate "$DUE_RATE" --arg fired "$FIRED" \
  --arg delay_count "$DELAY_COUNT" --arg delay_1s "$DELAY_WITHIN_1S" \
  --arg wave_cpu "$WAVE_CPU_PERCENT" --arg wave_db "$WAVE_DB_CPU_PERCENT" '
  def per_req($r): if $r.ok > 0 then ($r.cpu_seconds | map_values(. * 1000 / $r.ok)) else {} end;
  def find(k; c): map(select(.kind == k and .concurrency == c and .mode == "closed")) | first;
  . as $runs
  | {
      commit: $sha, cpus: ($cpus|tonumber), tickets_in_table: ($tickets|tonumber),
      seed: $seed,
      runs: ($runs | map(. + {cpu_ms_per_request: per_req(.)})),
      ratios: ([$runs[] | select(.mode == "closed") | .concurrency] | unique | map(. as $c | {
        concurrency: $c,
        create_over_storage: (($runs | find("create"; $c).throughput) / ($runs | find("storage"; $c).throughput)),
        get_over_echo: (($runs | find("get"; $c).throughput) / ($runs | find("echo"; $c).throughput)),
        list_over_echo: (($runs | find("list"; $c).throughput) / ($runs | find("echo"; $c).throughput))
      })),
      sla_engine: {
        open_tickets: ($tickets|tonumber), restart_to_serving_seconds: ($restart|tonumber),
        idle_cpu_percent: ($idle_cpu|tonumber),
        wave: {due: ($due|tonumber), due_per_second: ($due_rate|tonumber),
               fired: ($fired|tonumber), delay_observed: ($delay_count|tonumber),
               within_1s: ($delay_1s|tonumber), service_cpu_percent: ($wave_cpu|tonumber),
               mariadb_cpu_percent: ($wave_db|tonumber)}
      },
      rss_mib: {
        tickets_idle_empty: (($idle_empty_t|tonumber)/1024), echo_idle: (($idle_empty_e|tonumber)/1024),
        tickets_idle_with_tickets: (($idle_t|tonumber)/1024),
        tickets_peak: (($peak_t|tonumber)/1024), echo_peak: (($peak_e|tonumber)/1024),
        mariadb_peak: (($peak_db|tonumber)/1024),
        others_idle: $others_idle, others_peak: $others_peak
      }
    }' "$RUNS" >"$OUT"

say "results ($OUT)"
jq -r '
  ["kind", "mode", "conc", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors",
   "svc cpu ms/req", "db cpu ms/req", "gen cpu ms/req"],
  (.runs[] | [.kind, .mode, .concurrency, (.throughput|floor), .p50_ms, .p99_ms, .p999_ms,
     .errors, ((if .kind == "echo" then .cpu_ms_per_request.echo
               elif .kind == "storage" then null else .cpu_ms_per_request.tickets end) // "-"),
     (.cpu_ms_per_request.mariadb // "-"), (.cpu_ms_per_request.loadgen // "-")])
  | map(if type == "number" then (. * 1000 | round / 1000) else . end) | @tsv' "$OUT" \
  | column -t -s $'\t'
echo
jq -r '.ratios[] | "c=\(.concurrency): create/storage \(.create_over_storage*100|round/100)  get/echo \(.get_over_echo*100|round/100)  list/echo \(.list_over_echo*100|round/100)"' "$OUT"
jq -r '.sla_engine | "SLA engine, \(.open_tickets) open tickets: restart to SERVING \(.restart_to_serving_seconds) s, idle CPU \(.idle_cpu_percent) %; wave of \(.wave.due) at \(.wave.due_per_second)/s: fired \(.wave.fired), within 1 s \(.wave.within_1s) of \(.wave.delay_observed), CPU \(.wave.service_cpu_percent) % (MariaDB \(.wave.mariadb_cpu_percent) %)"' "$OUT"
jq -r '.rss_mib | "RSS MiB: tickets idle \(.tickets_idle_empty|floor) (empty) / \(.tickets_idle_with_tickets|floor) (with tickets), peak \(.tickets_peak|floor); echo idle \(.echo_idle|floor), peak \(.echo_peak|floor); MariaDB peak \(.mariadb_peak|floor); " + ([.others_peak | to_entries[] | "\(.key) peak \(.value|floor)"] | join(", "))' "$OUT"
