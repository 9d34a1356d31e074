// Bearer-token authentication: verifying a JWT's signature against pinned
// public keys and turning its claims into a Principal.
//
// Algorithm confusion is ruled out by construction: every key carries the
// one algorithm it may verify (RSA ≥ 2048 bits → RS256, EC P-256 → ES256),
// and a token whose header names another algorithm — `none`, HS256 signed
// with the public key as a secret, RS256 against an EC key — is refused
// before libjwt sees it.
#ifndef STEWARD_COMMON_AUTH_TOKEN_VERIFIER_H_
#define STEWARD_COMMON_AUTH_TOKEN_VERIFIER_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace steward::auth {

// The signature algorithms Steward accepts.
enum class SigningAlg { kRS256, kES256 };
absl::string_view SigningAlgName(SigningAlg alg);

// One public key a token may be signed with.
struct VerificationKey {
  std::string kid;  // "" for a lone PEM key (matches tokens with any kid)
  SigningAlg alg = SigningAlg::kRS256;
  std::string pem;  // SubjectPublicKeyInfo PEM, as libjwt wants it
};

// The keys of a JWKS document ({"keys":[{kty,kid,n,e}|{kty:EC,crv:P-256,
// kid,x,y}]}, "alg" and "use" checked when present) or of one PEM public
// key. INVALID_ARGUMENT saying which key is unusable (weak RSA, other
// curves, private keys, duplicate kids, no keys at all).
absl::StatusOr<std::vector<VerificationKey>> ParseVerificationKeys(
    absl::string_view text);

// What a token's header says, before any signature is checked.
struct TokenHeader {
  std::string alg;
  std::string kid;
};
// Splits a compact JWS and reads its header. UNAUTHENTICATED for anything
// that is not three base64url segments with a JSON object header, for
// tokens over 8 KiB and for `crit` headers.
absl::StatusOr<TokenHeader> ParseTokenHeader(absl::string_view token);

// The token of an `authorization` metadata value "Bearer <token>" (scheme
// case-insensitive). UNAUTHENTICATED naming what is wrong.
absl::StatusOr<absl::string_view> ParseBearer(absl::string_view header_value);

// A token that passed every check, as the verifier remembers it.
struct VerifiedToken {
  Principal principal;
  absl::Time expires;
  std::optional<absl::Time> not_before;
  std::optional<absl::Time> issued;
};

struct VerifierOptions {
  std::string keys_file;  // JWKS or PEM; re-read when its mtime/size change
  std::string issuer;
  std::string audience;
  absl::Duration leeway = absl::Seconds(30);
  // How often the key file is checked for changes.
  absl::Duration reload_check = absl::Seconds(10);
  // Tokens whose signature and claims were verified are remembered (by
  // SHA-256 of the whole token) so a caller's next call skips libjwt, which
  // parses the PEM key and checks the signature on every call (about 0.5 ms
  // of CPU with OpenSSL 3). 0 turns the cache off.
  int verified_cache_entries = 4096;
};

// Verifies tokens; thread-safe. Keys are swapped atomically on reload; a
// key file that turns unreadable or invalid keeps the previous keys (and is
// logged), so a bad edit cannot lock every caller out.
//
// A token verified once is answered from a bounded cache afterwards: only
// byte-identical tokens hit it, exp/nbf/iat are checked against `now` on
// every hit, and installing new keys forgets every cached token (so a
// removed key stops working at once). Failures are never cached.
class TokenVerifier {
 public:
  // INVALID_ARGUMENT when the key file cannot be read or parsed.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(
      const VerifierOptions& options);
  // For tests: fixed keys, no file.
  TokenVerifier(const VerifierOptions& options,
                std::vector<VerificationKey> keys);

  // The caller a token proves, or UNAUTHENTICATED with a reason fit for the
  // caller (bad signature, expired, not yet valid, wrong issuer/audience,
  // unknown key, malformed claims). Never echoes the token.
  absl::StatusOr<Principal> Verify(absl::string_view token,
                                   absl::Time now) const;

  // Re-reads the key file if it changed (called by Verify at most every
  // reload_check). Returns whether new keys were installed.
  bool ReloadIfChanged() const;

  // Tokens answered from the cache so far (for tests and diagnostics).
  int64_t cache_hits() const { return cache_hits_.load(); }

 private:
  using KeyList = std::vector<VerificationKey>;
  std::shared_ptr<const KeyList> keys() const;
  // The full check: header, key, signature (libjwt), issuer, audience, times.
  absl::StatusOr<Principal> VerifyUncached(absl::string_view token,
                                           absl::Time now,
                                           VerifiedToken* verified) const;

  struct CacheShard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, VerifiedToken> tokens
        ABSL_GUARDED_BY(mu);
  };
  static constexpr int kCacheShards = 16;
  // Forgets every cached token (new keys were installed).
  void ClearCache() const;

  const VerifierOptions options_;
  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const KeyList> keys_ ABSL_GUARDED_BY(mu_);
  mutable int64_t file_stamp_ ABSL_GUARDED_BY(mu_) = 0;
  mutable std::atomic<int64_t> next_check_micros_{0};
  mutable std::unique_ptr<CacheShard[]> cache_;
  mutable std::atomic<int64_t> cache_hits_{0};
};

// Turns verified claims (a JSON object) into a Principal: `sub`, `role`
// ("owner"|"staff"|"manager"|"quality"|"system"), owners' `households`
// (["communities/{c}/households/{h}", ...]), others' `communities`
// (["c1", ...] or ["*"]) and system clients' space-separated `scope`.
// UNAUTHENTICATED naming the claim that is missing or malformed.
absl::StatusOr<Principal> PrincipalFromClaims(absl::string_view claims_json);

}  // namespace steward::auth

#endif  // STEWARD_COMMON_AUTH_TOKEN_VERIFIER_H_
