// Small typed helpers for the read patterns every repository shares. Storage
// code only (Connector/C++ types).
#ifndef STEWARD_COMMON_DB_FETCH_H_
#define STEWARD_COMMON_DB_FETCH_H_

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/connection_pool.h"

namespace steward::db {

// Runs `sql` — a SELECT whose two parameters are (community_id, id) — with
// `op` and reads the row with `read`. NOT_FOUND carrying `not_found` when no
// row matches: a resource of another community is not found either.
template <typename T>
absl::StatusOr<T> FetchInCommunity(
    const Operation& op, const char* sql, const std::string& community,
    int64_t id, const std::function<T(sql::ResultSet&)>& read,
    absl::string_view not_found) {
  std::optional<T> found;
  absl::Status status = op.Run([&](Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(sql);
    select.setString(1, community);
    select.setInt64(2, id);
    std::unique_ptr<sql::ResultSet> row(select.executeQuery());
    found.reset();
    if (row->next()) found = read(*row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) return absl::NotFoundError(not_found);
  return *std::move(found);
}

// For List queries that fetch `limit + 1` rows newest first: drops the extra
// row and returns the id to continue after, or 0 when this was the last
// page.
template <typename T, typename IdOf>
int64_t TrimPage(std::vector<T>& rows, int limit, IdOf id_of) {
  if (static_cast<int>(rows.size()) <= limit) return 0;
  rows.resize(limit);
  return id_of(rows.back());
}

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_FETCH_H_
