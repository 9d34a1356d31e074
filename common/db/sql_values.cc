#include "common/db/sql_values.h"

#include <algorithm>

namespace steward::db {

std::string ToSqlDateTime(absl::Time t) {
  // DATETIME holds years 1000..9999; infinite or out-of-range instants (a
  // deadline that can never fall due) are clamped to the ends.
  static const absl::Time kMin = absl::FromCivil(
      absl::CivilSecond(1000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kMax =
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59),
                      absl::UTCTimeZone()) +
      absl::Microseconds(999999);
  t = std::clamp(t, kMin, kMax);
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", t, absl::UTCTimeZone());
}

absl::Time FromSqlDateTime(absl::string_view text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &t,
                       &error)) {
    return absl::InfinitePast();
  }
  return t;
}

absl::Time TruncateToMicros(absl::Time t) {
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

}  // namespace steward::db
