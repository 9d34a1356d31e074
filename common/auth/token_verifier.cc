#include "common/auth/token_verifier.h"

#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/rpc/resources.h"
#include "common/util/fingerprint.h"
#include "common/util/log.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace steward::auth {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr size_t kMaxTokenBytes = 8 << 10;
constexpr size_t kMaxSubjectBytes = 64;
constexpr int kMinRsaBits = 2048;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat("bearer token rejected: ", why));
}

bool ParseJsonObject(absl::string_view json, Struct* out) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  return google::protobuf::util::JsonStringToMessage(std::string(json), out,
                                                     options)
      .ok();
}

const Value* Field(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? nullptr : &it->second;
}

std::string StringField(const Struct& object, const std::string& name) {
  const Value* v = Field(object, name);
  return v != nullptr && v->kind_case() == Value::kStringValue
             ? v->string_value()
             : std::string();
}

bool Base64UrlDecode(absl::string_view in, std::string* out) {
  for (char c : in) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_') {
      return false;  // no padding, no standard-alphabet characters
    }
  }
  return absl::WebSafeBase64Unescape(in, out);
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// The PEM of a key and the one algorithm it may verify.
absl::StatusOr<VerificationKey> Describe(EVP_PKEY* key, std::string kid) {
  VerificationKey out;
  out.kid = std::move(kid);
  const std::string label = out.kid.empty() ? "the key" : "key " + out.kid;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: {
      if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
        return absl::InvalidArgumentError(
            absl::StrCat(label, ": RSA keys need at least 2048 bits"));
      }
      // A public exponent of 1 (or any even one) makes every "signature"
      // verify or none: refuse keys no real signer has.
      BIGNUM* e = nullptr;
      BIGNUM* n = nullptr;
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
      const bool sane = e != nullptr && n != nullptr && BN_is_odd(e) &&
                        BN_num_bits(e) >= 2 && BN_is_odd(n);
      BN_free(e);
      BN_free(n);
      if (!sane) {
        return absl::InvalidArgumentError(absl::StrCat(
            label, ": not a usable RSA key (exponent must be odd and >= 3)"));
      }
      out.alg = SigningAlg::kRS256;
      break;
    }
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                         sizeof(group), &len) != 1 ||
          std::string(group, len) != "prime256v1") {
        return absl::InvalidArgumentError(
            absl::StrCat(label, ": only the P-256 curve (ES256) is accepted"));
      }
      out.alg = SigningAlg::kES256;
      break;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(label, ": only RSA and EC P-256 keys are accepted"));
  }
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio, key) != 1) {
    BIO_free(bio);
    return absl::InternalError("cannot encode a public key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  out.pem.assign(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

absl::StatusOr<std::string> Base64UrlField(const Struct& jwk,
                                           const std::string& name,
                                           absl::string_view label) {
  std::string raw;
  if (!Base64UrlDecode(StringField(jwk, name), &raw) || raw.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(label, ": \"", name, "\" must be base64url"));
  }
  return raw;
}

absl::StatusOr<Pkey> KeyFromParams(const char* type, OSSL_PARAM_BLD* build) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  const bool ok =
      params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
      EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok) return absl::InvalidArgumentError("not a valid public key");
  return Pkey(key);
}

absl::StatusOr<Pkey> RsaFromJwk(const Struct& jwk, absl::string_view label) {
  auto n = Base64UrlField(jwk, "n", label);
  if (!n.ok()) return n.status();
  auto e = Base64UrlField(jwk, "e", label);
  if (!e.ok()) return e.status();
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                           static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                           static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  absl::StatusOr<Pkey> key = absl::InvalidArgumentError("bad RSA key");
  if (bn_n != nullptr && bn_e != nullptr && build != nullptr &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
    key = KeyFromParams("RSA", build);
  }
  OSSL_PARAM_BLD_free(build);
  BN_free(bn_n);
  BN_free(bn_e);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(label, ": ", key.status().message()));
  }
  return key;
}

absl::StatusOr<Pkey> EcFromJwk(const Struct& jwk, absl::string_view label) {
  if (StringField(jwk, "crv") != "P-256") {
    return absl::InvalidArgumentError(
        absl::StrCat(label, ": only the P-256 curve (ES256) is accepted"));
  }
  auto x = Base64UrlField(jwk, "x", label);
  if (!x.ok()) return x.status();
  auto y = Base64UrlField(jwk, "y", label);
  if (!y.ok()) return y.status();
  if (x->size() != 32 || y->size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat(label, ": P-256 coordinates are 32 bytes"));
  }
  const std::string point = absl::StrCat("\x04", *x, *y);
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  absl::StatusOr<Pkey> key = absl::InvalidArgumentError("bad EC key");
  if (build != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME,
                                      "prime256v1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY,
                                       point.data(), point.size()) == 1) {
    key = KeyFromParams("EC", build);
  }
  OSSL_PARAM_BLD_free(build);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(label, ": ", key.status().message()));
  }
  return key;
}

