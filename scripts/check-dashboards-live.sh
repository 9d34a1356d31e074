#!/usr/bin/env bash
# Checks every Grafana dashboard query against a real Prometheus scraping the
# running services: starts the four services from BUILD_DIR on free ports
# against the MariaDB of scripts/test.sh, Debian's /usr/bin/prometheus on a
# free port (scraping them every second, evaluating ops/prometheus/rules),
# generates bounded traffic with tools/steward-traffic, then runs each query of
# `node ops/grafana/queries.mjs` (its `resolved` form) on /api/v1/query: every
# one must parse (status success) and return at least one series that is not
# only NaN; there is no list of queries allowed to be empty. The SLA-breach
# queries get a real breach: steward-traffic saves a community SLA policy row
# (first response of emergency household repairs within 2 s, through the
# tickets service's policy RPCs and validation) and lets one such ticket per
# round wait past it. Prints one line per query, then "N passed, M failed";
# exits non-zero on any failure.
# Everything listens on 127.0.0.1 and is stopped, by PID, on exit.
#
#   scripts/check-dashboards-live.sh BUILD_DIR
#
# Environment (as scripts/test.sh exports them): STEWARD_TEST_DB_PORT,
# STEWARD_TEST_SECRETS_DIR. STEWARD_LIVE_DEADLINE (default 45): seconds to
# wait after the traffic for every query to return data.
#
# Differences from production, on purpose: scrape and rule evaluation every
# 1 s (the rule groups' own `interval:` too) so the test is quick; the rule
# expressions and dashboard queries are used exactly as committed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 1 ] || die "usage: $0 BUILD_DIR (e.g. build/test)"
BUILD_DIR="$(cd "$1" && pwd)"
cd "$STEWARD_ROOT"
: "${STEWARD_TEST_DB_PORT:?set STEWARD_TEST_DB_PORT (scripts/test.sh exports it)}"
: "${STEWARD_TEST_SECRETS_DIR:?set STEWARD_TEST_SECRETS_DIR (scripts/test.sh exports it)}"
DEADLINE="${STEWARD_LIVE_DEADLINE:-45}"
t0=$(date +%s)

for bin in services/tickets/steward-tickets services/communication/steward-communication \
  services/training/steward-training services/kpi/steward-kpi tools/steward-health \
  tools/steward-traffic tools/steward-token; do
  [ -x "$BUILD_DIR/$bin" ] || die "$BUILD_DIR/$bin is missing (ninja -C $BUILD_DIR ${bin##*/})"
done
command -v node >/dev/null || die "node is missing (scripts/check-ops.sh installs it)"
command -v curl >/dev/null || die "curl is missing"

