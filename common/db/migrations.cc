#include "common/db/migrations.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/util/fingerprint.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"

namespace steward::db {
namespace {

constexpr char kCreateHistory[] =
    "CREATE TABLE IF NOT EXISTS schema_history ("
    "  version INT NOT NULL PRIMARY KEY,"
    "  description VARCHAR(200) NOT NULL,"
    "  file_name VARCHAR(255) NOT NULL,"
    "  checksum CHAR(64) NOT NULL,"
    "  applied_at DATETIME(6) NOT NULL,"
    "  execution_ms INT NOT NULL"
    ") ENGINE=InnoDB";
// Whether schema_history exists: a runtime user without CREATE may start
// a service whose migrations are all applied, and MariaDB checks CREATE
// even for CREATE TABLE IF NOT EXISTS on an existing table.
constexpr char kHistoryExists[] =
    "SELECT COUNT(*) FROM information_schema.TABLES "
    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_history'";
constexpr char kSelectHistory[] =
    "SELECT version, file_name, checksum FROM schema_history ORDER BY version";
constexpr char kInsertHistory[] =
    "INSERT INTO schema_history (version, description, file_name, checksum,"
    " applied_at, execution_ms) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), ?)";
constexpr char kGetLock[] = "SELECT GET_LOCK(CONCAT('steward_migrate_', DATABASE()), ?)";
constexpr char kReleaseLock[] =
    "SELECT RELEASE_LOCK(CONCAT('steward_migrate_', DATABASE()))";
constexpr int kLockWaitSeconds = 60;

struct Applied {
  std::string file_name;
  std::string checksum;
};

}  // namespace

absl::StatusOr<std::vector<MigrationFile>> LoadMigrations(
    const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(
        absl::StrCat("migrations folder not found: ", dir));
  }
  static const std::regex kName(R"(V(\d{1,6})__([A-Za-z0-9_]+)\.sql)");
  std::vector<MigrationFile> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") {
      continue;
    }
    std::smatch match;
    if (!std::regex_match(name, match, kName)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migration file name must look like V001__what_it_does.sql: ", name));
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    MigrationFile file;
    (void)absl::SimpleAtoi(match[1].str(), &file.version);
    file.description = absl::StrReplaceAll(match[2].str(), {{"_", " "}});
    file.file_name = name;
    file.sql = content.str();
    file.checksum = Sha256Hex(file.sql);
    files.push_back(std::move(file));
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot read migrations folder ", dir, ": ", ec.message()));
  }
  if (files.empty()) {
    return absl::NotFoundError(absl::StrCat("no migrations in ", dir));
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].version == files[i - 1].version) {
      return absl::InvalidArgumentError(
          absl::StrCat("two migrations share version ", files[i].version, ": ",
                       files[i - 1].file_name, " and ", files[i].file_name));
    }
  }
  return files;
}

