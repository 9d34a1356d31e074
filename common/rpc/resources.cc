#include "common/rpc/resources.h"

#include <openssl/rand.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "common/rpc/errors.h"
#include "common/util/fingerprint.h"
#include "steward/common/v1/common.pb.h"

namespace steward::rpc {
namespace {

constexpr size_t kMaxIdLength = 63;
constexpr size_t kMaxPageTokenLength = 512;
constexpr size_t kQueryFingerprintBytes = 16;

std::string QueryFingerprint(absl::string_view query_key) {
  return Sha256(query_key).substr(0, kQueryFingerprintBytes);
}

absl::Mutex page_token_key_mu(absl::kConstInit);

// A random key until SetPageTokenKey installs the deployment's.
std::string* PageTokenKeyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(page_token_key_mu) {
  static std::string* key = [] {
    unsigned char random[32];
    RAND_bytes(random, sizeof(random));
    return new std::string(reinterpret_cast<const char*>(random), sizeof(random));
  }();
  return key;
}

std::string PageTokenMac(const steward::common::v1::PageCursor& proto) {
  std::string key;
  {
    absl::MutexLock lock(&page_token_key_mu);
    key = *PageTokenKeyLocked();
  }
  return HmacSha256(key, absl::StrCat(proto.after_id(), "|",
                                      proto.filter_fingerprint()))
      .substr(0, 16);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseName(
    absl::string_view name, const std::vector<absl::string_view>& collections,
    absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  std::string pattern;
  for (absl::string_view c : collections) {
    absl::StrAppend(&pattern, pattern.empty() ? "" : "/", c, "/{id}");
  }
  if (parts.size() != collections.size() * 2) {
    return InvalidField(field, absl::StrCat("must look like ", pattern));
  }
  std::vector<std::string> ids;
  for (size_t i = 0; i < collections.size(); ++i) {
    absl::string_view id = parts[2 * i + 1];
    if (parts[2 * i] != collections[i] || id.empty() ||
        id.size() > kMaxIdLength) {
      return InvalidField(field, absl::StrCat("must look like ", pattern));
    }
    ids.emplace_back(id);
  }
  return ids;
}

bool IsValidCommunityId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || id.front() == '-') {
    return false;
  }
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> ParseCommunityParent(absl::string_view parent,
                                                 absl::string_view field) {
  auto ids = ParseName(parent, {"communities"}, field);
  if (!ids.ok()) return ids.status();
  if (!IsValidCommunityId((*ids)[0])) {
    return InvalidField(field,
                        "community id must be 1-63 characters of [a-z0-9-]");
  }
  return std::move((*ids)[0]);
}

absl::StatusOr<CommunityChild> ParseCommunityChild(absl::string_view name,
                                                   absl::string_view collection,
                                                   absl::string_view field) {
  auto ids = ParseName(name, {"communities", collection}, field);
  if (!ids.ok()) return ids.status();
  if (!IsValidCommunityId((*ids)[0])) {
    return InvalidField(field,
                        "community id must be 1-63 characters of [a-z0-9-]");
  }
  auto id = ParseRowId((*ids)[1], field);
  if (!id.ok()) return id.status();
  return CommunityChild{std::move((*ids)[0]), *id};
}

absl::StatusOr<int64_t> ParseRowId(absl::string_view id,
                                   absl::string_view field) {
  int64_t value = 0;
  if (id.empty() || id.size() > 19 || !absl::ascii_isdigit(id.front()) ||
      !absl::SimpleAtoi(id, &value) || value <= 0) {
    return InvalidField(field, "id must be a positive decimal number");
  }
  return value;
}

absl::Status ValidateRequestId(absl::string_view request_id,
                               absl::string_view field) {
  if (request_id.empty()) {
    return InvalidField(field, "required: a client-chosen idempotency key");
  }
  if (request_id.size() > 64) {
    return InvalidField(field, "at most 64 characters");
  }
  for (char c : request_id) {
    if (!(absl::ascii_isalnum(c) || c == '_' || c == '.' || c == ':' ||
          c == '-')) {
      return InvalidField(field, "only [A-Za-z0-9_.:-] allowed");
    }
  }
  return absl::OkStatus();
}

std::string FormatEtag(int64_t version) { return absl::StrCat("W/", version); }

absl::StatusOr<int64_t> ParseEtag(absl::string_view etag,
                                  absl::string_view field) {
  int64_t version = 0;
  if (!absl::ConsumePrefix(&etag, "W/") || !absl::SimpleAtoi(etag, &version) ||
      version <= 0) {
    return InvalidField(field, "malformed etag; send back the one you read");
  }
  return version;
}

absl::StatusOr<int> NormalizePageSize(int page_size) {
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  if (page_size == 0) return kDefaultPageSize;
  return page_size > kMaxPageSize ? kMaxPageSize : page_size;
}

void SetPageTokenKey(absl::string_view key) {
  absl::MutexLock lock(&page_token_key_mu);
  *PageTokenKeyLocked() = std::string(key);
}

std::string EncodePageToken(const PageCursor& cursor,
                            absl::string_view query_key) {
  steward::common::v1::PageCursor proto;
  proto.set_after_id(cursor.after_id);
  proto.set_filter_fingerprint(QueryFingerprint(query_key));
  proto.set_mac(PageTokenMac(proto));
  std::string token;
  absl::WebSafeBase64Escape(proto.SerializeAsString(), &token);
  return token;
}

absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token,
                                           absl::string_view query_key) {
  if (token.empty()) return PageCursor{};
  std::string bytes;
  steward::common::v1::PageCursor proto;
  if (token.size() > kMaxPageTokenLength ||
      !absl::WebSafeBase64Unescape(token, &bytes) ||
      !proto.ParseFromString(bytes) || proto.after_id() <= 0) {
    return InvalidField("page_token", "malformed page token");
  }
  if (!SecureEquals(proto.mac(), PageTokenMac(proto))) {
    return InvalidField("page_token", "page token was not issued by this service");
  }
  if (proto.filter_fingerprint() != QueryFingerprint(query_key)) {
    return InvalidField("page_token",
                        "token was issued for another parent or filter");
  }
  // Only the bytes EncodePageToken wrote: the base64 decoder skips blanks
  // and padding and the proto parser keeps unknown fields, so other
  // spellings of a good token would pass the MAC (fuzz_page_token).
  const PageCursor cursor{proto.after_id()};
  if (token != EncodePageToken(cursor, query_key)) {
    return InvalidField("page_token", "malformed page token");
  }
  return cursor;
}

absl::StatusOr<PageQuery> ParsePageQuery(absl::string_view parent,
                                         int page_size,
                                         absl::string_view page_token,
                                         absl::string_view collection,
                                         absl::string_view filter_key,
                                         absl::string_view caller) {
  FieldErrors errors;
  PageQuery query;
  auto community = ParseCommunityParent(parent, "parent");
  errors.Absorb(community.status());
  auto size = NormalizePageSize(page_size);
  errors.Absorb(size.status());
  if (!errors.empty()) return errors.ToStatus();
  query.community = *std::move(community);
  query.page_size = *size;
  query.query_key =
      absl::StrCat(collection, "|", query.community, "|", filter_key, "|",
                   caller);
  auto cursor = DecodePageToken(page_token, query.query_key);
  if (!cursor.ok()) return cursor.status();
  query.after_id = cursor->after_id;
  return query;
}

std::string NextPageToken(const PageQuery& query, int64_t next_after_id) {
  if (next_after_id <= 0) return "";
  return EncodePageToken({next_after_id}, query.query_key);
}

}  // namespace steward::rpc
