// Conversions between absl types and the column types Steward schemas use:
// instants are UTC DATETIME(6) (sessions run with time_zone '+00:00').
#ifndef STEWARD_COMMON_DB_SQL_VALUES_H_
#define STEWARD_COMMON_DB_SQL_VALUES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace steward::db {

// Server error numbers storage code reacts to specifically.
inline constexpr int kErrorDuplicateKey = 1062;

// "2026-10-09 09:50:00.000000", microsecond precision, UTC; instants outside
// DATETIME's years 1000..9999 (including the infinities) are clamped.
std::string ToSqlDateTime(absl::Time t);
// Parses what ToSqlDateTime writes (fraction optional); InfinitePast on
// malformed input, which storage treats as corrupt data.
absl::Time FromSqlDateTime(absl::string_view text);
// Truncates to the microsecond, as the column stores it.
absl::Time TruncateToMicros(absl::Time t);

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_SQL_VALUES_H_
