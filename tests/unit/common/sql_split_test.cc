#include <gtest/gtest.h>

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

}  // namespace
}  // namespace steward::db
