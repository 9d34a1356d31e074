// db::ConnectionPool under many more callers than connections, against the
// real MariaDB: call deadlines (call_deadline.h) of every kind, a bounded wait
// queue that refuses callers at once, acquire timeouts, and connections
// stalled on a row lock another session holds. Afterwards the pool's
// invariants hold: every call was answered with OK, RESOURCE_EXHAUSTED or
// DEADLINE_EXCEEDED; every refusal was counted; no connection leaked (all
// pool_size can be leased at once again) and nobody waits; and the pool
// serves normally once the lock is gone. Built into the TSan set
// (scripts/sanitize.sh).
#include <cppconn/driver.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/db/call_deadline.h"
#include "common/db/connection_pool.h"
#include "tests/support/service_harness.h"
#include "tests/support/test_env.h"

namespace steward::db {
namespace {

using ::steward::testing::TestEnv;

constexpr char kSleep[] = "SELECT SLEEP(?)";
constexpr char kUpdateLockedRow[] =
    "UPDATE stalled_rows SET n = n + 1 WHERE id = 1";

constexpr int kPoolSize = 4;
constexpr int kMaxWaiters = 8;
constexpr int kThreads = 48;  // 12 x the connections

// What one caller asks of the pool.
enum class Call {
  kQuick,          // a short SLEEP under a deadline
  kNoDeadline,     // a short SLEEP outside any call (SLA-engine style)
  kPassed,         // a deadline that has already passed
  kStalled,        // UPDATE of the row the other session locked
};

struct Outcome {
  Call call;
  absl::Status status;
  // How far past its deadline the call returned (zero when before, or when
  // it had none).
  absl::Duration overshoot;
};

class PoolStressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(::steward::testing::LoadTestEnv(&env_));
    schema_ = absl::StrCat("steward_poolstress_", ::getpid());
    admin_ = Connect("");
    Admin(absl::StrCat("CREATE DATABASE ", schema_));
    Admin(absl::StrCat("CREATE TABLE ", schema_,
                       ".stalled_rows (id INT PRIMARY KEY, n INT NOT NULL)"
                       " ENGINE=InnoDB"));
    Admin(absl::StrCat("INSERT INTO ", schema_, ".stalled_rows VALUES (1, 0)"));
    DbConfig config;
    config.port = env_.db_port;
    config.user = "steward_admin";
    config.password = ::steward::testing::ReadPassword(env_, "admin");
    config.schema = schema_;
    config.pool_size = kPoolSize;
    config.max_waiters = kMaxWaiters;
    config.acquire_timeout = absl::Milliseconds(150);
    // Lock waits end after io_timeout - 1 s = 2 s at the latest; the call
    // deadlines below are shorter, so they are what ends a stalled call.
    config.io_timeout = absl::Seconds(3);
    auto pool = ConnectionPool::Create(config, &metrics_);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(pool).value();
  }

  void TearDown() override {
    pool_.reset();
    if (admin_ != nullptr) {
      Admin(absl::StrCat("DROP DATABASE IF EXISTS ", schema_));
    }
  }

  std::unique_ptr<sql::Connection> Connect(const std::string& schema) {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("127.0.0.1");
    options["port"] = env_.db_port;
    options["userName"] = sql::SQLString("steward_admin");
    options["password"] =
        sql::SQLString(::steward::testing::ReadPassword(env_, "admin"));
    if (!schema.empty()) options["schema"] = sql::SQLString(schema);
    return std::unique_ptr<sql::Connection>(
        get_driver_instance()->connect(options));
  }

  void Admin(const std::string& statement) {
    std::unique_ptr<sql::Statement> s(admin_->createStatement());
    s->execute(statement);
  }

  // One call through Operation::Run, as a repository makes it.
  Outcome RunCall(const Operation& op, Call call, absl::Duration timeout,
                  absl::Duration sleep) {
    const absl::Time deadline =
        call == Call::kNoDeadline ? absl::InfiniteFuture()
        : call == Call::kPassed   ? absl::Now() - absl::Milliseconds(1)
                                  : absl::Now() + timeout;
    absl::Status status;
    {
      ScopedCallDeadline scoped(deadline);
      status = op.Run([&](Connection& conn) {
        if (call == Call::kStalled) {
          conn.Prepare(kUpdateLockedRow).executeUpdate();
        } else {
          sql::PreparedStatement& s = conn.Prepare(kSleep);
          s.setDouble(1, absl::ToDoubleSeconds(sleep));
          std::unique_ptr<sql::ResultSet> rows(s.executeQuery());
        }
        return absl::OkStatus();
      });
    }
    const absl::Time now = absl::Now();
    return {call, status,
            deadline == absl::InfiniteFuture() || now <= deadline
                ? absl::ZeroDuration()
                : now - deadline};
  }

