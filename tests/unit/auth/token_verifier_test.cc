// Token verification: what gets in and, mostly, what does not.
#include "common/auth/token_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/auth/token_minter.h"
#include "tests/unit/auth/test_keys.h"

namespace steward::auth {
namespace {

using ::testing::HasSubstr;
using testing::KeyPair;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

VerifierOptions Options() {
  VerifierOptions options;
  options.issuer = "steward-dev";
  options.audience = "steward";
  options.leeway = absl::Seconds(30);
  return options;
}

TokenRequest Staff() {
  TokenRequest r;
  r.subject = "s-1";
  r.role = Role::kStaff;
  r.communities = {"c1"};
  r.issued_at = kNow - absl::Minutes(1);
  return r;
}

const KeyPair& Rsa() {
  static const KeyPair* pair = new KeyPair(testing::MakeRsa());
  return *pair;
}
const KeyPair& Ec() {
  static const KeyPair* pair = new KeyPair(testing::MakeEc());
  return *pair;
}

TokenVerifier VerifierFor(const KeyPair& pair) {
  return TokenVerifier(Options(), *ParseVerificationKeys(pair.public_pem));
}

std::string Mint(const TokenRequest& r, const KeyPair& pair) {
  auto token = MintToken(r, pair.private_pem);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

std::string Segment(const std::string& json) {
  std::string out;
  absl::WebSafeBase64Escape(json, &out);
  return out;
}

void ExpectRejected(const absl::StatusOr<Principal>& p, absl::string_view why) {
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(p.status().message(), HasSubstr(why));
}

TEST(TokenVerifierTest, AcceptsRs256AndEs256TokensAndReadsThePrincipal) {
  for (const KeyPair* pair : {&Rsa(), &Ec()}) {
    auto p = VerifierFor(*pair).Verify(Mint(Staff(), *pair), kNow);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->role, Role::kStaff);
    EXPECT_EQ(p->subject, "s-1");
    EXPECT_EQ(p->id(), "staff:s-1");
    EXPECT_TRUE(p->InCommunity("c1"));
    EXPECT_FALSE(p->InCommunity("c2"));
  }
}

TEST(TokenVerifierTest, Es256SignaturesAreRawRAndSAsJoseRequires) {
  // Identity providers sign ES256 as 64 raw bytes (RFC 7518 §3.4), not DER.
  std::vector<std::string> parts = absl::StrSplit(Mint(Staff(), Ec()), '.');
  std::string signature;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[2], &signature));
  EXPECT_EQ(signature.size(), 64u);
}

TEST(TokenVerifierTest, RejectsAlgNone) {
  const std::string claims =
      R"({"iss":"steward-dev","aud":"steward","sub":"s-1","role":"manager",)"
      R"("communities":["*"],"exp":1890000000})";
  const std::string unsigned_token =
      Segment(R"({"alg":"none","typ":"JWT"})") + "." + Segment(claims) + ".";
  ExpectRejected(VerifierFor(Rsa()).Verify(unsigned_token, kNow),
                 "algorithm none");
  ExpectRejected(
      VerifierFor(Rsa()).Verify(
          Segment(R"({"alg":"NONE"})") + "." + Segment(claims) + ".", kNow),
      "not accepted");
}

TEST(TokenVerifierTest, RejectsHmacSignedWithThePublicKeyAsSecret) {
  // The classic confusion: HS256 keyed with the RSA public key's PEM.
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  jwt_add_grant(jwt, "iss", "steward-dev");
  jwt_add_grant(jwt, "aud", "steward");
  jwt_add_grant(jwt, "sub", "s-1");
  jwt_add_grant(jwt, "role", "manager");
  jwt_add_grants_json(jwt, R"({"communities":["*"]})");
  jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(kNow) + 600);
  const std::string& pem = Rsa().public_pem;
  ASSERT_EQ(jwt_set_alg(jwt, JWT_ALG_HS256,
                        reinterpret_cast<const unsigned char*>(pem.data()),
                        static_cast<int>(pem.size())),
            0);
  char* token = jwt_encode_str(jwt);
  ASSERT_NE(token, nullptr);
  const std::string forged(token);
  free(token);
  jwt_free(jwt);
  ExpectRejected(VerifierFor(Rsa()).Verify(forged, kNow), "HS256");
}

