#include "common/auth/token_minter.h"

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_join.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace steward::auth {
namespace {

void AddList(google::protobuf::Struct& claims, const std::string& name,
             const std::vector<std::string>& values) {
  if (values.empty()) return;
  auto* list = (*claims.mutable_fields())[name].mutable_list_value();
  for (const std::string& v : values) list->add_values()->set_string_value(v);
}

absl::StatusOr<jwt_alg_t> AlgOf(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio == nullptr
                      ? nullptr
                      : PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr)
    return absl::InvalidArgumentError("not a PEM private key");
  const int type = EVP_PKEY_get_base_id(key);
  EVP_PKEY_free(key);
  if (type == EVP_PKEY_RSA) return JWT_ALG_RS256;
  if (type == EVP_PKEY_EC) return JWT_ALG_ES256;
  return absl::InvalidArgumentError("only RSA and EC P-256 keys can sign");
}

}  // namespace

absl::StatusOr<std::string> MintToken(const TokenRequest& request,
                                      absl::string_view private_key_pem) {
  auto alg = AlgOf(private_key_pem);
  if (!alg.ok()) return alg.status();
  google::protobuf::Struct claims;
  auto& fields = *claims.mutable_fields();
  fields["iss"].set_string_value(request.issuer);
  fields["aud"].set_string_value(request.audience);
  fields["sub"].set_string_value(request.subject);
  fields["role"].set_string_value(std::string(RoleName(request.role)));
  const int64_t iat = absl::ToUnixSeconds(request.issued_at);
  fields["iat"].set_number_value(static_cast<double>(iat));
  fields["nbf"].set_number_value(static_cast<double>(iat));
  fields["exp"].set_number_value(static_cast<double>(
      absl::ToUnixSeconds(request.issued_at + request.lifetime)));
  AddList(claims, "households", request.households);
  AddList(claims, "communities", request.communities);
  if (!request.scopes.empty()) {
    fields["scope"].set_string_value(absl::StrJoin(request.scopes, " "));
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(claims, &json).ok()) {
    return absl::InternalError("cannot encode claims");
  }

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
  if (jwt_add_grants_json(jwt.get(), json.c_str()) != 0 ||
      (!request.kid.empty() &&
       jwt_add_header(jwt.get(), "kid", request.kid.c_str()) != 0) ||
      jwt_set_alg(
          jwt.get(), *alg,
          reinterpret_cast<const unsigned char*>(private_key_pem.data()),
          static_cast<int>(private_key_pem.size())) != 0) {
    return absl::InvalidArgumentError("cannot build the token");
  }
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr)
    return absl::InvalidArgumentError("cannot sign the token");
  std::string out(encoded);
  std::free(encoded);
  return out;
}

}  // namespace steward::auth
