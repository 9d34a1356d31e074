// Each service's database user reaches its own schema and nothing else.
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/support/test_env.h"

namespace steward::testing {
namespace {

const std::vector<std::string> kServices = {"tickets", "communication",
                                            "training", "kpi"};

class DbIsolationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_TRUE(LoadTestEnv(&env_)); }

  std::unique_ptr<sql::Connection> ConnectAs(const std::string& service) {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("127.0.0.1");
    options["port"] = env_.db_port;
    options["userName"] = sql::SQLString("steward_" + service);
    options["password"] = sql::SQLString(ReadPassword(env_, service));
    options["schema"] = sql::SQLString("steward_" + service);
    return std::unique_ptr<sql::Connection>(
        get_driver_instance()->connect(options));
  }

  // The server error number of `statement`, 0 when it succeeds.
  static int ErrorOf(sql::Connection& conn, const std::string& statement) {
    try {
      std::unique_ptr<sql::Statement> s(conn.createStatement());
      s->execute(statement);
      return 0;
    } catch (const sql::SQLException& e) {
      return e.getErrorCode();
    }
  }

  TestEnv env_;
};

TEST_P(DbIsolationTest, UserReachesOnlyItsOwnSchema) {
  const std::string me = GetParam();
  auto conn = ConnectAs(me);
  EXPECT_EQ(ErrorOf(*conn, "CREATE TABLE isolation_probe (id INT PRIMARY KEY)"), 0);
  EXPECT_EQ(ErrorOf(*conn, "INSERT INTO isolation_probe VALUES (1)"), 0);
  EXPECT_EQ(ErrorOf(*conn, "DROP TABLE isolation_probe"), 0);

  for (const std::string& other : kServices) {
    if (other == me) continue;
    const std::string schema = "steward_" + other;
    constexpr int kDbAccessDenied = 1044;
    constexpr int kTableAccessDenied = 1142;
    const int use = ErrorOf(*conn, "USE " + schema);
    EXPECT_EQ(use, kDbAccessDenied) << me << " → " << schema;
    const int read = ErrorOf(*conn, "SELECT * FROM " + schema + ".schema_history");
    EXPECT_TRUE(read == kTableAccessDenied || read == kDbAccessDenied)
        << me << " reading " << schema << ": error " << read;
    const int create = ErrorOf(*conn, "CREATE TABLE " + schema + ".probe (id INT)");
    EXPECT_TRUE(create == kTableAccessDenied || create == kDbAccessDenied)
        << me << " creating in " << schema << ": error " << create;
  }
  // The catalogue shows this user no other Steward schema.
  std::unique_ptr<sql::Statement> s(conn->createStatement());
  std::unique_ptr<sql::ResultSet> rows(s->executeQuery(
      "SELECT schema_name FROM information_schema.schemata "
      "WHERE schema_name LIKE 'steward\\_%'"));
  std::vector<std::string> visible;
  while (rows->next()) visible.push_back(rows->getString(1));
  EXPECT_EQ(visible, std::vector<std::string>{"steward_" + me});
}

INSTANTIATE_TEST_SUITE_P(AllServices, DbIsolationTest,
                         ::testing::ValuesIn(kServices));

}  // namespace
}  // namespace steward::testing