TEST(TokenVerifierTest, RejectsATokenWhoseAlgorithmDoesNotFitTheKey) {
  // RS256 token checked against an EC key, and the other way round.
  TokenVerifier ec_only = VerifierFor(Ec());
  ExpectRejected(ec_only.Verify(Mint(Staff(), Rsa()), kNow),
                 "does not match the signing key");
  TokenVerifier rsa_only = VerifierFor(Rsa());
  ExpectRejected(rsa_only.Verify(Mint(Staff(), Ec()), kNow),
                 "does not match the signing key");
}

TEST(TokenVerifierTest, RejectsTokensSignedByAnotherKey) {
  const KeyPair other = testing::MakeRsa();
  ExpectRejected(VerifierFor(Rsa()).Verify(Mint(Staff(), other), kNow),
                 "bad signature");
}

TEST(TokenVerifierTest, RejectsTamperedClaimsAndSignatures) {
  const std::string token = Mint(Staff(), Rsa());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string claims;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &claims));
  // Promote ourselves: same signature, edited claims.
  absl::StrReplaceAll({{"\"staff\"", "\"manager\""}}, &claims);
  ExpectRejected(VerifierFor(Rsa()).Verify(
                     parts[0] + "." + Segment(claims) + "." + parts[2], kNow),
                 "bad signature");
  std::string signature = parts[2];
  signature[10] = signature[10] == 'A' ? 'B' : 'A';
  ExpectRejected(VerifierFor(Rsa()).Verify(
                     parts[0] + "." + parts[1] + "." + signature, kNow),
                 "bad signature");
  ExpectRejected(VerifierFor(Rsa()).Verify(parts[0] + "." + parts[1], kNow),
                 "compact JWS");
}

TEST(TokenVerifierTest, ChecksExpiryAndNotBeforeWithLeeway) {
  TokenVerifier verifier = VerifierFor(Rsa());
  TokenRequest r = Staff();
  r.issued_at = kNow - absl::Hours(2);
  r.lifetime = absl::Hours(1);  // expired an hour ago
  ExpectRejected(verifier.Verify(Mint(r, Rsa()), kNow), "expired");
  r.lifetime = absl::Hours(2) - absl::Seconds(10);  // expired 10 s ago
  EXPECT_TRUE(verifier.Verify(Mint(r, Rsa()), kNow).ok());
  r.issued_at = kNow + absl::Minutes(5);  // nbf = iat, in the future
  ExpectRejected(verifier.Verify(Mint(r, Rsa()), kNow), "not valid yet");
  r.issued_at = kNow + absl::Seconds(20);  // within the leeway
  EXPECT_TRUE(verifier.Verify(Mint(r, Rsa()), kNow).ok());
}

TEST(TokenVerifierTest, ChecksIssuerAndAudience) {
  TokenVerifier verifier = VerifierFor(Rsa());
  TokenRequest r = Staff();
  r.audience = "another-product";
  ExpectRejected(verifier.Verify(Mint(r, Rsa()), kNow), "wrong audience");
  r = Staff();
  r.issuer = "https://evil.example";
  ExpectRejected(verifier.Verify(Mint(r, Rsa()), kNow), "wrong issuer");
}

TEST(TokenVerifierTest, FarFutureTimesSaturateInsteadOfOverflowing) {
  // Found by fuzz_signed_claims: nbf/iat beyond int64 microseconds used to
  // wrap into the past and let a not-yet-valid token in.
  for (const std::string claim : {"nbf", "iat"}) {
    jwt_t* jwt = nullptr;
    ASSERT_EQ(jwt_new(&jwt), 0);
    jwt_add_grants_json(
        jwt, (R"({"iss":"steward-dev","aud":"steward","sub":"s-1","role":"staff",)"
              R"("communities":["c1"],"exp":1890000000,")" +
              claim + R"(":1e13})")
                 .c_str());
    const std::string& pem = Ec().private_pem;
    ASSERT_EQ(jwt_set_alg(jwt, JWT_ALG_ES256,
                          reinterpret_cast<const unsigned char*>(pem.data()),
                          static_cast<int>(pem.size())),
              0);
    char* token = jwt_encode_str(jwt);
    const std::string signed_token(token);
    free(token);
    jwt_free(jwt);
    auto verified = VerifierFor(Ec()).Verify(signed_token, kNow);
    EXPECT_FALSE(verified.ok()) << claim;
  }
}

