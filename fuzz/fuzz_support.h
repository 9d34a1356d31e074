// What the fuzz targets share: key pairs made at start-up, an invariant
// check that libFuzzer records as a crash, and the promises every Principal
// the token code hands out must keep.
//
// The keys are generated fresh by OpenSSL in every process and never leave
// memory, so no private key is ever written to disk or committed.
#ifndef STEWARD_FUZZ_FUZZ_SUPPORT_H_
#define STEWARD_FUZZ_FUZZ_SUPPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/principal.h"

namespace steward::fuzz {

// A key pair as PEM text, and the public key's JWK members ("kty" through
// "e" or "y", without braces) for building JWKS documents.
struct KeyPair {
  std::string private_pem;
  std::string public_pem;
  std::string jwk_members;
};

// RSA with `bits` bits (RS256 when ≥ 2048). Aborts if OpenSSL fails.
KeyPair MakeRsaKey(int bits = 2048);
// EC on the named curve: "P-256" (ES256), "P-384", ... Aborts on failure.
KeyPair MakeEcKey(const char* curve = "P-256");
// Ed25519 (a key type Steward refuses). Aborts on failure.
KeyPair MakeEd25519Key();

// {"keys":[{<members>,"kid":"<kid>"<extra>}]}
std::string JwkEntry(const KeyPair& key, absl::string_view kid,
                     absl::string_view extra = "");

// Traps (FUZZ_CHECK) unless `p` keeps the promises handlers rely on: a
// printable subject of 1..128 characters; owners with households and no
// communities, staff-like roles with communities and no households, system
// clients with scopes; valid community ids; and an access table that judges
// it by its role and scopes alone.
void CheckPrincipal(const auth::Principal& p);

// Whether two principals carry the same identity, tenancy and scopes.
bool SamePrincipal(const auth::Principal& a, const auth::Principal& b);

// Prints which invariant broke and traps, which libFuzzer reports as a
// crash with the input saved.
[[noreturn]] void InvariantBroken(const char* file, int line,
                                  const char* condition,
                                  absl::string_view detail = "");

}  // namespace steward::fuzz

// FUZZ_CHECK(condition) or FUZZ_CHECK(condition, detail): an invariant of
// the code under test. Unlike assert(), it is never compiled out.
#define FUZZ_CHECK(condition, ...)                                             \
  do {                                                                         \
    if (!(condition)) {                                                        \
      ::steward::fuzz::InvariantBroken(__FILE__, __LINE__,                     \
                                       #condition __VA_OPT__(, ) __VA_ARGS__); \
    }                                                                          \
  } while (false)

#endif  // STEWARD_FUZZ_FUZZ_SUPPORT_H_
