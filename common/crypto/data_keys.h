// Data keys for personal information at rest (owners' phone numbers, names,
// addresses — personal information under PIPL): AES-256-GCM sealing with the
// key id stored beside the ciphertext so keys can be rotated, a keyed hash for
// exact-lookup columns, and MACs for opaque tokens.
#ifndef STEWARD_COMMON_CRYPTO_DATA_KEYS_H_
#define STEWARD_COMMON_CRYPTO_DATA_KEYS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace steward::crypto {

// A ring of 256-bit data keys.
//
// Text format, one key per line:
//   <key_id> <base64 of exactly 32 bytes>
// in standard, padded base64 (what `openssl rand -base64 32` prints).
// '#' starts a comment (to the end of the line); blank lines are ignored.
// key_id: 1..16 characters of [A-Za-z0-9_-]. The reserved id "lookup" is the
// keyed-hash key (required, exactly one). Of the other keys the FIRST listed is
// the active key, which seals and signs; all of them open and verify. To
// rotate, put the new key first and keep the old ones until every value has
// been re-sealed (see SealedKeyId).
//
// Copies are cheap and share one immutable key set, which is wiped
// (OPENSSL_cleanse) when the last copy goes. All methods are const and
// thread-safe: every call uses its own OpenSSL contexts.
class DataKeyRing {
 public:
  // Parses the text format above. Duplicate ids, a malformed line or id, bad
  // base64, a key that is not 32 bytes, no "lookup" key or no active key ->
  // INVALID_ARGUMENT naming the line number where there is one. Messages never
  // contain key bytes.
  static absl::StatusOr<DataKeyRing> Parse(absl::string_view text);
  // Reads and parses the file at `path`; INVALID_ARGUMENT naming the path when
  // it cannot be read or does not parse.
  static absl::StatusOr<DataKeyRing> LoadFile(const std::string& path);
  // A fresh ring in the text format: random "k1" (active) and "lookup" keys.
  // For dev scripts and tests.
  static std::string GenerateText();

  // The id of the key Seal and Sign use.
  const std::string& active_key_id() const;

  // AES-256-GCM under the active key with a random 96-bit nonce. The output
  // is a binary blob:
  //   0x01 | key id length (1 byte) | key id | 12-byte nonce | ciphertext |
  //   16-byte tag
  // The additional authenticated data is the header (0x01 | length | key id)
  // followed by `context` (e.g. "tickets.contact_phone"), so a blob cannot be
  // moved to another column nor relabelled. Empty plaintext -> empty output, so
  // "no value" stays empty. Aborts the process only if OpenSSL itself fails
  // (no randomness): sealing must never silently produce a weak blob.
  std::string Seal(absl::string_view plaintext,
                   absl::string_view context) const;
  // Reverses Seal. Empty -> empty. A key id not in this ring ->
  // FAILED_PRECONDITION naming the key id; truncated, garbled or tampered
  // data, or another `context` -> DATA_LOSS. Messages never contain plaintext.
  absl::StatusOr<std::string> Open(absl::string_view sealed,
                                   absl::string_view context) const;
  // The key id inside a sealed blob, "" when the blob is empty or malformed.
  // For re-encryption jobs: a value whose key id is not active_key_id() is due.
  static std::string SealedKeyId(absl::string_view sealed);

  // HMAC-SHA256 under the "lookup" key of
  //   big-endian uint32 length of context | context | value
  // as 32 raw bytes. The length prefix keeps (context, value) pairs apart.
  // Deterministic and independent of rotating the other keys, for an indexed
  // exact-lookup column. This byte layout is stored: never change it.
  std::string LookupHash(absl::string_view context,
                         absl::string_view value) const;

  // A MAC of `data` for opaque tokens (page tokens): HMAC-SHA256 under the
  // subkey HMAC-SHA256(active key, "steward/" + purpose), so different
  // purposes never share a key. Returns
  //   key id length (1 byte) | key id | 32-byte MAC.
  std::string Sign(absl::string_view purpose, absl::string_view data) const;
  // True when `mac` is Sign(purpose, data) by any key of this ring. Compares in
  // constant time. A malformed mac or unknown key id -> false.
  bool Verify(absl::string_view purpose, absl::string_view data,
              absl::string_view mac) const;

 private:
  struct State;
  explicit DataKeyRing(std::shared_ptr<const State> state);

  std::shared_ptr<const State> state_;
};

}  // namespace steward::crypto

#endif  // STEWARD_COMMON_CRYPTO_DATA_KEYS_H_
