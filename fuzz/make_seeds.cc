// Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/):
//   build-fuzz/fuzz/fuzz_make_seeds fuzz/corpus
// Tokens are real-shaped (common/auth/token_minter.h) but signed by keys that
// live only in this process; only public keys are written. Re-running it
// changes every key and token, so commit its output only when the seeds
// themselves need to change.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/auth/token_minter.h"
#include "fuzz/fuzz_support.h"

namespace steward::fuzz {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& dir, const std::string& name,
           absl::string_view content) {
  std::ofstream out(dir / name, std::ios::binary);
  out << content;
  FUZZ_CHECK(out.good(), (dir / name).string());
}

std::string B64(absl::string_view raw) {
  std::string out;
  absl::WebSafeBase64Escape(raw, &out);
  return out;
}

std::string Mint(auth::TokenRequest request, const KeyPair& key) {
  request.issued_at = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  auto token = auth::MintToken(request, key.private_pem);
  FUZZ_CHECK(token.ok(), token.status().ToString());
  return *token;
}

// header.payload.signature from JSON texts, the signature made up.
std::string Unsigned(absl::string_view header, absl::string_view claims) {
  return absl::StrCat(B64(header), ".", B64(claims), ".",
                      B64("not a signature"));
}

void BearerSeeds(const fs::path& dir) {
  const KeyPair rsa = MakeRsaKey();
  const KeyPair ec = MakeEcKey();
  auth::TokenRequest staff;
  staff.subject = "s-3";
  staff.role = auth::Role::kStaff;
  staff.communities = {"c1", "riverside-2"};
  auth::TokenRequest owner;
  owner.subject = "u-17";
  owner.role = auth::Role::kOwner;
  owner.households = {"communities/c1/households/3-2-1201"};
  owner.kid = "ec-1";
  auth::TokenRequest system;
  system.subject = "crm";
  system.role = auth::Role::kSystem;
  system.scopes = {"tickets.read", "tickets.write", "pii.read"};
  system.communities = {"*"};
  system.kid = "rsa-1";

  Write(dir, "header_staff_rs256", "Bearer " + Mint(staff, rsa));
  Write(dir, "header_owner_es256_kid", "bearer " + Mint(owner, ec));
  Write(dir, "header_spaced_upper", "BEARER \t " + Mint(staff, ec) + "  \r\n");
  Write(dir, "token_system_rs256_kid", Mint(system, rsa));
  Write(dir, "header_basic", "Basic dXNlcjpwYXNzd29yZA==");
  // Metadata for BearerTokenOf: NUL-separated entries, the first an
  // authorization value (none when empty), the others keyed by their first
  // byte (0 authorization, 1 authorization-bin, 2 x-request-id).
  const std::string token = Mint(staff, rsa);
  Write(dir, "meta_repeated_authorization",
        absl::StrCat("Bearer ", token, std::string("\0\0", 2), "Bearer ",
                     token));
  Write(dir, "meta_other_keys",
        absl::StrCat("Bearer ", token, std::string("\0\1", 2), "Bearer x",
                     std::string("\0\2", 2), "r-17"));
  Write(dir, "meta_missing_authorization",
        absl::StrCat(std::string("\0\2", 2), "r-17", std::string("\0\1", 2),
                     "Bearer ", token));
  Write(dir, "meta_empty_value", std::string("\0\0", 2));
  Write(dir, "header_empty_token", "Bearer     ");

  const std::string claims =
      R"({"iss":"steward-dev","aud":"steward","sub":"s-3","role":"staff",)"
      R"("communities":["c1"],"iat":1767225600,"nbf":1767225600,)"
      R"("exp":1767229200})";
  Write(dir, "token_alg_none",
        absl::StrCat(B64(R"({"alg":"none","typ":"JWT"})"), ".", B64(claims),
                     "."));
  Write(dir, "token_hs256", Unsigned(R"({"alg":"HS256","typ":"JWT"})", claims));
  Write(dir, "token_es256_with_rsa_kid",
        Unsigned(R"({"alg":"ES256","kid":"rsa-1"})", claims));
  Write(dir, "token_crit",
        Unsigned(R"({"alg":"RS256","crit":["exp"]})", claims));
  Write(dir, "token_typ_at_jwt",
        Unsigned(R"({"alg":"RS256","typ":"at+jwt","kid":"rsa-1"})", claims));
  Write(dir, "token_padded_b64",
        absl::StrCat(absl::Base64Escape(R"({"alg":"RS256"})"), ".",
                     absl::Base64Escape(claims), ".c2ln"));

  Write(
      dir, "claims_owner.json",
      R"({"sub":"u-17","role":"owner","households":)"
      R"(["communities/c1/households/3-2-1201","communities/c2/households/7"]})");
  Write(dir, "claims_manager_all.json",
        R"({"sub":"m-1","role":"manager","communities":["*"]})");
  Write(dir, "claims_system.json",
        R"({"sub":"crm","role":"system","scope":"tickets.read  audit.read "})");
  Write(
      dir, "claims_bad_household.json",
      R"({"sub":"u-1","role":"owner","households":["communities/C1/households/x/y"]})");
  Write(dir, "claims_numbers.json",
        R"({"sub":"q-1","role":"quality","communities":["c1"],"exp":1e308,)"
        R"("nbf":-1e308,"iat":"soon","aud":["a","steward"]})");
}

