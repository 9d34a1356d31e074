#include "common/crypto/data_keys.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/log.h"

namespace steward::crypto {
namespace {

constexpr size_t kKeySize = 32;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kMacSize = 32;
constexpr size_t kMaxKeyIdSize = 16;
constexpr char kSealedVersion = 0x01;
constexpr absl::string_view kLookupKeyId = "lookup";

using KeyBytes = std::array<unsigned char, kKeySize>;
using MacBytes = std::array<unsigned char, kMacSize>;

// Only for failures inside OpenSSL (allocation, no entropy source), where
// carrying on could produce a weak ciphertext.
[[noreturn]] void Fatal(absl::string_view what) {
  log::Error("fatal OpenSSL failure", {{"operation", std::string(what)}});
  std::abort();
}

bool IsValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdSize) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

absl::string_view View(const unsigned char* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

// AES-256-GCM, fetched once: EVP_aes_256_gcm() makes OpenSSL 3 look the
// implementation up again (under its global provider locks) at every
// EVP_*Init_ex, which cost more than the encryption of a phone number.
// Fetched EVP_CIPHER objects may be shared between threads.
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* const kGcm =
      EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (kGcm == nullptr) Fatal("EVP_CIPHER_fetch(AES-256-GCM)");
  return kGcm;
}

// This thread's HMAC-SHA256 context, its digest set once. Creating one
// and naming its digest per call made OpenSSL 3 fetch SHA-256 from its
// provider store each time (18,000 instructions per lookup hash under
// callgrind); EVP_MAC_init with a new key re-keys the same context.
EVP_MAC_CTX* ThreadHmac() {
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx = [] {
    // Fetched once; EVP_MAC objects may be shared between threads.
    static EVP_MAC* const kHmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (kHmac == nullptr) Fatal("EVP_MAC_fetch(HMAC)");
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> made(EVP_MAC_CTX_new(kHmac));
    if (made == nullptr) Fatal("EVP_MAC_CTX_new");
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_CTX_set_params(made.get(), params) != 1) {
      Fatal("EVP_MAC_CTX_set_params");
    }
    return made;
  }();
  return ctx.get();
}

// Feeds `parts` to a keyed HMAC-SHA256 context and returns the MAC.
MacBytes FinishMac(EVP_MAC_CTX* ctx,
                   std::initializer_list<absl::string_view> parts) {
  for (absl::string_view part : parts) {
    if (part.empty()) continue;
    if (EVP_MAC_update(ctx, Bytes(part), part.size()) != 1) {
      Fatal("EVP_MAC_update");
    }
  }
  MacBytes out;
  size_t out_size = 0;
  if (EVP_MAC_final(ctx, out.data(), &out_size, out.size()) != 1 ||
      out_size != out.size()) {
    Fatal("EVP_MAC_final");
  }
  return out;
}

// HMAC-SHA256 over the concatenation of `parts`.
MacBytes HmacSha256(const unsigned char* key, size_t key_size,
                    std::initializer_list<absl::string_view> parts) {
  EVP_MAC_CTX* ctx = ThreadHmac();
  if (EVP_MAC_init(ctx, key, key_size, nullptr) != 1) Fatal("EVP_MAC_init");
  return FinishMac(ctx, parts);
}

// This thread's AES-256-GCM context: re-initialised with each operation's
// key and nonce (EVP_CipherInit_ex with no cipher keeps the fetched one),
// instead of a context allocated, set up and freed per field.
EVP_CIPHER_CTX* ThreadGcm() {
  thread_local std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx = [] {
    std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> made(EVP_CIPHER_CTX_new());
    if (made == nullptr) Fatal("EVP_CIPHER_CTX_new");
    // kNonceSize (96 bits) is GCM's default nonce length.
    if (EVP_CipherInit_ex(made.get(), Aes256Gcm(), nullptr, nullptr, nullptr,
                          1) != 1 ||
        EVP_CIPHER_CTX_get_iv_length(made.get()) !=
            static_cast<int>(kNonceSize)) {
      Fatal("AES-256-GCM context");
    }
    return made;
  }();
  return ctx.get();
}

