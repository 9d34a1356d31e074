// Idempotent creation: inserting a row keyed by a client's request id, where
// a retry must get the first call's row back and a reused id with another
// body must be refused. Storage code only (Connector/C++ types).
#ifndef STEWARD_COMMON_DB_INSERT_ONCE_H_
#define STEWARD_COMMON_DB_INSERT_ONCE_H_

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/connection_pool.h"

namespace steward::db {

// Executes `insert`, a bound `INSERT ... RETURNING id` of a row that holds
// the request's fingerprint and has a unique key over its request id
// (RETURNING, MariaDB 10.5+, answers the new id in the INSERT's own round
// trip instead of a second SELECT LAST_INSERT_ID()).
//  - Inserted: returns the new AUTO_INCREMENT id (> 0).
//  - Duplicate key: calls `replay`, which must read the row stored under the
//    same request id, keep it for the caller and return its fingerprint — or
//    nullopt when there is no such row (the duplicate was on another unique
//    key: ALREADY_EXISTS with `conflict`). A matching fingerprint returns 0
//    (the caller answers with the replayed row); another one is
//    INVALID_ARGUMENT on request_id naming `noun`.
// Concurrent twins are safe: InnoDB makes the loser wait for the winner's
// commit before it reports the duplicate, so `replay` sees the row (READ
// COMMITTED). Other errors throw sql::SQLException: call inside
// Operation::Run.
absl::StatusOr<int64_t> InsertOnce(
    Connection& conn, sql::PreparedStatement& insert,
    const std::function<std::optional<std::string>()>& replay,
    const std::string& fingerprint, absl::string_view noun,
    absl::string_view conflict);

// Where a create's earlier row is read back from on a duplicate key:
// `select_sql` takes (community, request_id) and returns the row with its
// stored fingerprint in `fingerprint_column`; `read` keeps the row for the
// caller.
struct ReplayQuery {
  const char* select_sql;
  std::string community;
  std::string request_id;
  int fingerprint_column;
  std::function<void(sql::ResultSet&)> read;
};

// InsertOnce with the replay every repository uses: the row stored under
// (community, request_id).
absl::StatusOr<int64_t> InsertOnce(Connection& conn,
                                   sql::PreparedStatement& insert,
                                   const ReplayQuery& replay,
                                   const std::string& fingerprint,
                                   absl::string_view noun,
                                   absl::string_view conflict);

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_INSERT_ONCE_H_
