// Minting bearer tokens for development and tests (scripts/mint-token.sh,
// the integration suites). Production tokens come from the company's
// identity provider; Steward only verifies them.
#ifndef STEWARD_COMMON_AUTH_TOKEN_MINTER_H_
#define STEWARD_COMMON_AUTH_TOKEN_MINTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace steward::auth {

struct TokenRequest {
  std::string issuer = "steward-dev";
  std::string audience = "steward";
  std::string subject;
  Role role = Role::kStaff;
  std::vector<std::string> households;   // "communities/c1/households/3-2-1201"
  std::vector<std::string> communities;  // "c1" or "*"
  std::vector<std::string> scopes;       // "tickets.read", ...
  absl::Time issued_at = absl::Now();
  absl::Duration lifetime = absl::Hours(1);
  std::string kid;  // header kid; empty: none
};

// A compact JWS signed with `private_key_pem` (RSA → RS256, EC P-256 →
// ES256). INVALID_ARGUMENT for unusable keys.
absl::StatusOr<std::string> MintToken(const TokenRequest& request,
                                      absl::string_view private_key_pem);

}  // namespace steward::auth

#endif  // STEWARD_COMMON_AUTH_TOKEN_MINTER_H_