// A fresh random nonce. RAND_bytes costs about as much per call for 12
// bytes as for 1 KiB (OpenSSL 3's DRBG locks and reseed checks), so each
// thread draws a buffer at a time and hands it out in nonce-sized pieces,
// each used once.
void RandomNonce(unsigned char* nonce) {
  constexpr size_t kPoolSize = kNonceSize * 64;
  thread_local std::array<unsigned char, kPoolSize> pool;
  thread_local size_t used = kPoolSize;
  if (used == kPoolSize) {
    if (RAND_bytes(pool.data(), kPoolSize) != 1) Fatal("RAND_bytes");
    used = 0;
  }
  std::memcpy(nonce, pool.data() + used, kNonceSize);
  OPENSSL_cleanse(pool.data() + used, kNonceSize);
  used += kNonceSize;
}

// The pieces of a sealed blob; views into it.
struct SealedParts {
  absl::string_view header;  // version | id length | id
  absl::string_view key_id;
  absl::string_view nonce;
  absl::string_view ciphertext;
  absl::string_view tag;
};

std::optional<SealedParts> SplitSealed(absl::string_view sealed) {
  if (sealed.size() < 2 || sealed[0] != kSealedVersion) return std::nullopt;
  const size_t id_size = static_cast<unsigned char>(sealed[1]);
  const size_t header_size = 2 + id_size;
  // Seal never writes an empty ciphertext: empty plaintext seals to "".
  if (sealed.size() < header_size + kNonceSize + 1 + kTagSize) {
    return std::nullopt;
  }
  SealedParts parts;
  parts.header = sealed.substr(0, header_size);
  parts.key_id = sealed.substr(2, id_size);
  if (!IsValidKeyId(parts.key_id)) return std::nullopt;
  parts.nonce = sealed.substr(header_size, kNonceSize);
  const size_t ciphertext_size =
      sealed.size() - header_size - kNonceSize - kTagSize;
  parts.ciphertext = sealed.substr(header_size + kNonceSize, ciphertext_size);
  parts.tag = sealed.substr(sealed.size() - kTagSize);
  return parts;
}

absl::Status LineError(int line, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("data key ring line ", line, ": ", what));
}

}  // namespace

struct DataKeyRing::State {
  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    // std::map nodes never move, so these are the only copies we made.
    for (auto& [id, key] : keys) OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(lookup.data(), lookup.size());
  }

  const KeyBytes* Find(absl::string_view id) const {
    auto it = keys.find(std::string(id));
    return it == keys.end() ? nullptr : &it->second;
  }

  std::map<std::string, KeyBytes> keys;  // every key but "lookup"
  KeyBytes lookup{};
  std::string active_id;
  // HMAC-SHA256 keyed with `lookup`, never updated: each lookup hash
  // starts from a copy (EVP_MAC_CTX_dup only reads it, so threads share
  // it), which skips re-keying (two SHA-256 blocks and a context set-up).
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> lookup_mac;
};

DataKeyRing::DataKeyRing(std::shared_ptr<const State> state)
    : state_(std::move(state)) {}

absl::StatusOr<DataKeyRing> DataKeyRing::Parse(absl::string_view text) {
  auto state = std::make_shared<State>();
  std::map<std::string, int> first_line;  // key id -> line it appeared on
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (const size_t hash = line.find('#'); hash != line.npos) {
      line = line.substr(0, hash);
    }
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r\v\f"), absl::SkipEmpty());
    if (fields.empty()) continue;
    if (fields.size() != 2) {
      return LineError(line_number, "expected \"<key_id> <base64 key>\"");
    }
    const absl::string_view id = fields[0];
    const absl::string_view encoded = fields[1];
    // An invalid id is not echoed: it might be a misplaced key.
    if (!IsValidKeyId(id)) {
      return LineError(line_number,
                       "key id must be 1..16 characters of [A-Za-z0-9_-]");
    }
    if (auto it = first_line.find(std::string(id)); it != first_line.end()) {
      return LineError(line_number,
                       absl::StrCat("duplicate key id \"", id,
                                    "\" (first on line ", it->second, ")"));
    }
    first_line.emplace(std::string(id), line_number);

    std::string raw;
    std::string canonical;
    const bool decoded = absl::Base64Unescape(encoded, &raw);
    if (decoded) absl::Base64Escape(raw, &canonical);
    const bool canonical_base64 = decoded && canonical == encoded;
    const size_t raw_size = raw.size();
    KeyBytes key{};
    if (canonical_base64 && raw_size == kKeySize) {
      std::memcpy(key.data(), raw.data(), kKeySize);
    }
    Wipe(raw);
    Wipe(canonical);
    if (!canonical_base64) {
      return LineError(
          line_number,
          absl::StrCat("key \"", id, "\" is not standard padded base64"));
    }
    if (raw_size != kKeySize) {
      return LineError(line_number,
                       absl::StrCat("key \"", id, "\" is ", raw_size,
                                    " bytes; want ", kKeySize));
    }
    if (id == kLookupKeyId) {
      state->lookup = key;
    } else {
      state->keys.emplace(std::string(id), key);
      if (state->active_id.empty()) state->active_id = std::string(id);
    }
    OPENSSL_cleanse(key.data(), key.size());
  }
  if (first_line.find(std::string(kLookupKeyId)) == first_line.end()) {
    return absl::InvalidArgumentError(
        "data key ring has no \"lookup\" key (the keyed-hash key)");
  }
  if (state->active_id.empty()) {
    return absl::InvalidArgumentError(
        "data key ring has no active key (a key other than \"lookup\")");
  }
  state->lookup_mac.reset(EVP_MAC_CTX_dup(ThreadHmac()));
  if (state->lookup_mac == nullptr ||
      EVP_MAC_init(state->lookup_mac.get(), state->lookup.data(),
                   state->lookup.size(), nullptr) != 1) {
    Fatal("HMAC context for the lookup key");
  }
  return DataKeyRing(std::move(state));
}

