#include "common/db/connection_pool.h"

#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/statement.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/db/call_deadline.h"
#include "common/db/sql_errors.h"
#include "common/rpc/errors.h"
#include "common/util/log.h"

namespace steward::db {
namespace {

// Session settings every connection gets: UTC, strict SQL, READ COMMITTED
// (no gap locks on the queue-style reads the services do).
constexpr const char* kSessionSetup[] = {
    "SET SESSION time_zone = '+00:00'",
    ("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
     "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"),
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
};

// The session's own client address as the server sees it ("host:port"), to
// tell the session's socket from another opened at the same time (see Open).
constexpr const char* kSelectOwnHost =
    "SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()";
constexpr const char* kSetStatementBound =
    "SET SESSION max_statement_time = ?";
constexpr const char* kSetLockWaitBounds =
    "SET SESSION innodb_lock_wait_timeout = ?, lock_wait_timeout = ?,"
    " max_statement_time = 0";

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

// Whole seconds, rounded up, at least 1.
int Seconds(absl::Duration d) {
  int s = static_cast<int>(absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1))));
  return s < 1 ? 1 : s;
}

// This process's TCP sockets whose peer port is `peer_port`, from
// /proc/self/net/tcp and tcp6 ("sl local rem st ... uid timeout inode";
// addresses as HEXADDR:HEXPORT): inode -> local port.
absl::flat_hash_map<uint64_t, int> SocketsToPeerPort(int peer_port) {
  absl::flat_hash_map<uint64_t, int> sockets;
  auto port_of = [](absl::string_view address) {
    const size_t colon = address.rfind(':');
    int port = -1;
    if (colon == absl::string_view::npos ||
        !absl::SimpleHexAtoi(address.substr(colon + 1), &port)) {
      return -1;
    }
    return port;
  };
  for (const char* table : {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::vector<absl::string_view> fields =
          absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (fields.size() < 10) continue;
      uint64_t inode = 0;
      if (port_of(fields[2]) == peer_port &&
          absl::SimpleAtoi(fields[9], &inode) && inode != 0) {
        sockets[inode] = port_of(fields[1]);
      }
    }
  }
  return sockets;
}

// Connects are serialised process-wide (every pool, the ping's and
// migrations' connections), so that the socket a connect opens is the only
// new one of this process to the database's port (the kernel's table lists
// other processes' sockets too: only those found among this process's
// descriptors count); waiting for another connect is bounded by the
// caller's connect timeout.
ABSL_CONST_INIT absl::Mutex connect_mu(absl::kConstInit);
ABSL_CONST_INIT bool connecting ABSL_GUARDED_BY(connect_mu) = false;

// The descriptor of this process's socket with inode `inode` (the one whose
// /proc/self/fd link names it); -1 if there is none. Connector/C++ 1.1 does
// not expose the session's descriptor: Open finds the session's socket in
// the kernel's table (the one new socket to the database's port, see
// connect_mu). Only link names are read, never another thread's
// descriptors.
int DescriptorOfSocket(uint64_t inode) {
  if (inode == 0) return -1;
  const std::string want = absl::StrCat("socket:[", inode, "]");
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int found = -1;
  while (dirent* entry = ::readdir(dir)) {
    int fd = 0;
    if (!absl::SimpleAtoi(entry->d_name, &fd)) continue;
    char target[64];
    const std::string link = absl::StrCat("/proc/self/fd/", entry->d_name);
    const ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
    if (n <= 0 || absl::string_view(target, n) != want) continue;
    found = fd;
    break;
  }
  ::closedir(dir);
  return found;
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
  auto& refusals = prometheus::BuildCounter()
                       .Name("steward_db_pool_refusals_total")
                       .Help("Requests answered without a database connection, "
                             "by reason")
                       .Register(registry);
  refused_queue_full_ = &refusals.Add({{"reason", "queue_full"}});
  refused_timeout_ = &refusals.Add({{"reason", "acquire_timeout"}});
  refused_deadline_ = &refusals.Add({{"reason", "deadline"}});
  cut_ = &prometheus::BuildCounter()
              .Name("steward_db_connections_cut_total")
              .Help("Database connections shut down because a round trip "
                    "outlived its call's deadline")
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
  if (watch_fd_ >= 0) ::close(watch_fd_);
}