absl::StatusOr<std::vector<VerificationKey>> ParseJwks(absl::string_view text) {
  Struct jwks;
  if (!ParseJsonObject(text, &jwks)) {
    return absl::InvalidArgumentError("the JWKS document is not valid JSON");
  }
  const Value* keys = Field(jwks, "keys");
  if (keys == nullptr || keys->kind_case() != Value::kListValue) {
    return absl::InvalidArgumentError("the JWKS document has no \"keys\" list");
  }
  std::vector<VerificationKey> out;
  int index = 0;
  for (const Value& entry : keys->list_value().values()) {
    const std::string label = absl::StrCat("keys[", index++, "]");
    if (entry.kind_case() != Value::kStructValue) {
      return absl::InvalidArgumentError(absl::StrCat(label, ": not an object"));
    }
    const Struct& jwk = entry.struct_value();
    const std::string kid = StringField(jwk, "kid");
    if (kid.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(label, ": \"kid\" is required"));
    }
    if (Field(jwk, "d") != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, ": holds a private key; publish public keys only"));
    }
    const std::string use = StringField(jwk, "use");
    if (!use.empty() && use != "sig") continue;  // encryption keys
    const std::string kty = StringField(jwk, "kty");
    absl::StatusOr<Pkey> key =
        kty == "RSA" ? RsaFromJwk(jwk, label)
        : kty == "EC"
            ? EcFromJwk(jwk, label)
            : absl::StatusOr<Pkey>(absl::InvalidArgumentError(absl::StrCat(
                  label, ": kty must be RSA or EC, got \"", kty, "\"")));
    if (!key.ok()) return key.status();
    auto described = Describe(key->get(), kid);
    if (!described.ok()) return described.status();
    const std::string alg = StringField(jwk, "alg");
    if (!alg.empty() && alg != SigningAlgName(described->alg)) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, ": alg \"", alg, "\" does not fit its key (expected ",
          SigningAlgName(described->alg), ")"));
    }
    for (const VerificationKey& seen : out) {
      if (seen.kid == kid) {
        return absl::InvalidArgumentError(
            absl::StrCat(label, ": duplicate kid ", kid));
      }
    }
    out.push_back(*std::move(described));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError(
        "the JWKS document holds no signing keys");
  }
  return out;
}

absl::StatusOr<std::vector<VerificationKey>> ParsePem(absl::string_view text) {
  if (absl::StrContains(text, "PRIVATE KEY")) {
    return absl::InvalidArgumentError(
        "the key file holds a private key; give the public key only");
  }
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  EVP_PKEY* raw = bio == nullptr
                      ? nullptr
                      : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (raw == nullptr) {
    return absl::InvalidArgumentError(
        "the key file is neither a JWKS document nor a PEM public key");
  }
  Pkey key(raw);
  auto described = Describe(key.get(), "");
  if (!described.ok()) return described.status();
  return std::vector<VerificationKey>{*std::move(described)};
}

absl::StatusOr<std::string> ReadFile(const std::string& path, int64_t* stamp) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  }
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  if (!in)
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  *stamp = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 +
           info.st_mtim.tv_nsec + (static_cast<int64_t>(info.st_size) << 1);
  return content.str();
}

// A NumericDate claim; false when present but not a finite number.
bool TimeClaim(const Struct& claims, const std::string& name,
               std::optional<absl::Time>* out) {
  const Value* v = Field(claims, name);
  if (v == nullptr) return true;
  if (v->kind_case() != Value::kNumberValue ||
      !std::isfinite(v->number_value())) {
    return false;
  }
  // absl::Seconds(double) saturates to ±infinity instead of overflowing.
  *out = absl::UnixEpoch() + absl::Seconds(v->number_value());
  return true;
}

bool AudienceMatches(const Struct& claims, const std::string& audience) {
  const Value* aud = Field(claims, "aud");
  if (aud == nullptr) return false;
  if (aud->kind_case() == Value::kStringValue)
    return aud->string_value() == audience;
  if (aud->kind_case() != Value::kListValue) return false;
  for (const Value& v : aud->list_value().values()) {
    if (v.kind_case() == Value::kStringValue && v.string_value() == audience) {
      return true;
    }
  }
  return false;
}