absl::StatusOr<DataKeyRing> DataKeyRing::LoadFile(const std::string& path) {
  auto unreadable = [&path](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read data key file ", path, ": ", why));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unreadable(std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return unreadable(std::strerror(error));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return unreadable("not a regular file");
  }
  // Read into one buffer sized up front, so no reallocation leaves copies
  // of the keys behind in freed memory.
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      Wipe(text);
      return unreadable(std::strerror(error));
    }
    if (n == 0) break;  // shrank while reading
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  absl::StatusOr<DataKeyRing> ring =
      Parse(absl::string_view(text.data(), done));
  Wipe(text);
  if (!ring.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("data key file ", path, ": ", ring.status().message()));
  }
  return ring;
}

std::string DataKeyRing::GenerateText() {
  std::string text =
      "# Steward data keys (AES-256-GCM, HMAC-SHA256). Secret: never commit.\n"
      "# The first key other than \"lookup\" is active.\n";
  for (absl::string_view id : {absl::string_view("k1"), kLookupKeyId}) {
    KeyBytes key;
    if (RAND_bytes(key.data(), key.size()) != 1) Fatal("RAND_bytes");
    std::string encoded = absl::Base64Escape(View(key.data(), key.size()));
    absl::StrAppend(&text, id, " ", encoded, "\n");
    Wipe(encoded);
    OPENSSL_cleanse(key.data(), key.size());
  }
  return text;
}

const std::string& DataKeyRing::active_key_id() const {
  return state_->active_id;
}

std::string DataKeyRing::Seal(absl::string_view plaintext,
                              absl::string_view context) const {
  if (plaintext.empty()) return "";
  if (plaintext.size() > static_cast<size_t>(INT_MAX) - kTagSize) {
    Fatal("Seal: plaintext too large");
  }
  const std::string& id = state_->active_id;
  const KeyBytes& key = *state_->Find(id);

  std::string out;
  out.reserve(2 + id.size() + kNonceSize + plaintext.size() + kTagSize);
  out.push_back(kSealedVersion);
  out.push_back(static_cast<char>(id.size()));
  out.append(id);
  const size_t header_size = out.size();
  out.resize(header_size + kNonceSize + plaintext.size() + kTagSize);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + header_size);
  unsigned char* ciphertext = nonce + kNonceSize;
  unsigned char* tag = ciphertext + plaintext.size();
  RandomNonce(nonce);

  EVP_CIPHER_CTX* ctx = ThreadGcm();
  int n = 0;
  const absl::string_view header(out.data(), header_size);
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nonce, 1) != 1 ||
      EVP_CipherUpdate(ctx, nullptr, &n, Bytes(header),
                       static_cast<int>(header.size())) != 1 ||
      (!context.empty() &&
       EVP_CipherUpdate(ctx, nullptr, &n, Bytes(context),
                        static_cast<int>(context.size())) != 1) ||
      EVP_CipherUpdate(ctx, ciphertext, &n, Bytes(plaintext),
                       static_cast<int>(plaintext.size())) != 1 ||
      static_cast<size_t>(n) != plaintext.size() ||
      EVP_CipherFinal_ex(ctx, tag, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagSize, tag) != 1) {
    Fatal("AES-256-GCM encryption");
  }
  return out;
}

