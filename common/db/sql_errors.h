// The one mapping from MySQL/MariaDB errors to absl::Status (see STYLE.md's
// table). Only storage/ code includes Connector/C++ headers; this header does
// not, so callers pass the error code and SQLSTATE.
#ifndef STEWARD_COMMON_DB_SQL_ERRORS_H_
#define STEWARD_COMMON_DB_SQL_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace steward::db {

// True for client/server errors after which the connection must be dropped
// (server gone, lost connection, cannot connect, killed, shutting down).
bool IsConnectionError(int error_code);

// Maps an error of the statement named `what` (a query constant's name, never
// data). The server's message may quote row values (duplicate keys, bad
// strings), so it is logged only for error codes that cannot carry them.
absl::Status MapSqlError(int error_code, absl::string_view sql_state,
                         absl::string_view server_message,
                         absl::string_view what);

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_SQL_ERRORS_H_