TEST(TokenVerifierTest, RefusesRsaKeysWithADegenerateExponent) {
  // Found while fuzzing: with e = 1 the padded hash itself "verifies".
  const std::string n(256, '\xff');
  for (const std::string& e : {std::string("\x01"), std::string("\x02"),
                               std::string("\x01\x00\x00")}) {
    const std::string jwks = R"({"keys":[{"kty":"RSA","kid":"a","n":")" +
                             testing::B64Url(n) + R"(","e":")" +
                             testing::B64Url(e) + R"("}]})";
    auto keys = ParseVerificationKeys(jwks);
    EXPECT_FALSE(keys.ok());
    EXPECT_THAT(keys.status().message(), HasSubstr("exponent"));
  }
}

TEST(TokenVerifierTest, JwksSelectsTheKeyByKid) {
  const KeyPair second = testing::MakeEc();
  auto keys = ParseVerificationKeys(
      testing::Jwks({{"rsa-1", &Rsa()}, {"ec-2", &second}}));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  TokenVerifier verifier(Options(), *keys);
  TokenRequest r = Staff();
  r.kid = "ec-2";
  EXPECT_TRUE(verifier.Verify(Mint(r, second), kNow).ok());
  r.kid = "rsa-1";
  EXPECT_TRUE(verifier.Verify(Mint(r, Rsa()), kNow).ok());
  // Signed by the EC key but claiming the RSA key's kid.
  ExpectRejected(verifier.Verify(Mint(r, second), kNow), "does not match");
  r.kid = "retired";
  ExpectRejected(verifier.Verify(Mint(r, Rsa()), kNow), "unknown key id");
  r.kid = "";
  ExpectRejected(verifier.Verify(Mint(r, Rsa()), kNow), "unknown key id");
}

TEST(TokenVerifierTest, RefusesUnusableKeys) {
  EXPECT_FALSE(ParseVerificationKeys(Rsa().private_pem).ok());
  EXPECT_THAT(ParseVerificationKeys(testing::MakeRsa(1024).public_pem)
                  .status()
                  .message(),
              HasSubstr("2048"));
  EXPECT_THAT(ParseVerificationKeys(testing::MakeEc("P-384").public_pem)
                  .status()
                  .message(),
              HasSubstr("P-256"));
  EXPECT_FALSE(ParseVerificationKeys("not a key").ok());
  EXPECT_FALSE(ParseVerificationKeys(R"({"keys":[]})").ok());
  EXPECT_THAT(ParseVerificationKeys(R"({"keys":[)" + Rsa().jwk +
                                    R"(,"kid":"a","alg":"ES256"}]})")
                  .status()
                  .message(),
              HasSubstr("does not fit"));
  EXPECT_THAT(
      ParseVerificationKeys(testing::Jwks({{"a", &Rsa()}, {"a", &Ec()}}))
          .status()
          .message(),
      HasSubstr("duplicate kid"));
}

TEST(TokenVerifierTest, ReloadsTheKeyFileWhenItChangesAndKeepsKeysOnABadEdit) {
  const std::string path = ::testing::TempDir() + "/jwt-keys.pem";
  auto write = [&](const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
  };
  write(Rsa().public_pem);
  VerifierOptions options = Options();
  options.keys_file = path;
  auto verifier = TokenVerifier::Create(options);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  const std::string ec_token = Mint(Staff(), Ec());
  EXPECT_FALSE((*verifier)->Verify(ec_token, kNow).ok());

  write(Ec().public_pem + std::string(8, '\n'));  // other size: a change
  EXPECT_TRUE((*verifier)->ReloadIfChanged());
  EXPECT_TRUE((*verifier)->Verify(ec_token, kNow).ok());
  EXPECT_FALSE((*verifier)->ReloadIfChanged());  // unchanged

  write("garbage");
  EXPECT_FALSE((*verifier)->ReloadIfChanged());
  EXPECT_TRUE((*verifier)->Verify(ec_token, kNow).ok());
  std::remove(path.c_str());
}

