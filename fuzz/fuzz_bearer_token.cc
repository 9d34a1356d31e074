// Fuzz target: everything a caller controls on the way to a Principal.
//
// Each input is tried as an `authorization` metadata value (ParseBearer), as
// a bare token and as the token inside that value (ParseTokenHeader and the
// full TokenVerifier::Verify against keys generated at start-up), and as a
// claims document (PrincipalFromClaims) — both directly and as the decoded
// payload segment of a token-shaped input. The fuzzer cannot sign, so any
// token Verify accepts is a forgery: the one invariant that matters most.
//
// The same input is also a call's metadata for BearerTokenOf: split at NUL
// bytes, the first part is an `authorization` value (left out when empty,
// so a call may have none); every further part names its key by its first
// byte (% 3: authorization, authorization-bin, x-request-id) and carries
// the rest as the value. BearerTokenOf answers UNAUTHENTICATED for no or
// repeated authorization entries and otherwise exactly what ParseBearer
// answers for the one value; other keys change nothing.
#include <grpcpp/server_context.h>
#include <grpcpp/test/server_context_test_spouse.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/call_gate.h"
#include "common/auth/principal.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
#include "fuzz/fuzz_support.h"

namespace steward::fuzz {
namespace {

using auth::Principal;
using auth::Role;
using auth::TokenVerifier;
using auth::VerificationKey;

constexpr size_t kMaxTokenBytes = 8 << 10;  // token_verifier.cc's limit
// Seeds are minted for 2026-01-01T00:00Z with an hour's lifetime, so their
// times are valid at this instant; only their signatures are not.
const absl::Time kNow = absl::FromUnixSeconds(1767225600 + 1800);

std::vector<VerificationKey> Keys(absl::string_view text) {
  auto keys = auth::ParseVerificationKeys(text);
  FUZZ_CHECK(keys.ok(), keys.status().ToString());
  return *std::move(keys);
}

// Verifiers over keys only this process knows: a lone RSA PEM key and a
// lone EC one (each matches any kid) and a JWKS with both ("rsa-1",
// "ec-1").
struct Verifiers {
  std::vector<std::unique_ptr<TokenVerifier>> all;
};

const Verifiers& GetVerifiers() {
  static const Verifiers* const verifiers = [] {
    auth::VerifierOptions options;
    options.issuer = "steward-dev";
    options.audience = "steward";
    const KeyPair rsa = MakeRsaKey();
    const KeyPair ec = MakeEcKey();
    const std::string jwks = absl::StrCat(
        R"({"keys":[)", JwkEntry(rsa, "rsa-1"), ",",
        JwkEntry(ec, "ec-1", R"(,"alg":"ES256","use":"sig")"), "]}");
    auto* out = new Verifiers;
    out->all.push_back(
        std::make_unique<TokenVerifier>(options, Keys(rsa.public_pem)));
    out->all.push_back(
        std::make_unique<TokenVerifier>(options, Keys(ec.public_pem)));
    out->all.push_back(std::make_unique<TokenVerifier>(options, Keys(jwks)));

    // "Never accepts" means something only if the verifiers accept what the
    // keys did sign: check that once, with tokens that never reach the
    // fuzzer.
    auth::TokenRequest request;
    request.subject = "s-1";
    request.role = Role::kStaff;
    request.communities = {"c1"};
    request.issued_at = kNow - absl::Minutes(1);
    struct Signed {
      const KeyPair* key;
      const char* kid;
      int verifier;
    };
    for (const Signed& s : {Signed{&rsa, "", 0}, Signed{&ec, "", 1},
                            Signed{&rsa, "rsa-1", 2}, Signed{&ec, "ec-1", 2}}) {
      request.kid = s.kid;
      auto token = auth::MintToken(request, s.key->private_pem);
      FUZZ_CHECK(token.ok(), token.status().ToString());
      auto who = out->all[s.verifier]->Verify(*token, kNow);
      FUZZ_CHECK(who.ok(), who.status().ToString());
    }
    return out;
  }();
  return *verifiers;
}

// ParseBearer: OK means a non-empty, trimmed slice of the input itself,
// after a case-insensitive "Bearer ".
void CheckBearer(absl::string_view header_value,
                 std::vector<absl::string_view>* tokens) {
  absl::StatusOr<absl::string_view> token = auth::ParseBearer(header_value);
  if (!token.ok()) {
    FUZZ_CHECK(absl::IsUnauthenticated(token.status()),
               token.status().ToString());
    return;
  }
  FUZZ_CHECK(!token->empty());
  FUZZ_CHECK(token->size() <= kMaxTokenBytes);
  FUZZ_CHECK(token->data() >= header_value.data() &&
                 token->data() + token->size() <=
                     header_value.data() + header_value.size(),
             "the token is not a slice of the metadata value");
  FUZZ_CHECK(absl::StartsWithIgnoreCase(header_value, "bearer "));
  FUZZ_CHECK(!absl::ascii_isspace(static_cast<unsigned char>(token->front())) &&
             !absl::ascii_isspace(static_cast<unsigned char>(token->back())));
  tokens->push_back(*token);
}

// BearerTokenOf over the metadata `input` describes (see the top).
void CheckMetadata(absl::string_view input, std::vector<std::string>* tokens) {
  std::vector<std::pair<std::string, std::string>> entries;
  std::vector<absl::string_view> parts =
      absl::StrSplit(input, absl::ByChar('\0'));
  if (!parts[0].empty()) {
    entries.emplace_back("authorization", std::string(parts[0]));
  }
  static constexpr const char* kKeys[] = {"authorization", "authorization-bin",
                                          "x-request-id"};
  for (size_t i = 1; i < parts.size(); ++i) {
    const absl::string_view part = parts[i];
    const char* key = part.empty()
                          ? kKeys[0]
                          : kKeys[static_cast<unsigned char>(part[0]) % 3];
    entries.emplace_back(key,
                         std::string(part.empty() ? part : part.substr(1)));
  }
  grpc::ServerContext context;
  grpc::testing::ServerContextTestSpouse spouse(&context);
  std::vector<absl::string_view> authorization;
  for (const auto& [key, value] : entries) {
    spouse.AddClientMetadata(key, value);
    if (key == "authorization") authorization.push_back(value);
  }
  absl::StatusOr<std::string> token = auth::BearerTokenOf(context);
  if (authorization.size() != 1) {
    FUZZ_CHECK(!token.ok(), "a token from no or repeated authorization");
    FUZZ_CHECK(absl::IsUnauthenticated(token.status()),
               token.status().ToString());
    return;
  }
  absl::StatusOr<absl::string_view> parsed =
      auth::ParseBearer(authorization.front());
  FUZZ_CHECK(token.ok() == parsed.ok(),
             "BearerTokenOf and ParseBearer disagree on the one value");
  if (!token.ok()) {
    FUZZ_CHECK(token.status() == parsed.status(), token.status().ToString());
    return;
  }
  FUZZ_CHECK(*token == *parsed, "BearerTokenOf changed the token");
  FUZZ_CHECK(!token->empty() && token->size() <= kMaxTokenBytes);
  tokens->push_back(*std::move(token));
}

void CheckClaims(absl::string_view claims_json) {
  absl::StatusOr<Principal> who = auth::PrincipalFromClaims(claims_json);
  if (!who.ok()) {
    FUZZ_CHECK(absl::IsUnauthenticated(who.status()), who.status().ToString());
    return;
  }
  CheckPrincipal(*who);
}

void CheckToken(absl::string_view token) {
  absl::StatusOr<auth::TokenHeader> header = auth::ParseTokenHeader(token);
  if (header.ok()) {
    FUZZ_CHECK(!header->alg.empty());
    FUZZ_CHECK(token.size() <= kMaxTokenBytes);
    FUZZ_CHECK(std::count(token.begin(), token.end(), '.') == 2);
  } else {
    FUZZ_CHECK(absl::IsUnauthenticated(header.status()),
               header.status().ToString());
  }
  const bool signable =
      header.ok() && (header->alg == "RS256" || header->alg == "ES256");
  for (const auto& verifier : GetVerifiers().all) {
    absl::StatusOr<Principal> who = verifier->Verify(token, kNow);
    if (who.ok()) {
      std::fprintf(stderr, "accepted as %s\n", who->id().c_str());
    }
    FUZZ_CHECK(!who.ok(), "Verify accepted a token nobody signed: a forgery");
    FUZZ_CHECK(absl::IsUnauthenticated(who.status()), who.status().ToString());
    if (!header.ok()) {
      FUZZ_CHECK(who.status() == header.status(),
                 "Verify and ParseTokenHeader disagree on a malformed token");
    } else if (signable && token.size() >= 32) {
      // Past the algorithm check every reason is a fixed text; the token
      // itself must never come back in it (it may be logged or returned).
      FUZZ_CHECK(!absl::StrContains(who.status().message(), token),
                 who.status().ToString());
    }
  }
  // A token-shaped input's payload, as the claims Verify would read.
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string payload;
  if (parts.size() == 3 && absl::WebSafeBase64Unescape(parts[1], &payload)) {
    CheckClaims(payload);
  }
}

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  steward::fuzz::GetVerifiers();  // key generation outside the timed runs
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fuzz = steward::fuzz;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<absl::string_view> tokens = {input};
  fuzz::CheckBearer(input, &tokens);
  for (absl::string_view token : tokens) fuzz::CheckToken(token);
  std::vector<std::string> from_metadata;
  fuzz::CheckMetadata(input, &from_metadata);
  // Only new tokens: a one-part input's was checked above already.
  for (const std::string& token : from_metadata) {
    if (input.find('\0') != absl::string_view::npos) fuzz::CheckToken(token);
  }
  fuzz::CheckClaims(input);
  return 0;
}
