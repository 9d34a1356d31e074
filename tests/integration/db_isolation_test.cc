// Each service's database users reach their own schema and nothing else,
// and the runtime user (the one serving calls) may only read and write
// rows: the append-only audit_log can be neither truncated, dropped nor
// stripped of its triggers by it. Migrations run as the migration user; the
// runtime user can still verify an up-to-date schema at start-up.
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "tests/support/test_env.h"

namespace steward::testing {
namespace {

const std::vector<std::string> kServices = {"tickets", "communication",
                                            "training", "kpi"};

class DbIsolationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_TRUE(LoadTestEnv(&env_)); }

  // The service's runtime user (steward_tickets) or its migration user
  // (steward_tickets_migrate), on the service's schema.
  std::unique_ptr<sql::Connection> ConnectAs(const std::string& service,
                                             bool migration_user = false) {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("127.0.0.1");
    options["port"] = env_.db_port;
    options["userName"] =
        sql::SQLString(migration_user ? "steward_" + service + "_migrate"
                                      : "steward_" + service);
    options["password"] = sql::SQLString(
        ReadPassword(env_, migration_user ? service + "-migrate" : service));
    options["schema"] = sql::SQLString("steward_" + service);
    return std::unique_ptr<sql::Connection>(
        get_driver_instance()->connect(options));
  }

  db::DbConfig PoolConfig(const std::string& service,
                          bool migration_user) const {
    db::DbConfig config;
    config.port = env_.db_port;
    config.user = migration_user ? "steward_" + service + "_migrate"
                                 : "steward_" + service;
    config.password =
        ReadPassword(env_, migration_user ? service + "-migrate" : service);
    config.schema = "steward_" + service;
    config.pool_size = 1;
    return config;
  }

