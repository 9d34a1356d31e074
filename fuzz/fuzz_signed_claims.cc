// Fuzz target: what TokenVerifier::Verify does after the signature holds.
//
// The input is a claims document; the target signs it (ES256, with a key
// generated at start-up and known to the verifier), so Verify's issuer,
// audience and time checks and PrincipalFromClaims see claims an identity
// provider could really issue. An independent reading of the same claims —
// times compared as plain numbers, no conversion — must reach the same
// verdict, and an accepted token must yield the Principal its claims say.
#include <jwt.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/auth/token_verifier.h"
#include "fuzz/fuzz_support.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace steward::fuzz {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr char kIssuer[] = "steward-dev";
constexpr char kAudience[] = "steward";
constexpr char kKid[] = "ec-1";
constexpr int64_t kNowSeconds = 1767225600;  // 2026-01-01T00:00Z
constexpr double kLeewaySeconds = 30;
// Closer than this to a time limit, rounding may go either way.
constexpr double kMarginSeconds = 1;

struct Signer {
  KeyPair key;
  std::unique_ptr<auth::TokenVerifier> verifier;
};

const Signer& GetSigner() {
  static const Signer* const signer = [] {
    auto* out = new Signer{MakeEcKey(), nullptr};
    auth::VerifierOptions options;
    options.issuer = kIssuer;
    options.audience = kAudience;
    options.leeway = absl::Seconds(kLeewaySeconds);
    auto keys = auth::ParseVerificationKeys(absl::StrCat(
        R"({"keys":[)", JwkEntry(out->key, kKid, R"(,"alg":"ES256")"), "]}"));
    FUZZ_CHECK(keys.ok(), keys.status().ToString());
    out->verifier =
        std::make_unique<auth::TokenVerifier>(options, *std::move(keys));
    return out;
  }();
  return *signer;
}

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

// The claims as libjwt will carry them, and the token signing them; nullopt
// when libjwt refuses the document (not a JSON object, say).
struct SignedToken {
  std::string token;
  std::string claims_json;
};
std::optional<SignedToken> Sign(const std::string& claims) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) std::abort();
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  const std::string& pem = GetSigner().key.private_pem;
  if (jwt_add_grants_json(jwt.get(), claims.c_str()) != 0 ||
      jwt_add_header(jwt.get(), "kid", kKid) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_ES256,
                  reinterpret_cast<const unsigned char*>(pem.data()),
                  static_cast<int>(pem.size())) != 0) {
    return std::nullopt;
  }
  char* token = jwt_encode_str(jwt.get());
  char* grants = jwt_get_grants_json(jwt.get(), nullptr);
  if (token == nullptr || grants == nullptr) {
    std::free(token);
    std::free(grants);
    return std::nullopt;
  }
  SignedToken out{token, grants};
  std::free(token);
  std::free(grants);
  return out;
}

enum class Verdict { kAccept, kReject, kUnsure };

Verdict And(Verdict a, Verdict b) {
  if (a == Verdict::kReject || b == Verdict::kReject) return Verdict::kReject;
  if (a == Verdict::kUnsure || b == Verdict::kUnsure) return Verdict::kUnsure;
  return Verdict::kAccept;
}

// `limit` must hold for `seconds` (a NumericDate), judged in doubles:
// exp: now < exp + leeway; nbf, iat: now + leeway >= value.
Verdict TimeVerdict(const Struct& claims, const std::string& name,
                    bool required, bool is_expiry) {
  auto it = claims.fields().find(name);
  if (it == claims.fields().end()) {
    return required ? Verdict::kReject : Verdict::kAccept;
  }
  const Value& v = it->second;
  if (v.kind_case() != Value::kNumberValue ||
      !std::isfinite(v.number_value())) {
    return Verdict::kReject;
  }
  const double now = static_cast<double>(kNowSeconds);
  // How far inside the limit `now` is; negative: outside.
  const double slack = is_expiry ? v.number_value() + kLeewaySeconds - now
                                 : now + kLeewaySeconds - v.number_value();
  if (std::fabs(slack) < kMarginSeconds) return Verdict::kUnsure;
  return slack > 0 ? Verdict::kAccept : Verdict::kReject;
}

Verdict Expected(const std::string& claims_json) {
  Struct claims;
  if (!google::protobuf::util::JsonStringToMessage(claims_json, &claims).ok()) {
    return Verdict::kReject;
  }
  const auto& fields = claims.fields();
  auto iss = fields.find("iss");
  if (iss == fields.end() || iss->second.string_value() != kIssuer) {
    return Verdict::kReject;
  }
  auto aud = fields.find("aud");
  bool audience = false;
  if (aud != fields.end()) {
    if (aud->second.kind_case() == Value::kStringValue) {
      audience = aud->second.string_value() == kAudience;
    } else if (aud->second.kind_case() == Value::kListValue) {
      for (const Value& v : aud->second.list_value().values()) {
        audience = audience || (v.kind_case() == Value::kStringValue &&
                                v.string_value() == kAudience);
      }
    }
  }
  if (!audience) return Verdict::kReject;
  Verdict times = And(TimeVerdict(claims, "exp", true, true),
                      And(TimeVerdict(claims, "nbf", false, false),
                          TimeVerdict(claims, "iat", false, false)));
  if (times != Verdict::kAccept) return times;
  return auth::PrincipalFromClaims(claims_json).ok() ? Verdict::kAccept
                                                     : Verdict::kReject;
}

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  steward::fuzz::GetSigner();  // key generation outside the timed runs
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fuzz = steward::fuzz;
  const std::string claims(reinterpret_cast<const char*>(data), size);
  std::optional<fuzz::SignedToken> token = fuzz::Sign(claims);
  if (!token.has_value()) return 0;
  absl::StatusOr<steward::auth::Principal> who =
      fuzz::GetSigner().verifier->Verify(
          token->token, absl::FromUnixSeconds(fuzz::kNowSeconds));
  if (!who.ok()) {
    FUZZ_CHECK(absl::IsUnauthenticated(who.status()), who.status().ToString());
    FUZZ_CHECK(!absl::StrContains(who.status().message(), "bad signature"),
               "a token signed with the verifier's own key: " +
                   who.status().ToString());
  } else {
    fuzz::CheckPrincipal(*who);
    auto from_claims = steward::auth::PrincipalFromClaims(token->claims_json);
    FUZZ_CHECK(from_claims.ok() && fuzz::SamePrincipal(*who, *from_claims),
               "Verify's Principal differs from the claims'");
  }
  const fuzz::Verdict expected = fuzz::Expected(token->claims_json);
  if (expected != fuzz::Verdict::kUnsure) {
    FUZZ_CHECK(who.ok() == (expected == fuzz::Verdict::kAccept),
               absl::StrCat(who.ok() ? "accepted" : who.status().ToString(),
                            "; claims: ", token->claims_json));
  }
  return 0;
}
