// Start-up refuses a database that acknowledges commits before they are on
// disk (innodb_flush_log_at_trx_commit != 1) unless explicitly allowed for
// development. Uses a private MariaDB so changing its settings disturbs no
// other test.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

// Sets innodb_flush_log_at_trx_commit on the scratch server as its admin.
bool SetFlushLogAtCommit(const ScratchMariaDb& db, int value) {
  const TestEnv env = db.env();
  return RunShell(absl::StrCat(
             "mariadb --no-defaults -h127.0.0.1 -P", db.port(),
             " -usteward_admin -p\"$(cat '", env.secrets_dir,
             "/admin.password')\" -e 'SET GLOBAL innodb_flush_log_at_trx_commit = ",
             value, "'")) == 0;
}

TEST(DurabilityTest, RefusesANonDurableDatabaseUnlessAllowed) {
  TestEnv base;
  ASSERT_TRUE(LoadTestEnv(&base));
  ScratchMariaDb db(base);
  ASSERT_TRUE(db.Start());
  const TestEnv env = db.env();
  ASSERT_TRUE(SetFlushLogAtCommit(db, 2));

  ServiceUnderTest refused = StartService(env, "tickets", db.port());
  EXPECT_EQ(refused.process->Wait(absl::Seconds(30)), 3);
  EXPECT_TRUE(absl::StrContains(refused.process->ReadLog(),
                                "innodb_flush_log_at_trx_commit = 2"))
      << refused.process->ReadLog();

  ServiceUnderTest allowed =
      StartService(env, "tickets", db.port(), {"--allow_non_durable_db"});
  EXPECT_TRUE(WaitForHealth(allowed.target(), "SERVING", absl::Seconds(30)))
      << allowed.process->ReadLog();

  ASSERT_TRUE(SetFlushLogAtCommit(db, 1));
  ServiceUnderTest durable = StartService(env, "tickets", db.port());
  EXPECT_TRUE(WaitForHealth(durable.target(), "SERVING", absl::Seconds(30)))
      << durable.process->ReadLog();
}

}  // namespace
}  // namespace steward::testing