// A claim that must be a list of strings; false when malformed.
bool StringList(const Struct& claims, const std::string& name,
                std::vector<std::string>* out) {
  const Value* v = Field(claims, name);
  if (v == nullptr) return true;
  if (v->kind_case() != Value::kListValue) return false;
  for (const Value& item : v->list_value().values()) {
    if (item.kind_case() != Value::kStringValue) return false;
    out->push_back(item.string_value());
  }
  return true;
}

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

}  // namespace

absl::string_view SigningAlgName(SigningAlg alg) {
  return alg == SigningAlg::kES256 ? "ES256" : "RS256";
}

absl::StatusOr<std::vector<VerificationKey>> ParseVerificationKeys(
    absl::string_view text) {
  const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(text);
  if (absl::StartsWith(trimmed, "{")) return ParseJwks(trimmed);
  return ParsePem(trimmed);
}

absl::StatusOr<TokenHeader> ParseTokenHeader(absl::string_view token) {
  if (token.size() > kMaxTokenBytes)
    return Unauthenticated("longer than 8 KiB");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return Unauthenticated("not a compact JWS (header.payload.signature)");
  }
  std::string json;
  Struct header;
  if (!Base64UrlDecode(parts[0], &json) || !ParseJsonObject(json, &header)) {
    return Unauthenticated("malformed header");
  }
  if (Field(header, "crit") != nullptr) {
    return Unauthenticated("critical header extensions are not supported");
  }
  const std::string typ = StringField(header, "typ");
  if (!typ.empty() && !absl::EqualsIgnoreCase(typ, "JWT") &&
      !absl::EqualsIgnoreCase(typ, "at+jwt")) {
    return Unauthenticated("typ must be JWT");
  }
  TokenHeader out{StringField(header, "alg"), StringField(header, "kid")};
  if (out.alg.empty()) return Unauthenticated("the header names no algorithm");
  return out;
}

absl::StatusOr<absl::string_view> ParseBearer(absl::string_view header_value) {
  constexpr absl::string_view kScheme = "bearer ";
  if (header_value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(header_value.substr(0, kScheme.size()),
                              kScheme)) {
    return absl::UnauthenticatedError(
        "authorization metadata must be \"Bearer <token>\"");
  }
  absl::string_view token =
      absl::StripAsciiWhitespace(header_value.substr(kScheme.size()));
  if (token.empty()) {
    return absl::UnauthenticatedError(
        "authorization metadata has an empty token");
  }
  if (token.size() > kMaxTokenBytes) {
    return absl::UnauthenticatedError("bearer token longer than 8 KiB");
  }
  return token;
}

namespace {

// PrincipalFromClaims over claims already parsed (Verify parses them once).
absl::StatusOr<Principal> PrincipalFrom(const Struct& claims) {
  Principal p;
  p.subject = StringField(claims, "sub");
  if (p.subject.empty() || p.subject.size() > kMaxSubjectBytes ||
      !std::all_of(p.subject.begin(), p.subject.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
               c == '.' || c == ':' || c == '@' || c == '-';
      })) {
    // It becomes the actor id of timeline entries and audit rows.
    return Unauthenticated("sub must be 1..64 characters of [A-Za-z0-9_.:@-]");
  }
  if (!ParseRole(StringField(claims, "role"), &p.role)) {
    return Unauthenticated(
        "role must be owner, staff, manager, quality or system");
  }
  std::vector<std::string> households;
  if (!StringList(claims, "households", &households) ||
      !StringList(claims, "communities", &p.communities)) {
    return Unauthenticated(
        "households and communities must be lists of strings");
  }
  for (const std::string& name : households) {
    auto ids =
        rpc::ParseName(name, {"communities", "households"}, "households");
    if (!ids.ok() || !rpc::IsValidCommunityId((*ids)[0])) {
      return Unauthenticated(
          "households entries must be "
          "communities/{community}/households/{household}");
    }
    p.households.push_back({(*ids)[0], (*ids)[1]});
  }
  for (const std::string& community : p.communities) {
    if (community != "*" && !rpc::IsValidCommunityId(community)) {
      return Unauthenticated(
          "communities entries must be community ids or \"*\"");
    }
  }
  p.scopes =
      absl::StrSplit(StringField(claims, "scope"), ' ', absl::SkipEmpty());
  switch (p.role) {
    case Role::kOwner:
      if (p.households.empty())
        return Unauthenticated("an owner token needs households");
      if (!p.communities.empty()) {
        return Unauthenticated(
            "an owner token carries households, not communities");
      }
      break;
    case Role::kStaff:
    case Role::kManager:
    case Role::kQuality:
      if (p.communities.empty()) {
        return Unauthenticated("a staff token needs communities");
      }
      if (!p.households.empty()) {
        return Unauthenticated(
            "a staff token carries communities, not households");
      }
      break;
    case Role::kSystem:
      if (p.scopes.empty())
        return Unauthenticated("a system token needs a scope");
      if (!p.households.empty()) {
        return Unauthenticated("a system token carries no households");
      }
      break;
  }
  return p;
}

}  // namespace

