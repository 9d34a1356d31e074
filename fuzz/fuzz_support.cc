#include "fuzz/fuzz_support.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/access_table.h"
#include "common/rpc/resources.h"

namespace steward::fuzz {
namespace {

using auth::Principal;
using auth::Role;

constexpr size_t kMaxIdLength = 63;  // rpc/resources.cc's limit

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "fuzz setup: %s\n", what);
  std::abort();
}

std::string Pem(EVP_PKEY* key, bool private_key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) Die("out of memory");
  const int ok = private_key
                     ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0,
                                                nullptr, nullptr)
                     : PEM_write_bio_PUBKEY(bio, key);
  if (ok != 1) Die("cannot write a PEM key");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

std::string B64Url(const std::string& raw) {
  std::string out;
  absl::WebSafeBase64Escape(raw, &out);
  return out;
}

// A big-number parameter as big-endian bytes, left-padded to `width`.
std::string BnParam(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) Die("cannot read a key");
  std::string out(static_cast<size_t>(std::max(width, BN_num_bytes(bn))), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()),
               static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

KeyPair Pair(Pkey key, std::string jwk_members) {
  return KeyPair{Pem(key.get(), true), Pem(key.get(), false),
                 std::move(jwk_members)};
}

}  // namespace

KeyPair MakeRsaKey(int bits) {
  Pkey key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (key == nullptr) Die("RSA key generation failed");
  std::string members = absl::StrCat(
      R"("kty":"RSA","n":")", B64Url(BnParam(key.get(), OSSL_PKEY_PARAM_RSA_N)),
      R"(","e":")", B64Url(BnParam(key.get(), OSSL_PKEY_PARAM_RSA_E)), R"(")");
  return Pair(std::move(key), std::move(members));
}

KeyPair MakeEcKey(const char* curve) {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
  if (key == nullptr) Die("EC key generation failed");
  const int width = (EVP_PKEY_get_bits(key.get()) + 7) / 8;
  std::string members = absl::StrCat(
      R"("kty":"EC","crv":")", curve, R"(","x":")",
      B64Url(BnParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, width)), R"(","y":")",
      B64Url(BnParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, width)), R"(")");
  return Pair(std::move(key), std::move(members));
}

KeyPair MakeEd25519Key() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (key == nullptr) Die("Ed25519 key generation failed");
  return Pair(std::move(key), R"("kty":"OKP","crv":"Ed25519")");
}

std::string JwkEntry(const KeyPair& key, absl::string_view kid,
                     absl::string_view extra) {
  return absl::StrCat("{", key.jwk_members, R"(,"kid":")", kid, R"(")", extra,
                      "}");
}

void CheckPrincipal(const Principal& p) {
  FUZZ_CHECK(!p.subject.empty() && p.subject.size() <= 128);
  FUZZ_CHECK(std::all_of(p.subject.begin(), p.subject.end(), [](char c) {
    return absl::ascii_isgraph(static_cast<unsigned char>(c));
  }));
  for (const auth::HouseholdRef& h : p.households) {
    FUZZ_CHECK(rpc::IsValidCommunityId(h.community), h.community);
    FUZZ_CHECK(!h.household.empty() && h.household.size() <= kMaxIdLength &&
               !absl::StrContains(h.household, '/'));
    FUZZ_CHECK(p.OwnsHousehold(h.community, h.household));
    FUZZ_CHECK(p.InCommunity(h.community));
  }
  for (const std::string& c : p.communities) {
    FUZZ_CHECK(c == "*" || rpc::IsValidCommunityId(c), c);
    FUZZ_CHECK(p.InCommunity(c));
  }
  for (const std::string& scope : p.scopes) {
    FUZZ_CHECK(!scope.empty() && !absl::StrContains(scope, ' '));
  }
  switch (p.role) {
    case Role::kOwner:
      FUZZ_CHECK(!p.households.empty(), "an owner without households");
      FUZZ_CHECK(p.communities.empty(), "an owner with communities");
      FUZZ_CHECK(!p.AllCommunities());
      break;
    case Role::kStaff:
    case Role::kManager:
    case Role::kQuality:
      FUZZ_CHECK(!p.communities.empty(), "staff without communities");
      FUZZ_CHECK(p.households.empty(), "staff with households");
      break;
    case Role::kSystem:
      FUZZ_CHECK(!p.scopes.empty(), "a system client without scopes");
      FUZZ_CHECK(p.households.empty(), "a system client with households");
      break;
  }
  FUZZ_CHECK(absl::EndsWith(p.id(), absl::StrCat(":", p.subject)));

  for (const auth::MethodRule& rule : auth::AccessRules()) {
    const absl::Status allowed = auth::Authorize(p, rule.method);
    const bool expected =
        auth::Contains(rule.roles, p.role) &&
        (p.role != Role::kSystem || p.HasScope(auth::RequiredScope(rule)));
    FUZZ_CHECK(allowed.ok() == expected, rule.method);
    if (!allowed.ok()) {
      FUZZ_CHECK(allowed.code() == absl::StatusCode::kPermissionDenied);
    }
  }
  FUZZ_CHECK(!auth::Authorize(p, "steward.tickets.v1.TicketService/Nope").ok());
}

bool SamePrincipal(const Principal& a, const Principal& b) {
  auto same_households = [](const Principal& x, const Principal& y) {
    return std::equal(
        x.households.begin(), x.households.end(), y.households.begin(),
        y.households.end(),
        [](const auth::HouseholdRef& l, const auth::HouseholdRef& r) {
          return l.community == r.community && l.household == r.household;
        });
  };
  return a.role == b.role && a.subject == b.subject && same_households(a, b) &&
         a.communities == b.communities && a.scopes == b.scopes;
}

void InvariantBroken(const char* file, int line, const char* condition,
                     absl::string_view detail) {
  std::fprintf(stderr, "\n%s:%d: invariant broken: %s\n", file, line,
               condition);
  if (!detail.empty()) {
    std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()),
                 detail.data());
  }
  __builtin_trap();
}

}  // namespace steward::fuzz
