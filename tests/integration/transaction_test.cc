// db::Transaction against the real MariaDB: a commit the server never
// acknowledged must fail the call. Connector/C++ 1.1's own commit() ignores
// mysql_commit's result, which answered OK for changes crash recovery then
// rolled back (found by the database kill -9 fault test).
#include <cppconn/driver.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "tests/support/service_harness.h"
#include "tests/support/test_env.h"

namespace steward::db {
namespace {

using ::steward::testing::TestEnv;

constexpr char kInsert[] = "INSERT INTO rows_under_test (label) VALUES (?)";
constexpr char kConnectionId[] = "SELECT CONNECTION_ID()";

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(::steward::testing::LoadTestEnv(&env_));
    schema_ = absl::StrCat("steward_txtest_", ::getpid());
    admin_ = Connect("");
    Admin(absl::StrCat("CREATE DATABASE ", schema_));
    Admin(absl::StrCat("CREATE TABLE ", schema_,
                       ".rows_under_test (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                       " label VARCHAR(40) NOT NULL) ENGINE=InnoDB"));
    DbConfig config;
    config.port = env_.db_port;
    config.user = "steward_admin";
    config.password = ::steward::testing::ReadPassword(env_, "admin");
    config.schema = schema_;
    config.pool_size = 1;  // every Run below gets the same connection back
    auto pool = ConnectionPool::Create(config, &metrics_);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(pool).value();
  }

  void TearDown() override {
    pool_.reset();
    if (admin_ != nullptr) Admin(absl::StrCat("DROP DATABASE IF EXISTS ", schema_));
  }

  std::unique_ptr<sql::Connection> Connect(const std::string& schema) {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("127.0.0.1");
    options["port"] = env_.db_port;
    options["userName"] = sql::SQLString("steward_admin");
    options["password"] =
        sql::SQLString(::steward::testing::ReadPassword(env_, "admin"));
    if (!schema.empty()) options["schema"] = sql::SQLString(schema);
    return std::unique_ptr<sql::Connection>(get_driver_instance()->connect(options));
  }

  // Runs a statement as the admin, outside the code under test.
  void Admin(const std::string& statement) {
    std::unique_ptr<sql::Statement> s(admin_->createStatement());
    s->execute(statement);
  }

  // Rows with `label`, counted by a session of its own (committed rows only).
  int Count(const std::string& label) {
    std::unique_ptr<sql::PreparedStatement> s(admin_->prepareStatement(
        absl::StrCat("SELECT COUNT(*) FROM ", schema_,
                     ".rows_under_test WHERE label = ?")));
    s->setString(1, label);
    std::unique_ptr<sql::ResultSet> rows(s->executeQuery());
    rows->next();
    return rows->getInt(1);
  }

  // Inserts `label` in a transaction; `before_commit` runs just before
  // Commit with the session's connection id.
  absl::Status InsertInTransaction(
      const std::string& label,
      const std::function<void(int64_t)>& before_commit = nullptr) {
    Operation op(*pool_, "txtest_insert");
    return op.Run([&](Connection& conn) {
      Transaction transaction(conn);
      sql::PreparedStatement& insert = conn.Prepare(kInsert);
      insert.setString(1, label);
      insert.executeUpdate();
      if (before_commit) {
        std::unique_ptr<sql::ResultSet> id(
            conn.Prepare(kConnectionId).executeQuery());
        id->next();
        before_commit(id->getInt64(1));
      }
      transaction.Commit();
      return absl::OkStatus();
    });
  }

  TestEnv env_;
  std::string schema_;
  std::unique_ptr<sql::Connection> admin_;
  prometheus::Registry registry_;
  DbMetrics metrics_{registry_};
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(TransactionTest, CommittedChangeIsVisibleToOtherSessions) {
  ASSERT_TRUE(InsertInTransaction("committed").ok());
  EXPECT_EQ(Count("committed"), 1);
}

TEST_F(TransactionTest, CommitOnASessionThatDiedFailsTheCallAndKeepsNothing) {
  const absl::Status status =
      InsertInTransaction("killed", [this](int64_t session) {
        Admin(absl::StrCat("KILL CONNECTION ", session));
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(Count("killed"), 0);
  // The dead session was dropped: the next call gets a fresh one and works.
  ASSERT_TRUE(InsertInTransaction("after").ok());
  EXPECT_EQ(Count("after"), 1);
}

TEST_F(TransactionTest, FailedBodyRollsBackAndTheConnectionStaysUsable) {
  Operation op(*pool_, "txtest_fail");
  const absl::Status status = op.Run([&](Connection& conn) {
    Transaction transaction(conn);
    sql::PreparedStatement& insert = conn.Prepare(kInsert);
    insert.setString(1, "rolled-back");
    insert.executeUpdate();
    return absl::FailedPreconditionError("the body refuses");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("rolled-back"), 0);
  // Back in the pool outside any transaction: a plain insert on the same
  // (only) connection commits at once.
  ASSERT_TRUE(op.Run([&](Connection& conn) {
                  sql::PreparedStatement& insert = conn.Prepare(kInsert);
                  insert.setString(1, "autocommitted");
                  insert.executeUpdate();
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(Count("autocommitted"), 1);
}

}  // namespace
}  // namespace steward::db
