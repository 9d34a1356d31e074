#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

#include "common/db/migrations.h"
#include "common/db/sql_errors.h"
#include "common/db/sql_values.h"

namespace steward::db {
namespace {

TEST(SplitSqlStatementsTest, SplitsOnSemicolonsOutsideQuotesAndComments) {
  const auto statements = SplitSqlStatements(
      "CREATE TABLE a (x INT); -- comment; here\n"
      "INSERT INTO a VALUES ('semi;colon', \"dq;\", `bq;`);\n"
      "/* block; comment */ UPDATE a SET x = 1;  \n"
      "# hash comment;\n"
      "INSERT INTO a VALUES ('it\\'s;')");
  ASSERT_EQ(statements.size(), 4u);
  EXPECT_EQ(statements[0], "CREATE TABLE a (x INT)");
  EXPECT_EQ(statements[1], "INSERT INTO a VALUES ('semi;colon', \"dq;\", `bq;`)");
  EXPECT_EQ(statements[2], "UPDATE a SET x = 1");
  EXPECT_EQ(statements[3], "INSERT INTO a VALUES ('it\\'s;')");
}

TEST(SplitSqlStatementsTest, DropsEmptyStatements) {
  EXPECT_TRUE(SplitSqlStatements(" ;; -- only a comment\n ; ").empty());
  EXPECT_EQ(SplitSqlStatements("SELECT 1").size(), 1u);
}

TEST(SqlErrorsTest, MapsErrorNumbersToStatusCodes) {
  EXPECT_EQ(MapSqlError(1062, "23000", "dup", "op").code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(MapSqlError(1213, "40001", "", "op").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(MapSqlError(1205, "HY000", "", "op").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(MapSqlError(2013, "HY000", "", "op").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(MapSqlError(2006, "HY000", "", "op").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(MapSqlError(1969, "70100", "", "op").code(),
            absl::StatusCode::kDeadlineExceeded);
  const absl::Status other = MapSqlError(1146, "42S02", "no table", "tickets_get");
  EXPECT_EQ(other.code(), absl::StatusCode::kInternal);
  EXPECT_NE(other.message().find("tickets_get"), std::string::npos);
  EXPECT_TRUE(IsConnectionError(2013));
  EXPECT_FALSE(IsConnectionError(1062));
}

TEST(SqlValuesTest, DateTimeRoundTripsAtMicrosecondPrecision) {
  const absl::Time t = absl::FromUnixMicros(1791538400123456);
  EXPECT_EQ(ToSqlDateTime(t), "2026-10-09 09:33:20.123456");
  EXPECT_EQ(FromSqlDateTime(ToSqlDateTime(t)), t);
  EXPECT_EQ(FromSqlDateTime("2026-10-09 09:33:20"),
            absl::FromUnixSeconds(1791538400));
  EXPECT_EQ(FromSqlDateTime("garbage"), absl::InfinitePast());
  EXPECT_EQ(TruncateToMicros(t + absl::Nanoseconds(999)), t);
  EXPECT_EQ(ToSqlDateTime(absl::InfiniteFuture()), "9999-12-31 23:59:59.999999");
  EXPECT_EQ(ToSqlDateTime(absl::InfinitePast()), "1000-01-01 00:00:00.000000");
}

TEST(SqlValuesTest, DateTimeAgreesWithAbslFormatAndParse) {
  // The hand-rolled conversions against absl's own, over instants spread
  // across DATETIME's range (pre-epoch included) and sub-second values.
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (int64_t micros :
       {int64_t{-30610224000000000}, int64_t{-1}, int64_t{0}, int64_t{1},
        int64_t{999999}, int64_t{951782400000001}, int64_t{1791538400123456},
        int64_t{253402300799999999}}) {
    for (int64_t step = 0; step < 5; ++step) {
      const absl::Time t =
          absl::FromUnixMicros(micros + step * 86400123457) +
          absl::Nanoseconds(step * 137);
      const std::string text = ToSqlDateTime(t);
      EXPECT_EQ(text, absl::FormatTime("%Y-%m-%d %H:%M:%E6S",
                                       std::min(t, absl::FromUnixMicros(
                                                       253402300799999999)),
                                       utc))
          << micros << " + " << step;
      absl::Time parsed;
      std::string error;
      ASSERT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, utc, &parsed,
                                  &error));
      EXPECT_EQ(FromSqlDateTime(text), parsed) << text;
    }
  }
  // Fractions of any length, as MariaDB prints DATETIME(0..6).
  EXPECT_EQ(FromSqlDateTime("2026-10-09 09:33:20.5"),
            absl::FromUnixMillis(1791538400500));
  EXPECT_EQ(FromSqlDateTime("2026-10-09 09:33:20.123456789"),
            absl::FromUnixNanos(1791538400123456789));
}

TEST(SqlValuesTest, MalformedDateTimesAreInfinitePast) {
  for (absl::string_view text :
       {"", "2026-10-09", "2026-10-09 09:33", "2026-10-09T09:33:20",
        "2026/10/09 09:33:20", "2026-1a-09 09:33:20", "2026-13-09 09:33:20",
        "2026-02-30 09:33:20", "2026-10-09 24:00:00", "2026-10-09 09:60:00",
        "2026-10-09 09:33:20.", "2026-10-09 09:33:20,5",
        "2026-10-09 09:33:20.1234567890", "2026-10-09 09:33:20.12x",
        "2026-10-09 09:33:20 "}) {
    EXPECT_EQ(FromSqlDateTime(text), absl::InfinitePast()) << text;
  }
}

}  // namespace
}  // namespace steward::db
