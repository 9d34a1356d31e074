#include "common/util/fingerprint.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"

namespace steward {
namespace {

// SHA-256, fetched once: EVP_sha256() makes OpenSSL 3 look the
// implementation up in its provider store (under global locks) on every
// use, ~20,000 instructions per CreateTicket under callgrind. Fetched
// EVP_MD objects may be shared between threads.
const EVP_MD* FetchedSha256() {
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return kSha256;
}

}  // namespace

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP_Digest is one-shot and thread-safe; it only fails on allocation
  // failure, which would leave `length` at 0.
  EVP_Digest(data.data(), data.size(), digest, &length, FetchedSha256(),
             nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Sha256Hex(absl::string_view data) {
  return absl::BytesToHexString(Sha256(data));
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(FetchedSha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
       &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

bool SecureEquals(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace steward
