#!/usr/bin/env bash
# Checks the operations files offline: Prometheus rules and their unit tests,
# the Grafana dashboards' queries, the Kubernetes overlays and the generated
# PrometheusRule; and that services/ and common/ open gRPC channels only
# through common/client. Installs what it needs when missing: Debian's prometheus
# (for promtool; its service is not started) and kubernetes-client (kubectl
# 1.20, whose embedded kustomize the overlays are written for), and the npm
# packages kubernetes-models, @kubernetes-models/validate,
# @kubernetes-models/prometheus-operator and yaml into .cache/ops-node/
# (git-ignored). Prints one line per check, then "N passed, M failed"; exits
# non-zero on any failure.
#
# Also renders and validates with another kubectl found on PATH (a newer
# kustomize) when there is one, so both old and new kustomize are covered.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STEWARD_ROOT"

CACHE="$STEWARD_ROOT/.cache"
NODE_DIR="$CACHE/ops-node"
# Pinned: the validator's verdicts must not change under us.
NPM_PACKAGES=(kubernetes-models@5.1.0 @kubernetes-models/validate@5.0.2
  @kubernetes-models/prometheus-operator@6.0.0 yaml@2.9.1)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# --- installs ---------------------------------------------------------------

apt_updated=0
apt_install() {
  say "installing Debian packages: $*"
  local made_policy=0
  # Package scripts must not start services (prometheus would start a
  # system-wide server); as in install-deps.sh.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  [ "$apt_updated" = 1 ] || { $SUDO apt-get update -qq; apt_updated=1; }
  local rc=0
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?
  [ "$made_policy" = 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
  return $rc
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

command -v promtool >/dev/null || apt_install prometheus
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm

# kubectl 1.20 from Debian's kubernetes-client. Where another package already
# owns /usr/bin/kubectl (e.g. a cloud SDK's), installing would clash: the
# Debian package is then unpacked under .cache/ instead.
KUBECTL=""
if installed kubernetes-client; then
  KUBECTL=/usr/bin/kubectl
elif [ ! -e /usr/bin/kubectl ]; then
  apt_install kubernetes-client
  KUBECTL=/usr/bin/kubectl
else
  KUBECTL="$CACHE/ops-tools/usr/bin/kubectl"
  if [ ! -x "$KUBECTL" ]; then
    say "unpacking Debian's kubernetes-client into .cache/ops-tools (/usr/bin/kubectl belongs to another package)"
    [ "$apt_updated" = 1 ] || { $SUDO apt-get update -qq; apt_updated=1; }
    debs="$(mktemp -d)"
    (cd "$debs" && apt-get download -qq kubernetes-client 2>/dev/null \
      || { chmod 777 "$debs" && apt-get download -qq kubernetes-client; })
    mkdir -p "$CACHE/ops-tools"
    dpkg-deb -x "$debs"/kubernetes-client_*.deb "$CACHE/ops-tools"
    rm -rf "$debs"
  fi
fi

npm_ok() {
  local spec name version
  for spec in "${NPM_PACKAGES[@]}"; do
    name="${spec%@*}"; version="${spec##*@}"
    grep -q "\"version\": \"$version\"" "$NODE_DIR/node_modules/$name/package.json" 2>/dev/null || return 1
  done
}
if ! npm_ok; then
  say "installing npm packages into .cache/ops-node: ${NPM_PACKAGES[*]}"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error \
    --engine-strict=false "${NPM_PACKAGES[@]}" >/dev/null
fi

# --- checks -----------------------------------------------------------------

WORK="$(mktemp -d "${TMPDIR:-/tmp}/steward-check-ops.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

# check NAME COMMAND... — one check: passes when the command exits 0; its
# output is shown only on failure.
check() {
  local name="$1"; shift
  if "$@" >"$WORK/out" 2>&1; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "not ok - $name"; sed 's/^/    /' "$WORK/out"
  fi
}

# node_checks COMMAND... — a node script printing one "ok"/"not ok" line per
# check and, last, "# counts PASSED FAILED"; each of its checks counts.
node_checks() {
  local rc=0 counts
  "$@" >"$WORK/node.out" 2>&1 || rc=$?
  grep -v '^# counts ' "$WORK/node.out" || true
  counts="$(grep '^# counts ' "$WORK/node.out" | tail -1 || true)"
  if [ -z "$counts" ]; then
    failed=$((failed + 1)); echo "not ok - $2 crashed (exit $rc)"
    return
  fi
  read -r _ _ p f <<<"$counts"
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    failed=$((failed + 1)); echo "not ok - $2 exited $rc"
  fi
}

say "Prometheus rules"
for f in ops/prometheus/rules/*.rules.yml; do
  check "promtool check rules $f" promtool check rules "$f"
done
for f in ops/prometheus/tests/*.yml; do
  check "promtool test rules $f" promtool test rules "$f"
done
check "k8s/base/monitoring/prometheusrule.yaml is generated from ops/prometheus/rules" \
  ops/prometheus/generate-prometheusrule.sh --check
node_checks node ops/prometheus/lint.mjs --modules "$NODE_DIR/node_modules"

say "Grafana dashboards"
dashboards_parse() {
  local f
  for f in ops/grafana/*.json; do node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$f"; done
}
check "dashboards are valid JSON" dashboards_parse
check "every dashboard query parses (promtool, variables substituted)" \
  bash -c "node ops/grafana/queries.mjs --rules '$WORK/queries.rules.yml' && promtool check rules '$WORK/queries.rules.yml'"

say "Kubernetes ($("$KUBECTL" version --client --short 2>/dev/null || "$KUBECTL" version --client | head -1))"
renders=()
for overlay in dev prod; do
  check "kubectl kustomize k8s/overlays/$overlay (kubectl 1.20)" \
    bash -c "'$KUBECTL' kustomize k8s/overlays/$overlay >'$WORK/$overlay.yaml'"
  renders+=("$overlay=$WORK/$overlay.yaml")
done
# Another kubectl (newer kustomize), if one is on PATH.
other="$(command -v kubectl || true)"
if [ -n "$other" ] && [ "$(readlink -f "$other")" != "$(readlink -f "$KUBECTL")" ]; then
  for overlay in dev prod; do
    check "kubectl kustomize k8s/overlays/$overlay ($other)" \
      bash -c "'$other' kustomize k8s/overlays/$overlay 2>/dev/null >'$WORK/$overlay-other.yaml'"
    renders+=("$overlay@other-kubectl=$WORK/$overlay-other.yaml")
  done
fi
# The probes exec the image's steward-health (validate-k8s.mjs checks the
# path in the manifests; this, that the image has it there).
check "docker/Dockerfile installs the probes' /usr/bin/steward-health" \
  grep -q '^COPY --from=build /build/tools/steward-health /usr/bin/steward-health$' docker/Dockerfile
node_checks node scripts/validate-k8s.mjs --modules "$NODE_DIR/node_modules" \
  --rules ops/prometheus/rules "${renders[@]}"

say "Source rules"
# Every outbound call carries a deadline and retries only idempotent methods:
# that is common/client's MakeChannel, so services and common code open no
# channel of their own (tests/ and tools/ may, e.g. to reach a raw port).
raw_channels() {
  ! grep -rnE '\bCreate(Custom)?Channel(WithInterceptors)?[[:space:]]*\(' \
      services common --include='*.cc' --include='*.h' | grep -v '^common/client/'
}
check "services/ and common/ open gRPC channels only through common/client" raw_channels

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