sql::PreparedStatement& Connection::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::unique_ptr<sql::PreparedStatement> statement(
        conn_->prepareStatement(sql::SQLString(sql.data(), sql.size())));
    it = statements_.emplace(std::string(sql), std::move(statement)).first;
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
    : config_(config), metrics_(metrics), watchdog_([this] { WatchLoop(); }) {
  metrics_->capacity().Set(config.pool_size);
}

ConnectionPool::~ConnectionPool() {
  {
    absl::MutexLock lock(&watch_mu_);
    watch_stop_ = true;
    watch_cv_.Signal();
  }
  watchdog_.join();
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
  auto first = pool->Open(config.connect_timeout);
  if (!first.ok()) return first.status();
  {
    absl::MutexLock lock(&pool->mu_);
    pool->open_ = 1;
    pool->idle_.push_back(std::move(first).value());
  }
  pool->metrics_->open().Set(1);
  return pool;
}

absl::StatusOr<std::unique_ptr<Connection>> ConnectionPool::Open(
    absl::Duration connect_timeout, absl::Duration io_timeout) {
  EnsureThreadRegistered();
  if (io_timeout <= absl::ZeroDuration()) io_timeout = config_.io_timeout;
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString(config_.host);
  options["port"] = config_.port;
  options["userName"] = sql::SQLString(config_.user);
  options["password"] = sql::SQLString(config_.password);
  options["schema"] = sql::SQLString(config_.schema);
  options["OPT_READ_TIMEOUT"] = Seconds(io_timeout);
  options["OPT_WRITE_TIMEOUT"] = Seconds(io_timeout);
  options["OPT_RECONNECT"] = false;
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  const std::string target =
      absl::StrCat(config_.user, "@", config_.host, ":", config_.port, "/",
                   config_.schema);
  {
    // The wait for another connect counts against this one's timeout and
    // never outlasts the call's deadline (a frozen server holds each
    // connect for its whole timeout).
    const absl::Time began = absl::Now();
    const absl::Time wait_until =
        std::min(began + connect_timeout, CallDeadline());
    absl::MutexLock lock(&connect_mu);
    auto idle = +[](bool* busy) { return !*busy; };
    if (!connect_mu.AwaitWithDeadline(absl::Condition(idle, &connecting),
                                      wait_until)) {
      if (absl::Now() >= CallDeadline()) {
        return absl::DeadlineExceededError(
            "call deadline passed while another database connection was "
            "being opened");
      }
      return absl::UnavailableError(absl::StrCat(
          "cannot connect to database ", target,
          ": other connection attempts did not finish within ",
          absl::FormatDuration(connect_timeout)));
    }
    connecting = true;
    connect_timeout -= absl::Now() - began;
  }
  options["OPT_CONNECT_TIMEOUT"] = Seconds(connect_timeout);
  struct ConnectDone {
    ~ConnectDone() {
      absl::MutexLock lock(&connect_mu);
      connecting = false;
    }
  } connect_done;
  const absl::flat_hash_map<uint64_t, int> before =
      SocketsToPeerPort(config_.port);
  try {
    std::unique_ptr<sql::Connection> raw(Driver()->connect(options));
    std::unique_ptr<sql::Statement> statement(raw->createStatement());
    for (const char* setup : kSessionSetup) statement->execute(setup);
    // Lock waits end well before the client's read timeout, so a waiting
    // session never lingers on the server after the client gave up (the
    // MDL default is a year); calls with a deadline get a tighter
    // max_statement_time per operation (Guard).
    const int lock_wait = std::max(1, Seconds(config_.io_timeout) - 1);
    {
      std::unique_ptr<sql::PreparedStatement> bounds(
          raw->prepareStatement(kSetLockWaitBounds));
      bounds->setInt(1, lock_wait);
      bounds->setInt(2, lock_wait);
      bounds->execute();
    }
    auto conn = std::make_unique<Connection>(std::move(raw));
    // The session's socket: the one socket of this process to the
    // database's port that the connect added (found by client-side facts
    // only, so it works behind a proxy or relay). Should that be ambiguous
    // (a connection this process opened some other way, e.g. a test's), the
    // one whose local port is the client port the server reports.
    std::vector<std::pair<int, int>> added;  // descriptor, local port
    for (const auto& [inode, local_port] : SocketsToPeerPort(config_.port)) {
      if (before.contains(inode)) continue;
      const int fd = DescriptorOfSocket(inode);
      if (fd >= 0) added.emplace_back(fd, local_port);
    }
    int reported = -1;
    if (added.size() > 1) {
      std::unique_ptr<sql::ResultSet> host(
          statement->executeQuery(kSelectOwnHost));
      if (host->next()) {
        const std::string address = host->getString(1);
        const size_t colon = address.rfind(':');
        if (colon == std::string::npos ||
            !absl::SimpleAtoi(address.substr(colon + 1), &reported)) {
          reported = -1;
        }
      }
    }
    for (const auto& [fd, local_port] : added) {
      if (added.size() == 1 || local_port == reported) {
        // A duplicate (close-on-exec) of the session's own socket, which
        // this thread opened: the watchdog shuts it down, and it is closed
        // with the connection, so the number is never reused meanwhile.
        conn->watch_fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        break;
      }
    }
    if (conn->watch_fd_ < 0) {
      // Deadlines still bound waits and statements; only a frozen server
      // is then left to io_timeout.
      log::Write(log::Level::kDebug,
                 "database session socket not identified; no watchdog cut");
    }
    return conn;
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
  const absl::Time deadline = CallDeadline();
  if (absl::Now() >= deadline) {
    metrics_->refused_deadline().Increment();
    return absl::DeadlineExceededError(
        "call deadline passed before a database connection was requested");
  }
  std::unique_ptr<Connection> conn;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return !idle_.empty() || open_ < config_.pool_size;
    };
    if (!available()) {
      if (!MayWait(waiting_, config_.max_waiters, config_.pool_size)) {
        metrics_->refused_queue_full().Increment();
        return rpc::Exhausted(
            "all database connections are busy and enough requests wait "
            "for one",
            absl::Milliseconds(100));
      }
      ++waiting_;
      metrics_->waiting().Set(waiting_);
      const bool got = mu_.AwaitWithTimeout(
          absl::Condition(&available),
          AcquireWait(config_.acquire_timeout, deadline, absl::Now()));
      --waiting_;
      metrics_->waiting().Set(waiting_);
      if (!got) {
        if (absl::Now() >= deadline) {
          metrics_->refused_deadline().Increment();
          return absl::DeadlineExceededError(
              "call deadline passed while waiting for a database connection");
        }
        metrics_->refused_timeout().Increment();
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
    auto opened = Open(std::min(
        config_.connect_timeout,
        std::max(absl::Seconds(1), deadline - absl::Now())));
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      metrics_->in_use().Decrement();
      metrics_->open().Set(open_);
      // The connect outlived the call (a stalled server accepts TCP but
      // never greets): the caller's deadline is what ran out.
      if (absl::Now() >= deadline) {
        return absl::DeadlineExceededError(
            "call deadline passed while connecting to the database");
      }
      return opened.status();
    }
    conn = std::move(opened).value();
    absl::MutexLock lock(&mu_);
    metrics_->open().Set(open_);
  }
  EnsureThreadRegistered();
  return Lease(this, std::move(conn));
}

