// Validation and parsing shared by every API handler: AIP resource names,
// request ids, page sizes and opaque page tokens.
#ifndef STEWARD_COMMON_RPC_RESOURCES_H_
#define STEWARD_COMMON_RPC_RESOURCES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace steward::rpc {

// Splits `name` into the ids of the given collections, e.g.
// ParseName("communities/c1/tickets/42", {"communities", "tickets"}, "name")
// returns {"c1", "42"}. INVALID_ARGUMENT naming `field` when the shape is
// wrong or an id is empty or longer than 63 characters.
absl::StatusOr<std::vector<std::string>> ParseName(
    absl::string_view name, const std::vector<absl::string_view>& collections,
    absl::string_view field);

// The community id of a "communities/{community}" parent: 1..63 characters of
// [a-z0-9-], starting with a letter or digit.
absl::StatusOr<std::string> ParseCommunityParent(absl::string_view parent,
                                                 absl::string_view field);
bool IsValidCommunityId(absl::string_view id);

// "communities/{community}/{collection}/{id}" with a valid community id and
// a positive decimal row id.
struct CommunityChild {
  std::string community;
  int64_t id = 0;
};
absl::StatusOr<CommunityChild> ParseCommunityChild(
    absl::string_view name, absl::string_view collection,
    absl::string_view field = "name");

// A positive decimal row id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ParseRowId(absl::string_view id,
                                   absl::string_view field);

// Request ids are required on mutations: 1..64 characters of
// [A-Za-z0-9_.:-] (UUIDs fit).
absl::Status ValidateRequestId(absl::string_view request_id,
                               absl::string_view field = "request_id");

// Opaque identifier of a resource version; changes with every update.
std::string FormatEtag(int64_t version);
// INVALID_ARGUMENT naming `field` when malformed.
absl::StatusOr<int64_t> ParseEtag(absl::string_view etag,
                                  absl::string_view field = "etag");

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;
// 0 → default; above the maximum → the maximum; negative → INVALID_ARGUMENT.
absl::StatusOr<int> NormalizePageSize(int page_size);

// What a page token carries once decoded.
struct PageCursor {
  int64_t after_id = 0;  // 0: first page
};

// Page tokens carry an HMAC under this key, so they cannot be forged or
// edited. Every replica of a service must use the same key (service_main
// derives it from the data keys); until this is called a random per-process
// key is used. Thread-safe.
void SetPageTokenKey(absl::string_view key);

// Encodes a cursor bound to `query_key` (the parent and filters of the List
// call), so a token cannot be replayed with other filters.
std::string EncodePageToken(const PageCursor& cursor,
                            absl::string_view query_key);
// Empty token → first page. INVALID_ARGUMENT naming "page_token" when the
// token is malformed or was issued for another query.
absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token,
                                           absl::string_view query_key);

// A List call's parent and paging, checked once.
struct PageQuery {
  std::string community;
  int page_size = kDefaultPageSize;
  int64_t after_id = 0;   // from the page token; 0 for the first page
  std::string query_key;  // what the page tokens are bound to
};

// Parses "communities/{community}", the page size and the token. The token
// is bound to `collection`, the community, `filter_key` (a rendering of the
// request's filters) and `caller` (the principal's id), so replaying it with
// other filters or by another caller is rejected.
absl::StatusOr<PageQuery> ParsePageQuery(absl::string_view parent,
                                         int page_size,
                                         absl::string_view page_token,
                                         absl::string_view collection,
                                         absl::string_view filter_key,
                                         absl::string_view caller);

// The token of the page after `next_after_id`; empty when it is 0 (no more
// pages).
std::string NextPageToken(const PageQuery& query, int64_t next_after_id);

}  // namespace steward::rpc

#endif  // STEWARD_COMMON_RPC_RESOURCES_H_
