// The migration runner against the real MariaDB: applies each file once,
// a second run is a no-op, and edited, removed or out-of-order files stop it.
#include <cppconn/driver.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "tests/support/service_harness.h"
#include "tests/support/test_env.h"

namespace steward::db {
namespace {

using ::steward::testing::TestEnv;

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(::steward::testing::LoadTestEnv(&env_));
    schema_ = absl::StrCat("steward_migtest_", ::getpid());
    dir_ = absl::StrCat(::testing::TempDir(), schema_);
    std::filesystem::create_directories(dir_);
    Admin(absl::StrCat("CREATE DATABASE ", schema_));
    WriteFile("V001__create_things.sql",
              "CREATE TABLE things (id BIGINT PRIMARY KEY, label VARCHAR(20));\n"
              "-- a comment; with a semicolon\n"
              "INSERT INTO things VALUES (1, 'semi;colon');\n");
    WriteFile("V002__add_column.sql",
              "ALTER TABLE things ADD COLUMN note VARCHAR(10) NOT NULL DEFAULT '';");
    pool_ = NewPool(Config());
    ASSERT_NE(pool_, nullptr);
  }

  DbConfig Config() const {
    DbConfig config;
    config.port = env_.db_port;
    config.user = "steward_admin";
    config.password = ::steward::testing::ReadPassword(env_, "admin");
    config.schema = schema_;
    config.pool_size = 2;
    return config;
  }

  std::unique_ptr<ConnectionPool> NewPool(const DbConfig& config) {
    auto pool = ConnectionPool::Create(config, &metrics_);
    if (!pool.ok()) {
      ADD_FAILURE() << pool.status();
      return nullptr;
    }
    return *std::move(pool);
  }

  void TearDown() override {
    pool_.reset();
    if (!schema_.empty() && env_.db_port != 0) {
      Admin(absl::StrCat("DROP DATABASE IF EXISTS ", schema_));
    }
    std::filesystem::remove_all(dir_);
  }

  void WriteFile(const std::string& name, const std::string& content) {
    std::ofstream(dir_ + "/" + name) << content;
  }

  // Runs a statement as the admin user, outside the code under test.
  int64_t Admin(const std::string& statement) {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("127.0.0.1");
    options["port"] = env_.db_port;
    options["userName"] = sql::SQLString("steward_admin");
    options["password"] =
        sql::SQLString(::steward::testing::ReadPassword(env_, "admin"));
    std::unique_ptr<sql::Connection> conn(get_driver_instance()->connect(options));
    std::unique_ptr<sql::Statement> s(conn->createStatement());
    if (s->execute(statement)) {
      std::unique_ptr<sql::ResultSet> rows(s->getResultSet());
      return rows->next() ? rows->getInt64(1) : -1;
    }
    return 0;
  }

  absl::StatusOr<MigrationReport> Migrate() {
    auto files = LoadMigrations(dir_);
    if (!files.ok()) return files.status();
    return ApplyMigrations(*pool_, *files);
  }

  TestEnv env_;
  std::string schema_;
  std::string dir_;
  prometheus::Registry registry_;
  DbMetrics metrics_{registry_};
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(MigrationsTest, AppliesEachFileOnceAndASecondRunIsANoOp) {
  auto first = Migrate();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->applied, (std::vector<int>{1, 2}));
  EXPECT_EQ(first->already_applied, 0);
  EXPECT_EQ(Admin(absl::StrCat("SELECT COUNT(*) FROM ", schema_, ".things")), 1);
  EXPECT_EQ(Admin(absl::StrCat("SELECT COUNT(*) FROM ", schema_,
                               ".schema_history")),
            2);

  auto second = Migrate();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->already_applied, 2);
  // Had V001 run again its INSERT would have failed or doubled the row.
  EXPECT_EQ(Admin(absl::StrCat("SELECT COUNT(*) FROM ", schema_, ".things")), 1);
}