absl::StatusOr<Lease> ConnectionPool::AcquireDedicated(
    absl::Duration io_timeout) {
  auto conn = Open(config_.connect_timeout, io_timeout);
  if (!conn.ok()) return conn.status();
  (*conn)->dedicated_ = true;
  return Lease(this, *std::move(conn));
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  if (conn->dedicated_) return;  // closes here; the pool never counted it
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

void ConnectionPool::Watch(Connection* conn, absl::Time cut_at) {
  if (conn->watch_fd_ < 0 || cut_at == absl::InfiniteFuture()) return;
  absl::MutexLock lock(&watch_mu_);
  conn->cut_at_ = cut_at;
  watched_.insert(conn);
  if (cut_at < watch_wake_) watch_cv_.Signal();
}

void ConnectionPool::Unwatch(Connection* conn) {
  if (conn->watch_fd_ < 0) return;
  absl::MutexLock lock(&watch_mu_);
  watched_.erase(conn);
}

void ConnectionPool::WatchLoop() {
  absl::MutexLock lock(&watch_mu_);
  while (!watch_stop_) {
    const absl::Time now = absl::Now();
    absl::Time next = absl::InfiniteFuture();
    for (Connection* conn : watched_) {
      if (conn->cut_.load()) continue;
      if (conn->cut_at_ <= now) {
        // The connection is in use by its lease holder, so watch_fd_ is
        // open; shutting the socket down makes the blocked read fail.
        conn->cut_.store(true);
        ::shutdown(conn->watch_fd_, SHUT_RDWR);
        metrics_->cut().Increment();
        log::WarningThrottled(
            "database round trip outlived its call; connection cut");
      } else {
        next = std::min(next, conn->cut_at_);
      }
    }
    watch_wake_ = next;
    watch_cv_.WaitWithDeadline(&watch_mu_,
                               std::min(next, now + absl::Seconds(1)));
  }
}

absl::Status ConnectionPool::Guard(
    Lease& conn, absl::string_view what,
    const std::function<absl::Status(Connection&)>& fn) {
  const absl::Time deadline = CallDeadline();
  const absl::Time now = absl::Now();
  if (now >= deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, ": call deadline passed; not sent"));
  }
  Connection& c = *conn;
  ConnectionPool* pool = conn.pool_;
  // Calls without a deadline keep the session's default (unbounded).
  const absl::Duration bound =
      deadline == absl::InfiniteFuture()
          ? absl::ZeroDuration()
          : StatementBound(deadline, now, pool->config_.io_timeout);
  pool->Watch(&c, CutTime(deadline));
  struct Unwatch {
    ConnectionPool* pool;
    Connection* conn;
    ~Unwatch() { pool->Unwatch(conn); }
  } unwatch{pool, &c};
  absl::Status status;
  try {
    if (bound != c.statement_bound_) {
      sql::PreparedStatement& set = c.Prepare(kSetStatementBound);
      set.setDouble(1, absl::ToDoubleSeconds(bound));
      set.execute();
      c.statement_bound_ = bound;
    }
    status = fn(c);
  } catch (const sql::SQLException& e) {
    if (c.cut_.load()) {
      status = absl::DeadlineExceededError(absl::StrCat(
          what, ": the database did not answer by the call deadline"));
    } else {
      if (IsConnectionError(e.getErrorCode())) conn.MarkBroken();
      status = MapSqlError(e.getErrorCode(), e.getSQLState(), e.what(), what);
    }
  } catch (const std::exception& e) {
    conn.MarkBroken();
    log::Error("unexpected exception in database operation",
               {{"query", std::string(what)}, {"detail", e.what()}});
    status = absl::InternalError(absl::StrCat(what, ": unexpected error"));
  }
  // A cut socket is never handed out again (the watchdog may have fired
  // just after the last reply arrived: the answer stands).
  if (c.cut_.load()) conn.MarkBroken();
  return status;
}

absl::Status ConnectionPool::Ping(absl::Duration timeout) {
  absl::MutexLock lock(&ping_mu_);
  const absl::Time deadline = absl::Now() + timeout;
  if (ping_conn_ == nullptr || ping_conn_->broken_) {
    ping_conn_.reset();
    auto opened = Open(std::min(config_.connect_timeout, timeout));
    if (!opened.ok()) return opened.status();
    ping_conn_ = std::move(opened).value();
  }
  Watch(ping_conn_.get(), deadline);
  absl::Status status;
  try {
    std::unique_ptr<sql::Statement> statement(ping_conn_->raw().createStatement());
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery("SELECT 1"));
  } catch (const sql::SQLException& e) {
    ping_conn_->broken_ = true;
    status = ping_conn_->cut_.load()
                 ? absl::UnavailableError(absl::StrCat(
                       "database did not answer a ping within ",
                       absl::FormatDuration(timeout)))
                 : absl::UnavailableError(absl::StrCat(
                       "database ping failed (mysql error ", e.getErrorCode(),
                       ")"));
  }
  Unwatch(ping_conn_.get());
  if (ping_conn_->cut_.load()) ping_conn_->broken_ = true;
  return status;
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
