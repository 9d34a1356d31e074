// Key pairs made fresh for each test run (OpenSSL), as PEM text.
#ifndef STEWARD_TESTS_UNIT_AUTH_TEST_KEYS_H_
#define STEWARD_TESTS_UNIT_AUTH_TEST_KEYS_H_

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace steward::auth::testing {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
  std::string jwk;  // the public JWK without its closing brace (Jwks adds kid)
};

inline std::string Bio(EVP_PKEY* key, bool private_key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (private_key) {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PUBKEY(bio, key);
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

inline std::string B64Url(const std::string& raw) {
  std::string out;
  absl::WebSafeBase64Escape(raw, &out);
  return out;
}

inline std::string BnBytes(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string out(static_cast<size_t>(std::max(pad_to, BN_num_bytes(bn))),
                  '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()),
               static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

inline KeyPair MakeRsa(int bits = 2048) {
  EVP_PKEY* key =
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  KeyPair pair{Bio(key, true), Bio(key, false), ""};
  pair.jwk = absl::StrCat(
      R"({"kty":"RSA","n":")", B64Url(BnBytes(key, OSSL_PKEY_PARAM_RSA_N)),
      R"(","e":")", B64Url(BnBytes(key, OSSL_PKEY_PARAM_RSA_E)), R"(")");
  EVP_PKEY_free(key);
  return pair;
}

inline KeyPair MakeEc(const char* curve = "P-256") {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve);
  KeyPair pair{Bio(key, true), Bio(key, false), ""};
  pair.jwk = absl::StrCat(
      R"({"kty":"EC","crv":")", curve, R"(","x":")",
      B64Url(BnBytes(key, OSSL_PKEY_PARAM_EC_PUB_X, 32)), R"(","y":")",
      B64Url(BnBytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32)), R"(")");
  EVP_PKEY_free(key);
  return pair;
}

// A JWKS document of (kid, key) entries.
inline std::string Jwks(
    std::initializer_list<std::pair<std::string, const KeyPair*>> keys) {
  std::string out = R"({"keys":[)";
  bool first = true;
  for (const auto& [kid, pair] : keys) {
    absl::StrAppend(&out, first ? "" : ",", pair->jwk, R"(,"kid":")", kid,
                    R"("})");
    first = false;
  }
  return out + "]}";
}

}  // namespace steward::auth::testing

#endif  // STEWARD_TESTS_UNIT_AUTH_TEST_KEYS_H_