absl::StatusOr<Principal> PrincipalFromClaims(absl::string_view claims_json) {
  Struct claims;
  if (!ParseJsonObject(claims_json, &claims))
    return Unauthenticated("malformed claims");
  return PrincipalFrom(claims);
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(
    const VerifierOptions& options) {
  int64_t stamp = 0;
  auto text = ReadFile(options.keys_file, &stamp);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--jwt_keys_file (STEWARD_JWT_KEYS_FILE): ", text.status().message()));
  }
  auto keys = ParseVerificationKeys(*text);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--jwt_keys_file (STEWARD_JWT_KEYS_FILE) ",
                     options.keys_file, ": ", keys.status().message()));
  }
  auto verifier = std::make_unique<TokenVerifier>(options, *std::move(keys));
  absl::MutexLock lock(&verifier->mu_);
  verifier->file_stamp_ = stamp;
  return verifier;
}

TokenVerifier::TokenVerifier(const VerifierOptions& options,
                             std::vector<VerificationKey> keys)
    : options_(options),
      keys_(std::make_shared<const KeyList>(std::move(keys))) {
  if (options_.verified_cache_entries > 0) {
    cache_ = std::make_unique<CacheShard[]>(kCacheShards);
  }
  next_check_micros_ = absl::ToUnixMicros(absl::Now() + options_.reload_check);
}

std::shared_ptr<const TokenVerifier::KeyList> TokenVerifier::keys() const {
  absl::MutexLock lock(&mu_);
  return keys_;
}

bool TokenVerifier::ReloadIfChanged() const {
  if (options_.keys_file.empty()) return false;
  int64_t stamp = 0;
  auto text = ReadFile(options_.keys_file, &stamp);
  {
    absl::MutexLock lock(&mu_);
    if (text.ok() && stamp == file_stamp_) return false;
  }
  if (!text.ok()) {
    log::Warning("token key file unreadable; keeping the previous keys",
                 {{"file", options_.keys_file}});
    return false;
  }
  auto keys = ParseVerificationKeys(*text);
  {
    absl::MutexLock lock(&mu_);
    file_stamp_ = stamp;
    if (!keys.ok()) {
      log::Warning("token key file invalid; keeping the previous keys",
                   {{"file", options_.keys_file},
                    {"error", std::string(keys.status().message())}});
      return false;
    }
    keys_ = std::make_shared<const KeyList>(*std::move(keys));
    log::Info("token keys reloaded", {{"keys", absl::StrCat(keys_->size())}});
  }
  // Tokens verified with the old keys are checked again with the new ones.
  ClearCache();
  return true;
}

namespace {

// exp, nbf and iat against `now`, with the leeway; the same on a cache hit
// as on a first check.
absl::Status CheckTimes(const VerifiedToken& token, absl::Time now,
                        absl::Duration leeway) {
  if (now >= token.expires + leeway) return Unauthenticated("expired");
  if (token.not_before.has_value() && now + leeway < *token.not_before) {
    return Unauthenticated("not valid yet (nbf)");
  }
  if (token.issued.has_value() && now + leeway < *token.issued) {
    return Unauthenticated("issued in the future (iat)");
  }
  return absl::OkStatus();
}

// The cache key: SHA-256 of the whole token (header, claims and signature),
// so only a byte-identical token can hit an entry.
std::string TokenDigest(absl::string_view token) { return Sha256(token); }

}  // namespace

