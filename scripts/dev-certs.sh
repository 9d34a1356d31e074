#!/usr/bin/env bash
# Makes TLS material for development clusters, local runs and the tests,
# with openssl (3.0, as in Debian 12). Not for production: there the
# certificates come from your CA (e.g. cert-manager); see docs/operations.md.
#
#   scripts/dev-certs.sh OUT_DIR [NAME...]
#
# OUT_DIR/ca.pem, ca.key          a development CA (EC P-256, 825 days);
#                                 an existing one in OUT_DIR is reused
# OUT_DIR/server.pem, server.key  the services' certificate (EC P-256, 397
#                                 days; serverAuth and clientAuth, so a pod's
#                                 probe can present it for mutual TLS); SANs
#                                 localhost, 127.0.0.1, ::1 and, for each
#                                 service, steward-<service>,
#                                 steward-<service>.<ns>.svc and
#                                 steward-<service>.<ns>.svc.cluster.local
# OUT_DIR/client-NAME.pem, .key   a client certificate (CN=NAME, clientAuth)
#                                 per NAME; default NAME: client
#
# Idempotent: a certificate that exists, chains to the CA and is valid for
# 30 more days is kept (delete it to reissue). Keys are mode 600. The
# namespaces (<ns>) are STEWARD_CERT_NAMESPACES (default "steward
# steward-dev", those of k8s/overlays/prod and dev). Prints what it made.
set -euo pipefail

die() { printf 'dev-certs: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 OUT_DIR [NAME...]"
OUT="$1"; shift
NAMES=("$@")
[ ${#NAMES[@]} -gt 0 ] || NAMES=(client)
for name in "${NAMES[@]}"; do
  [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "bad client name: $name"
done
command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"

SERVICES=(tickets communication training kpi)
read -r -a NAMESPACES <<<"${STEWARD_CERT_NAMESPACES:-steward steward-dev}"
CA_DAYS=825
LEAF_DAYS=397
RENEW_SECONDS=$((30 * 24 * 3600))

umask 077
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/steward-dev-certs.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

new_key() {  # FILE
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  chmod 600 "$1"
}

expiry() { openssl x509 -in "$1" -noout -enddate | cut -d= -f2; }

# --- the CA -------------------------------------------------------------------

if [ -e "$OUT/ca.pem" ] || [ -e "$OUT/ca.key" ]; then
  [ -s "$OUT/ca.pem" ] && [ -s "$OUT/ca.key" ] \
    || die "$OUT has only one of ca.pem and ca.key; remove it to make a new CA"
  [ "$(openssl x509 -in "$OUT/ca.pem" -noout -pubkey)" = "$(openssl pkey -in "$OUT/ca.key" -pubout)" ] \
    || die "$OUT/ca.key is not the key of $OUT/ca.pem"
  openssl x509 -in "$OUT/ca.pem" -noout -checkend "$RENEW_SECONDS" >/dev/null \
    || die "$OUT/ca.pem expires within 30 days; remove ca.pem and ca.key (and the certificates) to start over"
  echo "kept   $OUT/ca.pem (development CA, until $(expiry "$OUT/ca.pem"))"
else
  cat >"$TMP/ca.cnf" <<'EOF'
[req]
prompt = no
distinguished_name = dn
x509_extensions = ca_ext
[dn]
O = Steward development
CN = Steward development CA
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  new_key "$OUT/ca.key"
  openssl req -x509 -new -config "$TMP/ca.cnf" -key "$OUT/ca.key" -sha256 \
    -days "$CA_DAYS" -out "$OUT/ca.pem"
  chmod 644 "$OUT/ca.pem"
  echo "made   $OUT/ca.pem, ca.key (development CA, until $(expiry "$OUT/ca.pem"))"
fi

# --- leaf certificates ------------------------------------------------------------

# usable PEM — exists, chains to the CA, has its key and is valid 30 more days.
usable() {
  local pem="$1" key="${1%.pem}.key"
  [ -s "$pem" ] && [ -s "$key" ] || return 1
  openssl verify -CAfile "$OUT/ca.pem" "$pem" >/dev/null 2>&1 || return 1
  openssl x509 -in "$pem" -noout -checkend "$RENEW_SECONDS" >/dev/null || return 1
  [ "$(openssl x509 -in "$pem" -noout -pubkey)" = "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ]
}

# issue BASENAME CN EKU SAN — a key and a certificate signed by the CA.
issue() {
  local base="$1" cn="$2" eku="$3" san="$4"
  cat >"$TMP/$base.cnf" <<EOF
[req]
prompt = no
distinguished_name = dn
[dn]
O = Steward development
CN = $cn
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = $eku
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
  new_key "$OUT/$base.key"
  openssl req -new -config "$TMP/$base.cnf" -key "$OUT/$base.key" -out "$TMP/$base.csr"
  openssl x509 -req -in "$TMP/$base.csr" -CA "$OUT/ca.pem" -CAkey "$OUT/ca.key" \
    -set_serial "0x$(openssl rand -hex 15)" -days "$LEAF_DAYS" -sha256 \
    -extfile "$TMP/$base.cnf" -extensions leaf -out "$OUT/$base.pem" 2>/dev/null
  chmod 644 "$OUT/$base.pem"
  openssl verify -CAfile "$OUT/ca.pem" "$OUT/$base.pem" >/dev/null
}

san="DNS:localhost,IP:127.0.0.1,IP:::1"
for svc in "${SERVICES[@]}"; do
  san+=",DNS:steward-$svc"
  for ns in "${NAMESPACES[@]}"; do
    san+=",DNS:steward-$svc.$ns.svc,DNS:steward-$svc.$ns.svc.cluster.local"
  done
done
if usable "$OUT/server.pem"; then
  echo "kept   $OUT/server.pem, server.key (until $(expiry "$OUT/server.pem"))"
else
  issue server steward-server "serverAuth, clientAuth" "$san"
  echo "made   $OUT/server.pem, server.key (serverAuth+clientAuth, until $(expiry "$OUT/server.pem"))"
  echo "       SANs: ${san//,/, }"
fi

for name in "${NAMES[@]}"; do
  if usable "$OUT/client-$name.pem"; then
    echo "kept   $OUT/client-$name.pem, client-$name.key (until $(expiry "$OUT/client-$name.pem"))"
  else
    issue "client-$name" "$name" "clientAuth" "DNS:$name"
    echo "made   $OUT/client-$name.pem, client-$name.key (CN=$name, clientAuth, until $(expiry "$OUT/client-$name.pem"))"
  fi
done