  TestEnv env_;
  std::string schema_;
  std::unique_ptr<sql::Connection> admin_;
  prometheus::Registry registry_;
  DbMetrics metrics_{registry_};
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(PoolStressTest, ManyMoreCallersThanConnectionsKeepThePoolsInvariants) {
  const absl::Time began = absl::Now();
  const double queue_full_before = metrics_.refused_queue_full().Value();
  const double timeout_before = metrics_.refused_timeout().Value();
  const double deadline_before = metrics_.refused_deadline().Value();
  const double cut_before = metrics_.cut().Value();

  // A second session holds the row lock through the middle of the run: the
  // stalled calls sit on their connections until their deadline ends them.
  std::unique_ptr<sql::Connection> locker = Connect(schema_);
  std::atomic<bool> locked{false};
  std::atomic<bool> done{false};

  // Watches the gauges throughout: never more leased or open than the pool
  // holds, never more waiting than the queue admits.
  std::atomic<int> max_in_use{0}, max_waiting{0}, max_open{0};
  std::thread monitor([&] {
    while (!done) {
      max_in_use = std::max(max_in_use.load(),
                            static_cast<int>(metrics_.in_use().Value()));
      max_waiting = std::max(max_waiting.load(),
                             static_cast<int>(metrics_.waiting().Value()));
      max_open = std::max(max_open.load(),
                          static_cast<int>(metrics_.open().Value()));
      absl::SleepFor(absl::Milliseconds(2));
    }
  });

  // The callers call until told to stop, with a short pause between calls.
  absl::Mutex mu;
  std::vector<Outcome> outcomes;
  std::atomic<int> started{0}, issued{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&, t] {
      Operation op(*pool_, "poolstress");
      std::mt19937 rng(t);
      std::vector<Outcome> mine;
      ++started;
      while (!stop) {
        const int pick = std::uniform_int_distribution<int>(0, 99)(rng);
        Call call = pick < 70   ? Call::kQuick
                    : pick < 80 ? Call::kNoDeadline
                    : pick < 90 ? Call::kPassed
                                : Call::kStalled;
        if (call == Call::kStalled && !locked) call = Call::kQuick;
        const absl::Duration timeout = absl::Milliseconds(
            std::uniform_int_distribution<int>(100, 800)(rng));
        const absl::Duration sleep = absl::Milliseconds(
            std::uniform_int_distribution<int>(1, 40)(rng));
        ++issued;
        mine.push_back(RunCall(op, call, timeout, sleep));
        absl::SleepFor(absl::Milliseconds(5));
      }
      absl::MutexLock lock(&mu);
      outcomes.insert(outcomes.end(), mine.begin(), mine.end());
    });
  }
  while (started < kThreads) absl::SleepFor(absl::Milliseconds(1));
  absl::SleepFor(absl::Seconds(1));
  // Whatever happens below, the threads are stopped and joined.
  struct Join {
    std::atomic<bool>& stop;
    std::atomic<bool>& done;
    std::vector<std::thread>& callers;
    std::thread& monitor;
    ~Join() {
      stop = true;
      for (auto& c : callers) {
        if (c.joinable()) c.join();
      }
      done = true;
      if (monitor.joinable()) monitor.join();
    }
  };
  {
    Join join{stop, done, callers, monitor};
    std::unique_ptr<sql::Statement> s(locker->createStatement());
    s->execute("START TRANSACTION");
    std::unique_ptr<sql::ResultSet> row(
        s->executeQuery("SELECT n FROM stalled_rows WHERE id = 1 FOR UPDATE"));
    ASSERT_TRUE(row->next());
    locked = true;
    absl::SleepFor(absl::Seconds(2));
    locked = false;
    s->execute("ROLLBACK");
    absl::SleepFor(absl::Seconds(1));
  }

  // Every call was answered, with one of the three answers.
  ASSERT_EQ(outcomes.size(), static_cast<size_t>(issued.load()));
  std::map<absl::StatusCode, int> by_code;
  std::map<Call, std::map<absl::StatusCode, int>> by_call;
  absl::Duration worst_overshoot;
  int stalled_in_statement = 0;
  for (const Outcome& o : outcomes) {
    ++by_code[o.status.code()];
    ++by_call[o.call][o.status.code()];
    worst_overshoot = std::max(worst_overshoot, o.overshoot);
    EXPECT_TRUE(o.status.ok() || absl::IsResourceExhausted(o.status) ||
                absl::IsDeadlineExceeded(o.status))
        << o.status;
    if (o.call == Call::kPassed) {
      EXPECT_TRUE(absl::IsDeadlineExceeded(o.status)) << o.status;
    }
    if (o.call == Call::kNoDeadline) {
      EXPECT_FALSE(absl::IsDeadlineExceeded(o.status)) << o.status;
    }
    // (A stalled call may also have come just after the lock was released.)
    if (o.call == Call::kStalled && absl::IsDeadlineExceeded(o.status) &&
        (absl::StrContains(o.status.message(), "statement timed out") ||
         absl::StrContains(o.status.message(), "did not answer"))) {
      ++stalled_in_statement;
    }
  }
  // Deadlines fire: a stalled statement is ended by the server-side bound or
  // the watchdog's cut, well within a second of its deadline (the cut comes
  // at deadline + kCutSlack).
  EXPECT_LT(worst_overshoot, kCutSlack + absl::Seconds(2));
  EXPECT_GT(stalled_in_statement, 0) << "no call stalled on the locked row";
  EXPECT_GT(by_code[absl::StatusCode::kOk], 0);

  // Every refusal was counted, under its reason.
  const int queue_full = metrics_.refused_queue_full().Value() - queue_full_before;
  const int timed_out = metrics_.refused_timeout().Value() - timeout_before;
  const int deadline_refused =
      metrics_.refused_deadline().Value() - deadline_before;
  EXPECT_EQ(by_code[absl::StatusCode::kResourceExhausted], queue_full + timed_out);
  EXPECT_GT(queue_full, 0) << "the wait queue never filled";
  EXPECT_GT(timed_out, 0) << "no caller waited out acquire_timeout";
  EXPECT_GE(deadline_refused, by_call[Call::kPassed][absl::StatusCode::kDeadlineExceeded]);
  EXPECT_LE(deadline_refused, by_code[absl::StatusCode::kDeadlineExceeded]);

  // Bounds held throughout.
  EXPECT_LE(max_in_use, kPoolSize);
  EXPECT_LE(max_open, kPoolSize);
  EXPECT_LE(max_waiting, kMaxWaiters);

  // Afterwards: nothing leased, nobody waiting, and every slot can be leased
  // at once again (a leaked connection would leave one short).
  EXPECT_EQ(metrics_.in_use().Value(), 0);
  EXPECT_EQ(metrics_.waiting().Value(), 0);
  EXPECT_LE(metrics_.open().Value(), kPoolSize);
  {
    std::vector<Lease> all;
    all.reserve(kPoolSize);
    for (int i = 0; i < kPoolSize; ++i) {
      auto lease = pool_->Acquire();
      ASSERT_TRUE(lease.ok()) << i << ": " << lease.status();
      all.push_back(std::move(lease).value());
    }
    EXPECT_EQ(metrics_.in_use().Value(), kPoolSize);
    // One more is refused (acquire_timeout), not handed a fifth connection.
    auto extra = pool_->Acquire();
    EXPECT_TRUE(absl::IsResourceExhausted(extra.status())) << extra.status();
  }
  EXPECT_EQ(metrics_.in_use().Value(), 0);

  // Recovery: with the lock gone, every call of a normal load succeeds.
  {
    std::atomic<int> failures{0};
    std::vector<std::thread> load;
    for (int t = 0; t < kPoolSize; ++t) {
      load.emplace_back([&] {
        Operation op(*pool_, "poolstress");
        for (int i = 0; i < 10; ++i) {
          Outcome o = RunCall(op, i % 2 == 0 ? Call::kStalled : Call::kQuick,
                              absl::Seconds(5), absl::Milliseconds(1));
          // kStalled now just updates the (unlocked) row.
          if (!o.status.ok()) {
            ++failures;
            ADD_FAILURE() << o.status;
          }
        }
      });
    }
    for (auto& t : load) t.join();
    EXPECT_EQ(failures, 0);
  }
  EXPECT_EQ(metrics_.in_use().Value(), 0);
  EXPECT_EQ(metrics_.waiting().Value(), 0);

  std::printf(
      "[pool] %d threads, %zu calls on %d connections (%d waiters): OK %d, "
      "RESOURCE_EXHAUSTED %d (queue full %d, acquire timeout %d), "
      "DEADLINE_EXCEEDED %d (%d refused at acquire, %d stalled in a "
      "statement), connections cut %d; worst overshoot past a deadline %s; "
      "took %s\n",
      kThreads, outcomes.size(), kPoolSize, kMaxWaiters,
      by_code[absl::StatusCode::kOk],
      by_code[absl::StatusCode::kResourceExhausted], queue_full, timed_out,
      by_code[absl::StatusCode::kDeadlineExceeded], deadline_refused,
      stalled_in_statement,
      static_cast<int>(metrics_.cut().Value() - cut_before),
      absl::FormatDuration(worst_overshoot).c_str(),
      absl::FormatDuration(absl::Now() - began).c_str());
}

}  // namespace
}  // namespace steward::db
