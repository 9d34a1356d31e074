#!/usr/bin/env bash
# dev-secrets.sh DIR — development secrets for local runs and tests, made
# with openssl and kept if they already exist:
#   jwt-signing.key  EC P-256 private key that signs development tokens
#                    (scripts/mint-token.sh); never deployed
#   jwt-public.pem   its public key: the services' --jwt_keys_file
#   data-keys        the services' --data_keys_file: an active AES-256 key
#                    ("k1") and the lookup-hash key (common/crypto/data_keys.h)
# Production keys come from the identity provider and a secret store.
set -euo pipefail
dir="${1:?usage: dev-secrets.sh DIR}"
mkdir -p "$dir"
umask 077
if [[ ! -s "$dir/jwt-signing.key" || ! -s "$dir/jwt-public.pem" ]]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$dir/jwt-signing.key" 2>/dev/null
  openssl pkey -in "$dir/jwt-signing.key" -pubout -out "$dir/jwt-public.pem" \
    2>/dev/null
fi
if [[ ! -s "$dir/data-keys" ]]; then
  {
    echo "# Steward data keys: <id> <base64 of 32 bytes>; the first non-lookup key encrypts."
    echo "k1 $(openssl rand -base64 32)"
    echo "lookup $(openssl rand -base64 32)"
  } >"$dir/data-keys"
fi
