#include "common/db/sql_errors.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/util/log.h"

namespace steward::db {
namespace {

// Server and client error numbers (mysqld_error.h / errmsg.h).
constexpr int kDupEntry = 1062;
constexpr int kDupEntryWithKeyName = 1586;
constexpr int kLockWaitTimeout = 1205;
constexpr int kLockDeadlock = 1213;
constexpr int kTooManyConnections = 1040;
constexpr int kServerShutdown = 1053;
constexpr int kConnectionKilled = 1927;
constexpr int kQueryInterrupted = 1317;
constexpr int kStatementTimeout = 1969;  // MariaDB max_statement_time
constexpr int kMysqlStatementTimeout = 3024;
constexpr int kCantConnectLocal = 2002;
constexpr int kCantConnectTcp = 2003;
constexpr int kUnknownHost = 2005;
constexpr int kServerGone = 2006;
constexpr int kServerLost = 2013;
constexpr int kCommandsOutOfSync = 2014;
constexpr int kServerLostExtended = 2055;
// Codes whose server message may quote user data.
constexpr int kTruncatedWrongValue = 1292;
constexpr int kIncorrectStringValue = 1366;
constexpr int kDataTruncated = 1265;

}  // namespace

bool IsConnectionError(int error_code) {
  switch (error_code) {
    case kServerShutdown:
    case kConnectionKilled:
    case kCantConnectLocal:
    case kCantConnectTcp:
    case kUnknownHost:
    case kServerGone:
    case kServerLost:
    case kCommandsOutOfSync:
    case kServerLostExtended:
      return true;
    default:
      return false;
  }
}

absl::Status MapSqlError(int error_code, absl::string_view sql_state,
                         absl::string_view server_message,
                         absl::string_view what) {
  switch (error_code) {
    case kDupEntry:
    case kDupEntryWithKeyName:
      return absl::AlreadyExistsError(absl::StrCat(what, ": already exists"));
    case kLockDeadlock:
    case kLockWaitTimeout:
      return absl::AbortedError(
          absl::StrCat(what, ": concurrent update conflict; retry"));
    case kStatementTimeout:
    case kMysqlStatementTimeout:
    case kQueryInterrupted:
      return absl::DeadlineExceededError(
          absl::StrCat(what, ": database statement timed out"));
    case kTooManyConnections:
      return absl::UnavailableError("database refuses new connections");
    default:
      break;
  }
  if (IsConnectionError(error_code)) {
    log::WarningThrottled("database connection lost",
                 {{"query", std::string(what)},
                  {"mysql_errno", absl::StrCat(error_code)}});
    return absl::UnavailableError("database unavailable; retry later");
  }
  const bool may_quote_data = error_code == kTruncatedWrongValue ||
                              error_code == kIncorrectStringValue ||
                              error_code == kDataTruncated;
  log::ErrorThrottled("database error",
             {{"query", std::string(what)},
              {"mysql_errno", absl::StrCat(error_code)},
              {"sqlstate", std::string(sql_state)},
              {"detail", may_quote_data ? std::string("(withheld: may quote data)")
                                        : std::string(server_message)}});
  return absl::InternalError(absl::StrCat(what, ": database error ", error_code));
}

}  // namespace steward::db
