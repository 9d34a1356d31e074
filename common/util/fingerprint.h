// Stable content fingerprints (SHA-256 via OpenSSL), used for idempotency
// checks, page-token binding and migration checksums. Stable across processes
// and versions, unlike absl::Hash.
#ifndef STEWARD_COMMON_UTIL_FINGERPRINT_H_
#define STEWARD_COMMON_UTIL_FINGERPRINT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace steward {

// The 32-byte SHA-256 digest of `data`.
std::string Sha256(absl::string_view data);
// The same digest as 64 lower-case hex characters.
std::string Sha256Hex(absl::string_view data);
// The 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(absl::string_view key, absl::string_view data);
// Constant-time equality, for comparing MACs.
bool SecureEquals(absl::string_view a, absl::string_view b);

}  // namespace steward

#endif  // STEWARD_COMMON_UTIL_FINGERPRINT_H_