void TokenVerifier::ClearCache() const {
  if (cache_ == nullptr) return;
  for (int i = 0; i < kCacheShards; ++i) {
    absl::MutexLock lock(&cache_[i].mu);
    cache_[i].tokens.clear();
  }
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token,
                                                absl::Time now) const {
  const int64_t now_micros = absl::ToUnixMicros(now);
  int64_t due = next_check_micros_.load(std::memory_order_relaxed);
  if (now_micros >= due &&
      next_check_micros_.compare_exchange_strong(
          due, now_micros + absl::ToInt64Microseconds(options_.reload_check))) {
    ReloadIfChanged();
  }
  if (cache_ == nullptr) {
    VerifiedToken verified;
    return VerifyUncached(token, now, &verified);
  }

  const std::string digest = TokenDigest(token);
  CacheShard* shard = nullptr;
  if (!digest.empty()) {
    shard = &cache_[static_cast<unsigned char>(digest[0]) % kCacheShards];
    absl::MutexLock lock(&shard->mu);
    auto hit = shard->tokens.find(digest);
    if (hit != shard->tokens.end()) {
      if (absl::Status times = CheckTimes(hit->second, now, options_.leeway);
          !times.ok()) {
        shard->tokens.erase(hit);
        return times;
      }
      cache_hits_.fetch_add(1, std::memory_order_relaxed);
      return hit->second.principal;
    }
  }
  // Keys installed while this check runs must not be paired with its
  // answer: remember the key list and cache only if it is still current.
  const std::shared_ptr<const KeyList> keys_before = keys();
  VerifiedToken verified;
  auto principal = VerifyUncached(token, now, &verified);
  if (!principal.ok() || shard == nullptr) return principal;
  const size_t per_shard = static_cast<size_t>(
      std::max(1, options_.verified_cache_entries / kCacheShards));
  // Checked under the shard's lock: a reload swaps the keys before it
  // clears the shards, so either the swap is seen here or the clear comes
  // after this insert.
  absl::MutexLock lock(&shard->mu);
  if (keys() != keys_before) return principal;
  if (shard->tokens.size() >= per_shard) {
    // Full: drop what has expired; if that frees nothing, start over (a
    // miss only costs one full verification).
    absl::erase_if(shard->tokens, [&](const auto& entry) {
      return now >= entry.second.expires + options_.leeway;
    });
    if (shard->tokens.size() >= per_shard) shard->tokens.clear();
  }
  shard->tokens.emplace(digest, std::move(verified));
  return principal;
}

absl::StatusOr<Principal> TokenVerifier::VerifyUncached(
    absl::string_view token, absl::Time now, VerifiedToken* verified) const {
  auto header = ParseTokenHeader(token);
  if (!header.ok()) return header.status();
  if (header->alg != "RS256" && header->alg != "ES256") {
    return Unauthenticated(
        absl::StrCat("algorithm ", header->alg, " is not accepted"));
  }
  std::shared_ptr<const KeyList> keys = this->keys();
  const VerificationKey* key = nullptr;
  for (const VerificationKey& k : *keys) {
    if (k.kid == header->kid || (k.kid.empty() && keys->size() == 1)) key = &k;
  }
  if (key == nullptr) return Unauthenticated("unknown key id");
  if (SigningAlgName(key->alg) != header->alg) {
    return Unauthenticated(absl::StrCat("algorithm ", header->alg,
                                        " does not match the signing key"));
  }
  jwt_t* raw = nullptr;
  const std::string token_copy(token);
  if (jwt_decode(&raw, token_copy.c_str(),
                 reinterpret_cast<const unsigned char*>(key->pem.data()),
                 static_cast<int>(key->pem.size())) != 0 ||
      raw == nullptr) {
    if (raw != nullptr) jwt_free(raw);
    return Unauthenticated("bad signature");
  }
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  const jwt_alg_t want =
      key->alg == SigningAlg::kES256 ? JWT_ALG_ES256 : JWT_ALG_RS256;
  if (jwt_get_alg(jwt.get()) != want) return Unauthenticated("bad signature");
  char* grants = jwt_get_grants_json(jwt.get(), nullptr);
  if (grants == nullptr) return Unauthenticated("malformed claims");
  const std::string claims_json(grants);
  std::free(grants);

  Struct claims;
  if (!ParseJsonObject(claims_json, &claims))
    return Unauthenticated("malformed claims");
  if (StringField(claims, "iss") != options_.issuer) {
    return Unauthenticated("wrong issuer");
  }
  if (!AudienceMatches(claims, options_.audience)) {
    return Unauthenticated("wrong audience");
  }
  std::optional<absl::Time> expires, not_before, issued;
  if (!TimeClaim(claims, "exp", &expires) ||
      !TimeClaim(claims, "nbf", &not_before) ||
      !TimeClaim(claims, "iat", &issued)) {
    return Unauthenticated("exp, nbf and iat must be numbers");
  }
  if (!expires.has_value()) return Unauthenticated("exp is required");
  verified->expires = *expires;
  verified->not_before = not_before;
  verified->issued = issued;
  if (absl::Status times = CheckTimes(*verified, now, options_.leeway);
      !times.ok()) {
    return times;
  }
  auto principal = PrincipalFrom(claims);
  if (principal.ok()) verified->principal = *principal;
  return principal;
}

}  // namespace steward::auth