absl::StatusOr<std::string> DataKeyRing::Open(absl::string_view sealed,
                                              absl::string_view context) const {
  if (sealed.empty()) return std::string();
  const std::optional<SealedParts> parts = SplitSealed(sealed);
  if (!parts) {
    return absl::DataLossError(absl::StrCat("sealed value for ", context,
                                            " is truncated or malformed"));
  }
  const KeyBytes* key = state_->Find(parts->key_id);
  if (key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("sealed value for ", context, " uses key id \"",
                     parts->key_id, "\", which is not in the data key ring"));
  }
  if (parts->ciphertext.size() > static_cast<size_t>(INT_MAX)) {
    return absl::DataLossError("sealed value is too large");
  }
  std::string plaintext(parts->ciphertext.size(), '\0');
  std::array<unsigned char, kTagSize> tag;
  std::memcpy(tag.data(), parts->tag.data(), kTagSize);

  EVP_CIPHER_CTX* ctx = ThreadGcm();
  int n = 0;
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, key->data(),
                        Bytes(parts->nonce), 0) != 1 ||
      EVP_CipherUpdate(ctx, nullptr, &n, Bytes(parts->header),
                       static_cast<int>(parts->header.size())) != 1 ||
      (!context.empty() &&
       EVP_CipherUpdate(ctx, nullptr, &n, Bytes(context),
                        static_cast<int>(context.size())) != 1) ||
      EVP_CipherUpdate(ctx, reinterpret_cast<unsigned char*>(plaintext.data()),
                       &n, Bytes(parts->ciphertext),
                       static_cast<int>(parts->ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) !=
          1) {
    Fatal("AES-256-GCM decryption setup");
  }
  unsigned char final_block[16];
  if (EVP_CipherFinal_ex(ctx, final_block, &n) != 1) {
    // Unauthenticated plaintext must not linger.
    Wipe(plaintext);
    return absl::DataLossError(absl::StrCat(
        "sealed value for ", context,
        " failed authentication (tampered, or sealed for another column)"));
  }
  return plaintext;
}

std::string DataKeyRing::SealedKeyId(absl::string_view sealed) {
  const std::optional<SealedParts> parts = SplitSealed(sealed);
  return parts ? std::string(parts->key_id) : std::string();
}

std::string DataKeyRing::LookupHash(absl::string_view context,
                                    absl::string_view value) const {
  const uint32_t size = static_cast<uint32_t>(context.size());
  const char prefix[4] = {
      static_cast<char>(size >> 24), static_cast<char>(size >> 16),
      static_cast<char>(size >> 8), static_cast<char>(size)};
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(
      EVP_MAC_CTX_dup(state_->lookup_mac.get()));
  if (ctx == nullptr) Fatal("EVP_MAC_CTX_dup");
  const MacBytes mac = FinishMac(
      ctx.get(), {absl::string_view(prefix, sizeof(prefix)), context, value});
  return std::string(View(mac.data(), mac.size()));
}

namespace {

MacBytes PurposeMac(const KeyBytes& key, absl::string_view purpose,
                    absl::string_view data) {
  MacBytes subkey = HmacSha256(key.data(), key.size(), {"steward/", purpose});
  const MacBytes mac = HmacSha256(subkey.data(), subkey.size(), {data});
  OPENSSL_cleanse(subkey.data(), subkey.size());
  return mac;
}

}  // namespace

std::string DataKeyRing::Sign(absl::string_view purpose,
                              absl::string_view data) const {
  const std::string& id = state_->active_id;
  const MacBytes mac = PurposeMac(*state_->Find(id), purpose, data);
  std::string out;
  out.reserve(1 + id.size() + kMacSize);
  out.push_back(static_cast<char>(id.size()));
  out.append(id);
  out.append(reinterpret_cast<const char*>(mac.data()), mac.size());
  return out;
}

bool DataKeyRing::Verify(absl::string_view purpose, absl::string_view data,
                         absl::string_view mac) const {
  if (mac.empty()) return false;
  const size_t id_size = static_cast<unsigned char>(mac[0]);
  if (mac.size() != 1 + id_size + kMacSize) return false;
  const KeyBytes* key = state_->Find(mac.substr(1, id_size));
  if (key == nullptr) return false;
  const MacBytes expected = PurposeMac(*key, purpose, data);
  return CRYPTO_memcmp(expected.data(), mac.data() + 1 + id_size, kMacSize) ==
         0;
}

}  // namespace steward::crypto