  // Applies the service's migrations as the migration or the runtime user.
  absl::Status Migrate(const std::string& service, bool migration_user,
                       std::vector<db::MigrationFile> extra = {}) {
    auto files = db::LoadMigrations(
        absl::StrCat(env_.source_dir, "/services/", service, "/schema"));
    if (!files.ok()) return files.status();
    files->insert(files->end(), extra.begin(), extra.end());
    auto pool = db::ConnectionPool::Create(PoolConfig(service, migration_user),
                                           &metrics_);
    if (!pool.ok()) return pool.status();
    return db::ApplyMigrations(**pool, *files).status();
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
  prometheus::Registry registry_;
  db::DbMetrics metrics_{registry_};
};

TEST_P(DbIsolationTest, UserReachesOnlyItsOwnSchema) {
  const std::string me = GetParam();
  auto conn = ConnectAs(me);
  auto migrator = ConnectAs(me, /*migration_user=*/true);
  const std::string probe = absl::StrCat("isolation_probe_", ::getpid());
  EXPECT_EQ(
      ErrorOf(*migrator, "CREATE TABLE " + probe + " (id INT PRIMARY KEY)"), 0);
  EXPECT_EQ(ErrorOf(*conn, "INSERT INTO " + probe + " VALUES (1)"), 0);
  EXPECT_EQ(ErrorOf(*conn, "UPDATE " + probe + " SET id = 2"), 0);
  EXPECT_EQ(ErrorOf(*conn, "DELETE FROM " + probe), 0);
  EXPECT_EQ(ErrorOf(*migrator, "DROP TABLE " + probe), 0);

  for (const std::string& other : kServices) {
    if (other == me) continue;
    const std::string schema = "steward_" + other;
    constexpr int kDbAccessDenied = 1044;
    constexpr int kTableAccessDenied = 1142;
    const int use = ErrorOf(*conn, "USE " + schema);
    EXPECT_EQ(use, kDbAccessDenied) << me << " → " << schema;
    const int read =
        ErrorOf(*conn, "SELECT * FROM " + schema + ".schema_history");
    EXPECT_TRUE(read == kTableAccessDenied || read == kDbAccessDenied)
        << me << " reading " << schema << ": error " << read;
    const int create =
        ErrorOf(*conn, "CREATE TABLE " + schema + ".probe (id INT)");
    EXPECT_TRUE(create == kTableAccessDenied || create == kDbAccessDenied)
        << me << " creating in " << schema << ": error " << create;
    const int migrator_create =
        ErrorOf(*migrator, "CREATE TABLE " + schema + ".probe (id INT)");
    EXPECT_TRUE(migrator_create == kTableAccessDenied ||
                migrator_create == kDbAccessDenied)
        << me << "'s migration user creating in " << schema << ": error "
        << migrator_create;
  }
  // The catalogue shows this user no other Steward schema.
  std::unique_ptr<sql::Statement> s(conn->createStatement());
  std::unique_ptr<sql::ResultSet> rows(
      s->executeQuery("SELECT schema_name FROM information_schema.schemata "
                      "WHERE schema_name LIKE 'steward\\_%'"));
  std::vector<std::string> visible;
  while (rows->next()) visible.push_back(rows->getString(1));
  EXPECT_EQ(visible, std::vector<std::string>{"steward_" + me});
}

TEST_P(DbIsolationTest, RuntimeUserCannotUndoTheAuditTrail) {
  const std::string me = GetParam();
  ASSERT_TRUE(Migrate(me, /*migration_user=*/true).ok());
  auto conn = ConnectAs(me);
  constexpr int kTableAccessDenied = 1142;
  constexpr int kSignal = 1644;  // the triggers' SIGNAL SQLSTATE '45000'
  ASSERT_EQ(ErrorOf(*conn,
                    "INSERT INTO audit_log (at, principal, role, method, "
                    "resource, request_id, decision, status_code) VALUES "
                    "(UTC_TIMESTAMP(6), 'system:db-isolation-test', 'system', "
                    "'probe', 'audit_log', '', 'denied', 7)"),
            0);
  // Rows stay as written: the triggers refuse changes ...
  EXPECT_EQ(ErrorOf(*conn,
                    "UPDATE audit_log SET status_code = 0 "
                    "WHERE id = LAST_INSERT_ID()"),
            kSignal);
  EXPECT_EQ(ErrorOf(*conn, "DELETE FROM audit_log WHERE id = LAST_INSERT_ID()"),
            kSignal);
  // ... and the runtime user may not go around them.
  for (const char* statement :
       {"TRUNCATE TABLE audit_log", "DROP TABLE audit_log",
        "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete",
        "ALTER TABLE audit_log ADD COLUMN probe INT",
        "RENAME TABLE audit_log TO audit_log_gone",
        "CREATE TABLE audit_log_copy (id INT)"}) {
    EXPECT_EQ(ErrorOf(*conn, statement), kTableAccessDenied) << statement;
  }
  // (Only a user with the TRIGGER right sees triggers in the catalogue.)
  auto migrator = ConnectAs(me, /*migration_user=*/true);
  std::unique_ptr<sql::Statement> s(migrator->createStatement());
  std::unique_ptr<sql::ResultSet> triggers(
      s->executeQuery("SELECT COUNT(*) FROM information_schema.TRIGGERS "
                      "WHERE TRIGGER_SCHEMA = DATABASE() AND "
                      "EVENT_OBJECT_TABLE = 'audit_log'"));
  ASSERT_TRUE(triggers->next());
  EXPECT_EQ(triggers->getInt(1), 2);
}

TEST_P(DbIsolationTest, RuntimeUserVerifiesButCannotMigrate) {
  const std::string me = GetParam();
  ASSERT_TRUE(Migrate(me, /*migration_user=*/true).ok());
  // Everything applied: start-up as the runtime user only reads the history.
  EXPECT_TRUE(Migrate(me, /*migration_user=*/false).ok());
  // A pending file needs the migration user, and the error says so.
  db::MigrationFile pending;
  pending.version = 99999;
  pending.description = "probe";
  pending.file_name = "V99999__probe.sql";
  pending.sql = "CREATE TABLE migration_probe (id INT)";
  pending.checksum = std::string(64, '0');
  const absl::Status refused = Migrate(me, /*migration_user=*/false, {pending});
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.message(), "--db_migration_user"))
      << refused;
}

INSTANTIATE_TEST_SUITE_P(AllServices, DbIsolationTest,
                         ::testing::ValuesIn(kServices));

}  // namespace
}  // namespace steward::testing