TEST(TokenVerifierTest, AVerifiedTokenIsRememberedButItsTimesAreCheckedOnEveryCall) {
  TokenVerifier verifier = VerifierFor(Rsa());
  TokenRequest r = Staff();
  r.lifetime = absl::Minutes(6);  // issued a minute ago: exp is kNow + 5 min
  const std::string token = Mint(r, Rsa());
  ASSERT_TRUE(verifier.Verify(token, kNow).ok());
  EXPECT_EQ(verifier.cache_hits(), 0);
  auto again = verifier.Verify(token, kNow + absl::Minutes(1));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(verifier.cache_hits(), 1);
  EXPECT_EQ(again->id(), "staff:s-1");
  EXPECT_EQ(again->communities, std::vector<std::string>{"c1"});
  // Past exp + leeway the remembered token is refused like a fresh one.
  ExpectRejected(verifier.Verify(token, kNow + absl::Minutes(6)), "expired");
  EXPECT_EQ(verifier.cache_hits(), 1);
}

TEST(TokenVerifierTest, OnlyAByteIdenticalTokenHitsTheCache) {
  TokenVerifier verifier = VerifierFor(Rsa());
  const std::string token = Mint(Staff(), Rsa());
  ASSERT_TRUE(verifier.Verify(token, kNow).ok());
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  ExpectRejected(verifier.Verify(tampered, kNow), "bad signature");
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  TokenRequest other = Staff();
  other.communities = {"c1", "c2"};
  std::vector<std::string> other_parts = absl::StrSplit(Mint(other, Rsa()), '.');
  // The cached token's signature under other claims.
  ExpectRejected(
      verifier.Verify(parts[0] + "." + other_parts[1] + "." + parts[2], kNow),
      "bad signature");
  EXPECT_EQ(verifier.cache_hits(), 0);
}

TEST(TokenVerifierTest, NewKeysForgetEveryRememberedToken) {
  const std::string path = ::testing::TempDir() + "/jwt-rotate.pem";
  std::ofstream(path, std::ios::trunc) << Rsa().public_pem;
  VerifierOptions options = Options();
  options.keys_file = path;
  auto verifier = TokenVerifier::Create(options);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  const std::string token = Mint(Staff(), Rsa());
  ASSERT_TRUE((*verifier)->Verify(token, kNow).ok());
  ASSERT_TRUE((*verifier)->Verify(token, kNow).ok());
  EXPECT_EQ((*verifier)->cache_hits(), 1);
  // The RSA key is withdrawn: its tokens stop working at once.
  std::ofstream(path, std::ios::trunc) << Ec().public_pem << "\n\n";
  ASSERT_TRUE((*verifier)->ReloadIfChanged());
  EXPECT_FALSE((*verifier)->Verify(token, kNow).ok());
  EXPECT_EQ((*verifier)->cache_hits(), 1);
  std::remove(path.c_str());
}

TEST(TokenVerifierTest, CacheCanBeTurnedOff) {
  VerifierOptions options = Options();
  options.verified_cache_entries = 0;
  TokenVerifier verifier(options, *ParseVerificationKeys(Rsa().public_pem));
  const std::string token = Mint(Staff(), Rsa());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(verifier.Verify(token, kNow).ok());
  EXPECT_EQ(verifier.cache_hits(), 0);
}

TEST(TokenVerifierTest, AFullCacheKeepsAnsweringCorrectly) {
  VerifierOptions options = Options();
  options.verified_cache_entries = 16;  // one entry a shard
  TokenVerifier verifier(options, *ParseVerificationKeys(Ec().public_pem));
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i) {
    TokenRequest r = Staff();
    r.subject = absl::StrCat("s-", i);
    tokens.push_back(Mint(r, Ec()));
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) {
      auto p = verifier.Verify(tokens[i], kNow);
      ASSERT_TRUE(p.ok()) << p.status();
      EXPECT_EQ(p->subject, absl::StrCat("s-", i));
    }
  }
}

