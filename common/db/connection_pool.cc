#include "common/db/connection_pool.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/statement.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/sql_errors.h"
#include "common/rpc/errors.h"
#include "common/util/log.h"

namespace steward::db {
namespace {

// Session settings every connection gets: UTC, strict SQL, READ COMMITTED
// (no gap locks on the queue-style reads the services do).
constexpr const char* kSessionSetup[] = {
    "SET SESSION time_zone = '+00:00'",
    "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
};

constexpr int kAccessDenied = 1045;
constexpr int kUnknownDatabase = 1049;

sql::Driver* Driver() {
  // get_driver_instance() is not thread-safe on first call; a function-local
  // static makes the first call happen once.
  static sql::Driver* driver = get_driver_instance();
  return driver;
}

// Registers the calling thread with the driver on first use and unregisters
// it when the thread exits.
void EnsureThreadRegistered() {
  struct ThreadRegistration {
    ThreadRegistration() { Driver()->threadInit(); }
    ~ThreadRegistration() { Driver()->threadEnd(); }
  };
  thread_local ThreadRegistration registration;
}

int Seconds(absl::Duration d) {
  int s = static_cast<int>(absl::ToInt64Seconds(d));
  return s < 1 ? 1 : s;
}

}  // namespace

DbMetrics::DbMetrics(prometheus::Registry& registry) {
  auto& pool = prometheus::BuildGauge()
                   .Name("steward_db_pool_connections")
                   .Help("Database pool connections by state")
                   .Register(registry);
  in_use_ = &pool.Add({{"state", "in_use"}});
  open_ = &pool.Add({{"state", "open"}});
  capacity_ = &pool.Add({{"state", "max"}});
  waiting_ = &prometheus::BuildGauge()
                  .Name("steward_db_pool_waiting_requests")
                  .Help("Requests waiting for a free database connection")
                  .Register(registry)
                  .Add({});
  query_family_ = &prometheus::BuildHistogram()
                       .Name("steward_db_query_duration_seconds")
                       .Help("Latency of named database operations, including "
                             "the wait for a pooled connection")
                       .Register(registry);
}

prometheus::Histogram& DbMetrics::QueryLatency(const std::string& operation) {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,   0.5,   1,     2.5,   5,    10};
  return query_family_->Add({{"operation", operation}}, *buckets);
}

Connection::Connection(std::unique_ptr<sql::Connection> conn)
    : conn_(std::move(conn)) {}

Connection::~Connection() {
  statements_.clear();
  try {
    if (conn_ && !conn_->isClosed()) conn_->close();
  } catch (const sql::SQLException&) {
    // Closing a dead session fails; nothing to do.
  }
}

sql::PreparedStatement& Connection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::unique_ptr<sql::PreparedStatement> statement(
        conn_->prepareStatement(sql));
    it = statements_.emplace(sql, std::move(statement)).first;
  }
  return *it->second;
}

Lease::Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn)
    : pool_(pool), conn_(std::move(conn)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)) {}

Lease::~Lease() {
  if (conn_ != nullptr) pool_->Release(std::move(conn_));
}

ConnectionPool::ConnectionPool(const DbConfig& config, DbMetrics* metrics)
    : config_(config), metrics_(metrics) {
  metrics_->capacity().Set(config.pool_size);
}

ConnectionPool::~ConnectionPool() {
  EnsureThreadRegistered();
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(
    const DbConfig& config, DbMetrics* metrics) {
  if (config.pool_size < 1) {
    return absl::InvalidArgumentError("db_pool_size must be at least 1");
  }
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(config, metrics));
  auto first = pool->Open();
  if (!first.ok()) return first.status();
  {
    absl::MutexLock lock(&pool->mu_);
    pool->open_ = 1;
    pool->idle_.push_back(std::move(first).value());
  }
  pool->metrics_->open().Set(1);
  return pool;
}

absl::StatusOr<std::unique_ptr<Connection>> ConnectionPool::Open() {
  EnsureThreadRegistered();
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString(config_.host);
  options["port"] = config_.port;
  options["userName"] = sql::SQLString(config_.user);
  options["password"] = sql::SQLString(config_.password);
  options["schema"] = sql::SQLString(config_.schema);
  options["OPT_CONNECT_TIMEOUT"] = Seconds(config_.connect_timeout);
  options["OPT_READ_TIMEOUT"] = Seconds(config_.io_timeout);
  options["OPT_WRITE_TIMEOUT"] = Seconds(config_.io_timeout);
  options["OPT_RECONNECT"] = false;
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  const std::string target =
      absl::StrCat(config_.user, "@", config_.host, ":", config_.port, "/",
                   config_.schema);
  try {
    std::unique_ptr<sql::Connection> raw(Driver()->connect(options));
    std::unique_ptr<sql::Statement> statement(raw->createStatement());
    for (const char* setup : kSessionSetup) statement->execute(setup);
    return std::make_unique<Connection>(std::move(raw));
  } catch (const sql::SQLException& e) {
    const int code = e.getErrorCode();
    if (code == kAccessDenied) {
      return absl::PermissionDeniedError(
          absl::StrCat("database refused the credentials for ", target));
    }
    if (code == kUnknownDatabase) {
      return absl::NotFoundError(
          absl::StrCat("database schema does not exist: ", target));
    }
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to database ", target, " (mysql error ", code, ")"));
  }
}

