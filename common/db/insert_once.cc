#include "common/db/insert_once.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/rpc/errors.h"

namespace steward::db {
absl::StatusOr<int64_t> InsertOnce(
    Connection& conn, sql::PreparedStatement& insert,
    const std::function<std::optional<std::string>()>& replay,
    const std::string& fingerprint, absl::string_view noun,
    absl::string_view conflict) {
  int64_t id = 0;
  try {
    std::unique_ptr<sql::ResultSet> returned(insert.executeQuery());
    if (!returned->next()) {
      throw sql::SQLException("INSERT ... RETURNING answered no row");
    }
    id = returned->getInt64(1);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != kErrorDuplicateKey) throw;
    const std::optional<std::string> stored = replay();
    if (!stored.has_value()) return absl::AlreadyExistsError(conflict);
    if (*stored != fingerprint) {
      return rpc::InvalidField(
          "request_id", absl::StrCat("already used for a different ", noun,
                                     "; use a new request_id"));
    }
    return 0;
  }
  return id;
}

absl::StatusOr<int64_t> InsertOnce(Connection& conn,
                                   sql::PreparedStatement& insert,
                                   const ReplayQuery& replay,
                                   const std::string& fingerprint,
                                   absl::string_view noun,
                                   absl::string_view conflict) {
  return InsertOnce(
      conn, insert,
      [&]() -> std::optional<std::string> {
        sql::PreparedStatement& select = conn.Prepare(replay.select_sql);
        select.setString(1, replay.community);
        select.setString(2, replay.request_id);
        std::unique_ptr<sql::ResultSet> row(select.executeQuery());
        if (!row->next()) return std::nullopt;
        replay.read(*row);
        return std::string(row->getString(replay.fingerprint_column));
      },
      fingerprint, noun, conflict);
}

}  // namespace steward::db