// Claims documents for fuzz_signed_claims, which signs them itself; their
// times suit its clock (2026-01-01T00:00Z).
void SignedClaimsSeeds(const fs::path& dir) {
  constexpr absl::string_view kValid =
      R"("iss":"steward-dev","aud":"steward","iat":1767225600,)"
      R"("nbf":1767225600,"exp":1767229200)";
  Write(dir, "staff.json",
        absl::StrCat(R"({"sub":"s-3","role":"staff","communities":["c1"],)",
                     kValid, "}"));
  Write(dir, "owner.json",
        absl::StrCat(R"({"sub":"u-17","role":"owner","households":)"
                     R"(["communities/c1/households/3-2-1201"],)",
                     kValid, "}"));
  Write(dir, "system_aud_list.json",
        R"({"sub":"crm","role":"system","scope":"tickets.read pii.read",)"
        R"("iss":"steward-dev","aud":["kpi","steward"],"exp":1767229200.5})");
  Write(dir, "quality_expired.json",
        R"({"sub":"q-1","role":"quality","communities":["*"],)"
        R"("iss":"steward-dev","aud":"steward","exp":1767225500})");
  Write(dir, "manager_not_yet.json",
        R"({"sub":"m-1","role":"manager","communities":["c2"],)"
        R"("iss":"steward-dev","aud":"steward","exp":1767229200,)"
        R"("nbf":1767229000})");
  // Found by this target: a NumericDate beyond int64 microseconds.
  Write(dir, "regression_nbf_overflow.json",
        R"({"sub":"s-1","role":"staff","communities":["c1"],)"
        R"("iss":"steward-dev","aud":"steward","exp":1767229200,"nbf":1e13})");
  Write(dir, "wrong_issuer.json",
        R"({"sub":"s-1","role":"staff","communities":["c1"],)"
        R"("iss":"other","aud":"steward","exp":1767229200})");
}

void JwksSeeds(const fs::path& dir) {
  const KeyPair rsa = MakeRsaKey();
  const KeyPair ec = MakeEcKey();
  const KeyPair weak = MakeRsaKey(1024);
  const KeyPair p384 = MakeEcKey("P-384");
  const KeyPair ed = MakeEd25519Key();
  auto jwks = [](std::initializer_list<std::string> entries) {
    std::string out = R"({"keys":[)";
    bool first = true;
    for (const std::string& e : entries) {
      absl::StrAppend(&out, first ? "" : ",", e);
      first = false;
    }
    return absl::StrCat(out, "]}");
  };
  Write(dir, "jwks_rsa.json",
        jwks({JwkEntry(rsa, "rsa-1", R"(,"alg":"RS256","use":"sig")")}));
  Write(dir, "jwks_ec.json", jwks({JwkEntry(ec, "ec-1")}));
  Write(dir, "jwks_mixed.json",
        jwks({JwkEntry(rsa, "rsa-1"),
              JwkEntry(ec, "ec-1", R"(,"alg":"ES256","use":"sig")"),
              JwkEntry(ec, "enc-1", R"(,"use":"enc")")}));
  Write(dir, "jwks_duplicate_kid.json",
        jwks({JwkEntry(rsa, "k"), JwkEntry(ec, "k")}));
  Write(dir, "jwks_alg_mismatch.json",
        jwks({JwkEntry(ec, "ec-1", R"(,"alg":"RS256")")}));
  Write(dir, "jwks_weak_rsa.json", jwks({JwkEntry(weak, "weak")}));
  Write(dir, "jwks_p384.json", jwks({JwkEntry(p384, "p384")}));
  Write(dir, "jwks_private_member.json",
        jwks({JwkEntry(ec, "ec-1", R"(,"d":"bm90LWEtcmVhbC1rZXk")")}));
  Write(dir, "jwks_empty.json", R"({"keys":[]})");
  // A 2048-bit modulus with e = 1: RSA in name only (anyone can "sign").
  Write(dir, "jwks_rsa_exponent_1.json",
        absl::StrCat(R"({"keys":[{"kty":"RSA","kid":"e1","n":")",
                     B64(std::string(256, '\xff')), R"(","e":"AQ"}]})"));
  Write(dir, "jwks_okp.json", jwks({JwkEntry(ed, "ed-1")}));
  Write(dir, "public_rsa.pem", rsa.public_pem);
  Write(dir, "public_ec.pem", "\n  " + ec.public_pem);
  Write(dir, "public_rsa_1024.pem", weak.public_pem);
  Write(dir, "public_ed25519.pem", ed.public_pem);
}

}  // namespace
}  // namespace steward::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_ROOT (fuzz/corpus)\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  for (const char* target :
       {"fuzz_bearer_token", "fuzz_jwks", "fuzz_signed_claims"}) {
    fs::create_directories(root / target);
  }
  steward::fuzz::BearerSeeds(root / "fuzz_bearer_token");
  steward::fuzz::JwksSeeds(root / "fuzz_jwks");
  steward::fuzz::SignedClaimsSeeds(root / "fuzz_signed_claims");
  return 0;
}