absl::StatusOr<Lease> ConnectionPool::Acquire() {
  std::unique_ptr<Connection> conn;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return !idle_.empty() || open_ < config_.pool_size;
    };
    if (!available()) {
      ++waiting_;
      metrics_->waiting().Set(waiting_);
      const bool got = mu_.AwaitWithTimeout(absl::Condition(&available),
                                            config_.acquire_timeout);
      --waiting_;
      metrics_->waiting().Set(waiting_);
      if (!got) {
        return rpc::Exhausted("all database connections are busy",
                              absl::Milliseconds(100));
      }
    }
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;  // reserve the slot; connect outside the lock
    }
    metrics_->in_use().Increment();
  }
  if (conn == nullptr) {
    auto opened = Open();
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      metrics_->in_use().Decrement();
      metrics_->open().Set(open_);
      return opened.status();
    }
    conn = std::move(opened).value();
    absl::MutexLock lock(&mu_);
    metrics_->open().Set(open_);
  }
  EnsureThreadRegistered();
  return Lease(this, std::move(conn));
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  std::unique_ptr<Connection> doomed;
  {
    absl::MutexLock lock(&mu_);
    metrics_->in_use().Decrement();
    if (conn->broken_) {
      doomed = std::move(conn);
      --open_;
      metrics_->open().Set(open_);
    } else {
      idle_.push_back(std::move(conn));
    }
  }
  // `doomed` closes outside the lock.
}

void ConnectionPool::DropIdle() {
  std::vector<std::unique_ptr<Connection>> doomed;
  {
    absl::MutexLock lock(&mu_);
    doomed.swap(idle_);
    open_ -= static_cast<int>(doomed.size());
    metrics_->open().Set(open_);
  }
}

absl::Status ConnectionPool::Guard(
    Lease& conn, absl::string_view what,
    const std::function<absl::Status(Connection&)>& fn) {
  try {
    return fn(*conn);
  } catch (const sql::SQLException& e) {
    if (IsConnectionError(e.getErrorCode())) conn.MarkBroken();
    return MapSqlError(e.getErrorCode(), e.getSQLState(), e.what(), what);
  } catch (const std::exception& e) {
    conn.MarkBroken();
    log::Error("unexpected exception in database operation",
               {{"query", std::string(what)}, {"detail", e.what()}});
    return absl::InternalError(absl::StrCat(what, ": unexpected error"));
  }
}

absl::Status ConnectionPool::Ping() {
  absl::MutexLock lock(&ping_mu_);
  if (ping_conn_ == nullptr || ping_conn_->broken_) {
    ping_conn_.reset();
    auto opened = Open();
    if (!opened.ok()) return opened.status();
    ping_conn_ = std::move(opened).value();
  }
  try {
    std::unique_ptr<sql::Statement> statement(ping_conn_->raw().createStatement());
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery("SELECT 1"));
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    ping_conn_->broken_ = true;
    return absl::UnavailableError(
        absl::StrCat("database ping failed (mysql error ", e.getErrorCode(), ")"));
  }
}

namespace {
constexpr const char* kSelectFlushLogAtCommit =
    "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit";
}  // namespace

absl::Status ConnectionPool::CheckDurable() {
  auto lease = Acquire();
  if (!lease.ok()) return lease.status();
  int64_t flush = -1;
  absl::Status status = Guard(*lease, "durability check", [&](Connection& conn) {
    std::unique_ptr<sql::ResultSet> rows(
        conn.Prepare(kSelectFlushLogAtCommit).executeQuery());
    if (rows->next()) flush = rows->getInt64(1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (flush == 1) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the database is not durable: innodb_flush_log_at_trx_commit = ", flush,
      " (must be 1, or a crash can lose acknowledged writes); start it with "
      "--innodb-flush-log-at-trx-commit=1, or pass --allow_non_durable_db for "
      "development"));
}

Operation::Operation(ConnectionPool& pool, std::string name)
    : pool_(pool),
      name_(std::move(name)),
      latency_(&pool.metrics()->QueryLatency(name_)) {}

absl::Status Operation::Run(
    const std::function<absl::Status(Connection&)>& fn) const {
  const absl::Time start = absl::Now();
  absl::Status status;
  {
    auto lease = pool_.Acquire();
    status = lease.ok() ? ConnectionPool::Guard(*lease, name_, fn)
                        : lease.status();
  }
  latency_->Observe(absl::ToDoubleSeconds(absl::Now() - start));
  return status;
}

// Transactions are driven by SQL statements, not by sql::Connection's
// setAutoCommit/commit/rollback: Connector/C++ 1.1's commit() ignores the
// result of mysql_commit, so a COMMIT the server never acknowledged (the
// server died mid-commit) returned normally and the call was answered OK for
// a change crash recovery then rolled back. A prepared COMMIT throws like
// any other statement. START TRANSACTION also saves the two autocommit round
// trips per transaction.
namespace {
constexpr const char* kStartTransaction = "START TRANSACTION";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
}  // namespace

Transaction::Transaction(Connection& conn) : conn_(conn) {
  conn_.Prepare(kStartTransaction).execute();
}

void Transaction::Commit() {
  CarryPendingAudit();
  conn_.Prepare(kCommit).execute();
  done_ = true;
  MarkAuditCarried();
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    conn_.Prepare(kRollback).execute();
  } catch (const sql::SQLException&) {
    // The session is gone, and the server rolls back on its own; never hand
    // the connection out again.
    conn_.broken_ = true;
  }
}

}  // namespace steward::db