if [ ! -x /usr/bin/prometheus ]; then
  say "installing Debian's prometheus (its system service is not started)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  rc=0
  { $SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null; } || rc=$?
  [ "$made_policy" = 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
  [ "$rc" -eq 0 ] || die "apt-get install prometheus failed"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/steward-dashboards-live.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Distinct free ports: 4 gRPC, 4 metrics, 1 Prometheus. next_port sets PORT
# (not a command substitution: its subshell would forget what is taken).
declare -A taken=()
next_port() {
  while true; do
    PORT="$(free_port)"
    [ -z "${taken[$PORT]:-}" ] && { taken[$PORT]=1; return; }
  done
}
# (lib.sh's port tables, overridden for service_args.)
# shellcheck disable=SC2004
for svc in "${STEWARD_SERVICES[@]}"; do
  next_port; STEWARD_GRPC_PORT[$svc]="$PORT"
  next_port; STEWARD_METRICS_PORT[$svc]="$PORT"
done
next_port; PROM_PORT="$PORT"
PROM="http://127.0.0.1:$PROM_PORT"

say "services on free ports (database 127.0.0.1:$STEWARD_TEST_DB_PORT)"
mkdir -p "$WORK/logs"
targets=()
for svc in "${STEWARD_SERVICES[@]}"; do
  mapfile -t args < <(service_args "$svc" "$STEWARD_TEST_DB_PORT" "$STEWARD_TEST_SECRETS_DIR")
  "$BUILD_DIR/services/$svc/steward-$svc" "${args[@]}" --log_level=warning \
    >"$WORK/logs/$svc.log" 2>&1 &
  PIDS+=($!)
  targets+=("127.0.0.1:${STEWARD_GRPC_PORT[$svc]}")
  printf '  %-14s grpc 127.0.0.1:%s  metrics 127.0.0.1:%s\n' "$svc" \
    "${STEWARD_GRPC_PORT[$svc]}" "${STEWARD_METRICS_PORT[$svc]}"
done

# The committed rules with every group evaluated each second.
mkdir -p "$WORK/rules"
for f in ops/prometheus/rules/*.rules.yml; do
  sed -E 's/^( +interval:) .*/\1 1s/' "$f" >"$WORK/rules/${f##*/}"
done
{
  cat <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $WORK/rules/*.rules.yml
scrape_configs:
EOF
  for svc in "${STEWARD_SERVICES[@]}"; do
    cat <<EOF
  - job_name: steward-$svc
    static_configs:
      - targets: ["127.0.0.1:${STEWARD_METRICS_PORT[$svc]}"]
EOF
  done
} >"$WORK/prometheus.yml"
promtool check config "$WORK/prometheus.yml" >"$WORK/promtool.out" 2>&1 \
  || { cat "$WORK/promtool.out" >&2; die "generated prometheus.yml is invalid"; }

say "Prometheus on $PROM"
/usr/bin/prometheus --config.file="$WORK/prometheus.yml" \
  --storage.tsdb.path="$WORK/prometheus" --web.listen-address="127.0.0.1:$PROM_PORT" \
  --log.level=warn >"$WORK/logs/prometheus.log" 2>&1 &
PROM_PID=$!
PIDS+=("$PROM_PID")

if ! "$BUILD_DIR/tools/steward-health" --wait=60 "${targets[@]}" >"$WORK/health.out" 2>&1; then
  cat "$WORK/health.out" >&2
  tail -n 5 "$WORK"/logs/*.log >&2
  die "a service did not become SERVING"
fi

# query EXPR — the raw /api/v1/query answer (a JSON document).
query() { curl -sS -G --max-time 5 --data-urlencode "query=$1" "$PROM/api/v1/query" 2>&1 || true; }

# Every target scraped at least once, so the first traffic round's counters
# are born in a later scrape than "nothing".
for i in $(seq 1 60); do
  kill -0 "$PROM_PID" 2>/dev/null || { cat "$WORK/logs/prometheus.log" >&2; die "prometheus exited"; }
  answer="$(query 'count(up{job=~"steward-.+"} == 1)')"
  grep -q '"value":\[[0-9.]*,"4"\]' <<<"$answer" && break
  [ "$i" -eq 60 ] && { echo "$answer" >&2; die "Prometheus did not scrape the four services within 30 s"; }
  sleep 0.5
done

# Two rounds: the breach counter is born in the first and increases in the
# second, so increase(...[1h]) > 0 (each round waits out the 2 s target).
say "traffic"
STEWARD_TOKEN="$("$BUILD_DIR/tools/steward-token" --key="$STEWARD_TEST_SECRETS_DIR/jwt-signing.key" manager)" \
"$BUILD_DIR/tools/steward-traffic" --rounds=2 --pause_ms=1500 --breach_target_s=2 \
  --tickets="${targets[0]}" --communication="${targets[1]}" \
  --training="${targets[2]}" --kpi="${targets[3]}" \
  || die "steward-traffic: a call did not go as intended"

# One TSV line per query: resolved, dashboard, panel, refId.
node ops/grafana/queries.mjs | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
  for (const l of lines) {
    const q = JSON.parse(l);
    console.log([q.resolved, q.dashboard, q.panel, q.refId].map((s) => String(s).replace(/[\t\n]/g, " ")).join("\t"));
  }' >"$WORK/queries.tsv"
total=$(wc -l <"$WORK/queries.tsv")

# verdict ANSWER — "ok", "error: ...", "empty" or "nan".
verdict() {
  local a="$1"
  grep -q '"status":"success"' <<<"$a" || { echo "error: $(head -c 300 <<<"$a")"; return; }
  grep -q '"result":\[\]' <<<"$a" && { echo empty; return; }
  if ! grep -o '"value":\[[^]]*\]' <<<"$a" | grep -qv '"NaN"'; then echo nan; return; fi
  echo ok
}

# Poll until every query that should return data does (gauges such as the
# open backlog refresh every 15 s in the tickets service), or the deadline.
say "waiting for scrapes and rule evaluations (at most ${DEADLINE} s)"
t_wait=$(date +%s)
while true; do
  pending=0
  while IFS=$'\t' read -r expr _; do
    [ "$(verdict "$(query "$expr")")" = ok ] || pending=$((pending + 1))
  done <"$WORK/queries.tsv"
  [ "$pending" -eq 0 ] && break
  [ $(( $(date +%s) - t_wait )) -ge "$DEADLINE" ] && break
  sleep 1
done
echo "waited $(( $(date +%s) - t_wait )) s"

say "dashboard queries ($total) against $PROM"
passed=0
failed=0
while IFS=$'\t' read -r expr dashboard panel ref; do
  name="$dashboard: $panel ($ref): $expr"
  v="$(verdict "$(query "$expr")")"
  if [ "$v" = ok ]; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1))
    case "$v" in
      empty) echo "not ok - $name # no series" ;;
      nan) echo "not ok - $name # only NaN values" ;;
      *) echo "not ok - $name # $v" ;;
    esac
  fi
done <"$WORK/queries.tsv"

if [ "$failed" -ne 0 ]; then
  echo "service and Prometheus logs (last lines):"
  for f in "$WORK"/logs/*.log; do echo "--- ${f##*/}"; tail -n 5 "$f"; done
fi
echo "took $(( $(date +%s) - t0 )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