std::vector<std::string> SplitSqlStatements(absl::string_view sql) {
  std::vector<std::string> statements;
  std::string current;
  char quote = 0;  // ', " or ` while inside one
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (quote != 0) {
      current.push_back(c);
      if (c == '\\' && quote != '`' && i + 1 < sql.size()) {
        current.push_back(sql[++i]);
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '-' && next == '-') {  // comment to end of line
      while (i < sql.size() && sql[i] != '\n') ++i;
      current.push_back('\n');
      continue;
    }
    if (c == '#') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      current.push_back('\n');
      continue;
    }
    if (c == '/' && next == '*') {
      const size_t end = sql.find("*/", i + 2);
      i = end == absl::string_view::npos ? sql.size() : end + 1;
      current.push_back(' ');
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') quote = c;
    if (c == ';') {
      std::string trimmed(absl::StripAsciiWhitespace(current));
      if (!trimmed.empty()) statements.push_back(std::move(trimmed));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  std::string trimmed(absl::StripAsciiWhitespace(current));
  if (!trimmed.empty()) statements.push_back(std::move(trimmed));
  return statements;
}

absl::StatusOr<MigrationReport> ApplyMigrations(
    ConnectionPool& pool, const std::vector<MigrationFile>& files) {
  // Not a pooled connection: a long ALTER must not meet the pool's socket
  // timeout (the server would finish it after the client gave up, and the
  // history row would be missing).
  STEWARD_ASSIGN_OR_RETURN(
      Lease lease, pool.AcquireDedicated(pool.config().migration_timeout));
  MigrationReport report;
  const absl::Status status = ConnectionPool::Guard(
      lease, "schema_migrate", [&](Connection& conn) -> absl::Status {
        sql::Connection& raw = conn.raw();
        std::unique_ptr<sql::PreparedStatement> lock(
            raw.prepareStatement(kGetLock));
        lock->setInt(1, kLockWaitSeconds);
        std::unique_ptr<sql::ResultSet> got(lock->executeQuery());
        if (!got->next() || got->getInt(1) != 1) {
          return absl::DeadlineExceededError(
              "another instance holds the migration lock");
        }
        struct Unlock {
          sql::Connection& raw;
          ~Unlock() {
            try {
              std::unique_ptr<sql::Statement> s(raw.createStatement());
              std::unique_ptr<sql::ResultSet> r(s->executeQuery(kReleaseLock));
            } catch (const sql::SQLException&) {
              // The lock dies with the session anyway.
            }
          }
        } unlock{raw};

        std::unique_ptr<sql::Statement> statement(raw.createStatement());
        bool history_exists = false;
        {
          std::unique_ptr<sql::ResultSet> exists(
              statement->executeQuery(kHistoryExists));
          history_exists = exists->next() && exists->getInt(1) > 0;
        }
        if (!history_exists) statement->execute(kCreateHistory);
        std::map<int, Applied> applied;
        {
          std::unique_ptr<sql::ResultSet> rows(
              statement->executeQuery(kSelectHistory));
          while (rows->next()) {
            applied[rows->getInt(1)] = {rows->getString(2), rows->getString(3)};
          }
        }
        std::map<int, const MigrationFile*> on_disk;
        for (const MigrationFile& f : files) on_disk[f.version] = &f;
        for (const auto& [version, row] : applied) {
          auto it = on_disk.find(version);
          if (it == on_disk.end()) {
            return absl::FailedPreconditionError(absl::StrCat(
                "applied migration ", row.file_name,
                " is missing from the migrations folder; restore it"));
          }
          if (it->second->checksum != row.checksum) {
            return absl::FailedPreconditionError(absl::StrCat(
                "applied migration ", row.file_name,
                " was edited after it was applied (checksum ", row.checksum,
                " in schema_history, ", it->second->checksum,
                " on disk); add a new migration instead"));
          }
        }
        const int highest = applied.empty() ? 0 : applied.rbegin()->first;
        for (const MigrationFile& f : files) {
          if (applied.contains(f.version)) {
            ++report.already_applied;
            continue;
          }
          if (f.version < highest) {
            return absl::FailedPreconditionError(absl::StrCat(
                "migration ", f.file_name, " sorts below version ", highest,
                " which is already applied; renumber it"));
          }
          const absl::Time start = absl::Now();
          for (const std::string& sql : SplitSqlStatements(f.sql)) {
            try {
              statement->execute(sql);
            } catch (const sql::SQLException& e) {
              log::Error("migration statement failed",
                         {{"file", f.file_name},
                          {"mysql_errno", absl::StrCat(e.getErrorCode())},
                          {"detail", e.what()}});
              // 1142/1044/1143: the user may not change the schema (a
              // runtime user; migrations need the migration credential).
              const bool denied = e.getErrorCode() == 1142 ||
                                  e.getErrorCode() == 1044 ||
                                  e.getErrorCode() == 1143;
              return absl::FailedPreconditionError(absl::StrCat(
                  "migration ", f.file_name, " failed: mysql error ",
                  e.getErrorCode(), ": ", e.what(),
                  denied ? " (this database user may not change the schema: "
                           "set --db_migration_user and "
                           "--db_migration_password_file)"
                         : ""));
            }
          }
          std::unique_ptr<sql::PreparedStatement> record(
              raw.prepareStatement(kInsertHistory));
          record->setInt(1, f.version);
          record->setString(2, f.description);
          record->setString(3, f.file_name);
          record->setString(4, f.checksum);
          record->setInt(5, static_cast<int>(
                                absl::ToInt64Milliseconds(absl::Now() - start)));
          record->execute();
          report.applied.push_back(f.version);
          log::Info("migration applied", {{"file", f.file_name}});
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return report;
}

}  // namespace steward::db