TEST(TokenVerifierTest, CreateNamesTheFlagWhenTheKeyFileIsMissing) {
  VerifierOptions options = Options();
  options.keys_file = "/nonexistent/keys.pem";
  auto verifier = TokenVerifier::Create(options);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(verifier.status().message(), HasSubstr("--jwt_keys_file"));
}

TEST(ParseBearerTest, AcceptsOnlyTheBearerScheme) {
  EXPECT_EQ(*ParseBearer("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(*ParseBearer("bearer abc"), "abc");
  EXPECT_FALSE(ParseBearer("Basic dXNlcjpwYXNz").ok());
  EXPECT_FALSE(ParseBearer("Bearer ").ok());
  EXPECT_FALSE(ParseBearer("Bearer").ok());
  EXPECT_FALSE(ParseBearer("").ok());
  EXPECT_FALSE(ParseBearer("Bearer " + std::string(9000, 'a')).ok());
}

TEST(ParseTokenHeaderTest, RejectsMalformedHeaders) {
  EXPECT_FALSE(ParseTokenHeader("a.b").ok());
  EXPECT_FALSE(ParseTokenHeader("..").ok());
  EXPECT_FALSE(ParseTokenHeader(Segment("[1,2]") + ".e30.x").ok());
  EXPECT_FALSE(
      ParseTokenHeader(Segment(R"({"alg":"RS256"})") + "=.e30.x").ok());
  EXPECT_FALSE(
      ParseTokenHeader(Segment(R"({"alg":"RS256","crit":["exp"]})") + ".e30.x")
          .ok());
  EXPECT_FALSE(
      ParseTokenHeader(Segment(R"({"alg":"RS256","typ":"JWE"})") + ".e30.x")
          .ok());
  auto header =
      ParseTokenHeader(Segment(R"({"alg":"ES256","kid":"k"})") + ".e30.x");
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->alg, "ES256");
  EXPECT_EQ(header->kid, "k");
}

TEST(PrincipalFromClaimsTest, ReadsEachRole) {
  auto owner = PrincipalFromClaims(
      R"({"sub":"u-1","role":"owner","households":["communities/c1/households/3-2-1201"]})");
  ASSERT_TRUE(owner.ok()) << owner.status();
  EXPECT_TRUE(owner->OwnsHousehold("c1", "3-2-1201"));
  EXPECT_FALSE(owner->OwnsHousehold("c1", "3-2-1202"));
  EXPECT_TRUE(owner->InCommunity("c1"));
  EXPECT_FALSE(owner->AllCommunities());
  auto system = PrincipalFromClaims(
      R"({"sub":"crm","role":"system","scope":"tickets.read pii.read"})");
  ASSERT_TRUE(system.ok()) << system.status();
  EXPECT_TRUE(system->HasScope("pii.read"));
  EXPECT_TRUE(system->SeesPersonalData());
  auto manager = PrincipalFromClaims(
      R"({"sub":"m","role":"manager","communities":["*"]})");
  ASSERT_TRUE(manager.ok());
  EXPECT_TRUE(manager->InCommunity("anything"));
}

TEST(PrincipalFromClaimsTest, NamesTheBadClaim) {
  for (
      const auto& [claims, why] :
      std::vector<std::pair<std::string, std::string>>{
          {R"({"role":"staff","communities":["c1"]})", "sub"},
          {R"({"sub":"s","role":"root","communities":["c1"]})", "role"},
          {R"({"sub":"s","role":"owner"})", "households"},
          {R"({"sub":"s","role":"owner","households":["c1/3-2"]})",
           "households"},
          {R"({"sub":"s","role":"owner","households":["communities/c1/households/1"],"communities":["c1"]})",
           "not communities"},
          {R"({"sub":"s","role":"staff"})", "communities"},
          {R"({"sub":"s","role":"staff","communities":"c1"})", "lists"},
          {R"({"sub":"s","role":"staff","communities":["C 1"]})",
           "community ids"},
          {R"({"sub":"s","role":"system"})", "scope"},
          {R"({"sub":"a b","role":"staff","communities":["c1"]})", "sub"},
      }) {
    auto p = PrincipalFromClaims(claims);
    ASSERT_FALSE(p.ok()) << claims;
    EXPECT_THAT(p.status().message(), HasSubstr(why)) << claims;
  }
}

}  // namespace
}  // namespace steward::auth
