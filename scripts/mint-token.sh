#!/usr/bin/env bash
# mint-token.sh ROLE [steward-token options] — prints a development bearer
# token signed with the key scripts/run.sh made (.local/secrets), e.g.
#   TOKEN=$(scripts/mint-token.sh staff --communities=c1)
#   grpcurl -plaintext -H "authorization: Bearer $TOKEN" 127.0.0.1:50051 ...
# ROLE: owner | staff | manager | quality | system. See tools/steward_token.cc
# for the options and each role's development defaults.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BUILD_DIR="${STEWARD_BUILD_DIR:-$STEWARD_ROOT/build/release}"
SECRETS="${STEWARD_SECRETS_DIR:-$STEWARD_ROOT/.local/secrets}"
if [[ ! -x "$BUILD_DIR/tools/steward-token" ]]; then
  build "$BUILD_DIR" Release steward-token >&2
fi
"$STEWARD_ROOT/scripts/dev-secrets.sh" "$SECRETS"
exec "$BUILD_DIR/tools/steward-token" --key="$SECRETS/jwt-signing.key" "$@"
