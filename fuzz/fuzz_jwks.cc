// Fuzz target: the key file (--jwt_keys_file), a JWKS document or one PEM
// public key, through auth::ParseVerificationKeys and OpenSSL.
//
// Every key it accepts must be usable and unambiguous: a list that is not
// empty, kids that are unique, a PEM public key that parses back to the same
// key, and a key that — given to libjwt — still refuses tokens signed by a
// key only this process holds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
#include "fuzz/fuzz_support.h"

namespace steward::fuzz {
namespace {

using auth::SigningAlg;
using auth::VerificationKey;

// How many accepted keys per input go through libjwt (each costs a
// signature check).
constexpr size_t kMaxKeysVerified = 8;

const absl::Time kNow = absl::FromUnixSeconds(1767225600);

auth::VerifierOptions Options() {
  auth::VerifierOptions options;
  options.issuer = "steward-dev";
  options.audience = "steward";
  return options;
}

// One RS256 and one ES256 token, without kid, signed by keys that exist
// only in this process's memory.
struct ForeignTokens {
  std::string rs256;
  std::string es256;
};

const ForeignTokens& GetTokens() {
  static const ForeignTokens* const tokens = [] {
    auth::TokenRequest request;
    request.subject = "s-1";
    request.role = auth::Role::kQuality;
    request.communities = {"*"};
    request.issued_at = kNow - absl::Minutes(1);
    const KeyPair rsa = MakeRsaKey();
    const KeyPair ec = MakeEcKey();
    auto rs256 = auth::MintToken(request, rsa.private_pem);
    auto es256 = auth::MintToken(request, ec.private_pem);
    FUZZ_CHECK(rs256.ok() && es256.ok());
    // The tokens are good: their own keys, parsed the same way, accept them.
    for (const auto& [pem, token] :
         {std::pair{&rsa.public_pem, &*rs256}, {&ec.public_pem, &*es256}}) {
      auto keys = auth::ParseVerificationKeys(*pem);
      FUZZ_CHECK(keys.ok(), keys.status().ToString());
      auto who = auth::TokenVerifier(Options(), *keys).Verify(*token, kNow);
      FUZZ_CHECK(who.ok(), who.status().ToString());
    }
    return new ForeignTokens{*std::move(rs256), *std::move(es256)};
  }();
  return *tokens;
}

void CheckKey(const VerificationKey& key) {
  FUZZ_CHECK(absl::StartsWith(key.pem, "-----BEGIN PUBLIC KEY-----\n") &&
                 absl::EndsWith(key.pem, "-----END PUBLIC KEY-----\n"),
             key.pem);
  // The PEM we hand libjwt is a key file of its own: it must read back as
  // the same key with the same algorithm.
  auto again = auth::ParseVerificationKeys(key.pem);
  FUZZ_CHECK(again.ok(), again.status().ToString());
  FUZZ_CHECK(again->size() == 1 && (*again)[0].kid.empty());
  FUZZ_CHECK((*again)[0].alg == key.alg);
  FUZZ_CHECK((*again)[0].pem == key.pem);

  // A lone key without kid matches every token, so the foreign token of the
  // key's algorithm reaches libjwt's signature check — and must fail it.
  VerificationKey lone = key;
  lone.kid.clear();
  const auth::TokenVerifier verifier(Options(), {lone});
  const ForeignTokens& tokens = GetTokens();
  auto who = verifier.Verify(
      key.alg == SigningAlg::kRS256 ? tokens.rs256 : tokens.es256, kNow);
  FUZZ_CHECK(!who.ok(), "a parsed key accepted a token it did not sign");
  FUZZ_CHECK(absl::IsUnauthenticated(who.status()), who.status().ToString());
}

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  steward::fuzz::GetTokens();  // key generation outside the timed runs
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fuzz = steward::fuzz;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto keys = steward::auth::ParseVerificationKeys(text);
  if (!keys.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(keys.status()),
               keys.status().ToString());
    return 0;
  }
  FUZZ_CHECK(!keys->empty(), "OK with no keys");
  const bool jwks =
      absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), "{");
  if (!jwks) {
    FUZZ_CHECK(keys->size() == 1 && (*keys)[0].kid.empty(),
               "a PEM key file yields one key without kid");
  }
  absl::flat_hash_set<std::string> kids;
  for (const steward::auth::VerificationKey& key : *keys) {
    if (jwks) FUZZ_CHECK(!key.kid.empty(), "a JWKS key without kid");
    FUZZ_CHECK(kids.insert(key.kid).second, "duplicate kid " + key.kid);
  }
  for (size_t i = 0; i < keys->size() && i < fuzz::kMaxKeysVerified; ++i) {
    fuzz::CheckKey((*keys)[i]);
  }
  return 0;
}
