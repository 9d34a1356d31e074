// Versioned schema migrations: files named V001__description.sql in one
// folder per service, applied in version order at start-up, each exactly
// once. A history table records version, checksum and timing; start-up is
// refused when an applied file was edited or removed, or when a new file
// sorts below one already applied.
#ifndef STEWARD_COMMON_DB_MIGRATIONS_H_
#define STEWARD_COMMON_DB_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/connection_pool.h"

namespace steward::db {

struct MigrationFile {
  int version = 0;
  std::string description;  // from the file name
  std::string file_name;
  std::string sql;
  std::string checksum;  // SHA-256 hex of the file's bytes
};

// Reads every V<digits>__<words>.sql in `dir`, sorted by version.
// INVALID_ARGUMENT for a badly named .sql file or a version used twice;
// NOT_FOUND when the folder is missing or holds no migration.
absl::StatusOr<std::vector<MigrationFile>> LoadMigrations(
    const std::string& dir);

// Splits a migration into statements at semicolons outside quotes, backticks
// and comments. Empty statements are dropped.
std::vector<std::string> SplitSqlStatements(absl::string_view sql);

struct MigrationReport {
  std::vector<int> applied;  // versions applied by this run
  int already_applied = 0;
};

// Applies the pending migrations under a named server lock, so replicas
// starting together apply each file once. FAILED_PRECONDITION naming the file
// when an applied one changed, disappeared or a new one is out of order, or
// when a statement fails (e.g. the pool's user may not run DDL). When every
// file is applied it only reads: a runtime user holding no more than
// SELECT, INSERT, UPDATE, DELETE on the schema can verify it.
absl::StatusOr<MigrationReport> ApplyMigrations(
    ConnectionPool& pool, const std::vector<MigrationFile>& files);

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_MIGRATIONS_H_