// MariaDB's DDL is not transactional: a client that gave up on a long
// statement would leave it applied but unrecorded, and every later start-up
// would fail on it. Migrations therefore run with their own socket timeout.
TEST_F(MigrationsTest, AFileSlowerThanTheIoTimeoutIsAppliedAndRecorded) {
  ASSERT_TRUE(Migrate().ok());
  WriteFile("V003__slow.sql",
            "DO SLEEP(3);\nCREATE TABLE slow_things (id INT PRIMARY KEY);");
  DbConfig config = Config();
  config.io_timeout = absl::Seconds(1);
  pool_ = NewPool(config);
  ASSERT_NE(pool_, nullptr);
  auto report = Migrate();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->applied, (std::vector<int>{3}));
  EXPECT_EQ(Admin(absl::StrCat("SELECT COUNT(*) FROM ", schema_,
                               ".schema_history")),
            3);
  // The pool's own connections keep the short timeout.
  auto lease = pool_->Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  const absl::Status slow = ConnectionPool::Guard(
      *lease, "slow", [](Connection& conn) -> absl::Status {
        std::unique_ptr<sql::Statement> s(conn.raw().createStatement());
        s->execute("DO SLEEP(5)");
        return absl::OkStatus();
      });
  EXPECT_FALSE(slow.ok());
}

TEST_F(MigrationsTest, TheMigrationTimeoutBoundsAStatement) {
  ASSERT_TRUE(Migrate().ok());
  WriteFile("V003__too_slow.sql", "DO SLEEP(8);");
  DbConfig config = Config();
  config.migration_timeout = absl::Seconds(1);
  pool_ = NewPool(config);
  ASSERT_NE(pool_, nullptr);
  // Given its 8 s the file would have been applied.
  auto report = Migrate();
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(Admin(absl::StrCat("SELECT COUNT(*) FROM ", schema_,
                               ".schema_history")),
            2);
}

TEST_F(MigrationsTest, NewFileIsAppliedOnTheNextRun) {
  ASSERT_TRUE(Migrate().ok());
  WriteFile("V003__more.sql", "CREATE TABLE more_things (id INT PRIMARY KEY);");
  auto report = Migrate();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->applied, (std::vector<int>{3}));
  EXPECT_EQ(report->already_applied, 2);
}

TEST_F(MigrationsTest, EditedAppliedFileStopsTheRun) {
  ASSERT_TRUE(Migrate().ok());
  WriteFile("V002__add_column.sql",
            "ALTER TABLE things ADD COLUMN note VARCHAR(99) NOT NULL DEFAULT '';");
  WriteFile("V003__more.sql", "CREATE TABLE more_things (id INT PRIMARY KEY);");
  auto report = Migrate();
  ASSERT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(report.status().message().find("V002__add_column.sql"),
            std::string::npos);
  EXPECT_NE(report.status().message().find("edited"), std::string::npos);
  // Nothing after the refusal ran.
  EXPECT_EQ(Admin(absl::StrCat("SELECT COUNT(*) FROM information_schema.tables "
                               "WHERE table_schema = '", schema_,
                               "' AND table_name = 'more_things'")),
            0);
}

TEST_F(MigrationsTest, RemovedAppliedFileStopsTheRun) {
  ASSERT_TRUE(Migrate().ok());
  std::filesystem::remove(dir_ + "/V002__add_column.sql");
  auto report = Migrate();
  ASSERT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(report.status().message().find("missing"), std::string::npos);
}

TEST_F(MigrationsTest, FileSortingBelowAnAppliedOneIsRefused) {
  std::filesystem::remove(dir_ + "/V001__create_things.sql");
  WriteFile("V005__create_things.sql",
            "CREATE TABLE things (id BIGINT PRIMARY KEY, label VARCHAR(20));");
  std::filesystem::remove(dir_ + "/V002__add_column.sql");
  ASSERT_TRUE(Migrate().ok());
  WriteFile("V004__late.sql", "CREATE TABLE late (id INT PRIMARY KEY);");
  auto report = Migrate();
  ASSERT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(report.status().message().find("V004__late.sql"), std::string::npos);
}

TEST_F(MigrationsTest, FailingStatementIsReportedAndNotRecorded) {
  WriteFile("V003__broken.sql", "CREATE TABLE broken (id INT PRIMARY KEY,);");
  auto report = Migrate();
  ASSERT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(report.status().message().find("V003__broken.sql"), std::string::npos);
  // V001 and V002 were applied and recorded before the broken one.
  EXPECT_EQ(Admin(absl::StrCat("SELECT COUNT(*) FROM ", schema_,
                               ".schema_history")),
            2);
}

}  // namespace
}  // namespace steward::db
