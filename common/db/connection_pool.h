// A bounded pool of Connector/C++ connections to one schema, the RAII
// transaction, and the one place SQL exceptions become absl::Status.
//
// Thread-safety: ConnectionPool and Operation are thread-safe; a Lease and the
// Connection it holds belong to one thread at a time. Every thread that uses
// a connection is registered with the driver (threadInit/threadEnd) on first
// use, as Connector/C++ 1.1 requires.
#ifndef STEWARD_COMMON_DB_CONNECTION_POOL_H_
#define STEWARD_COMMON_DB_CONNECTION_POOL_H_

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/db/db_config.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace steward::db {

// Pool gauges and the per-operation latency histogram, registered once.
class DbMetrics {
 public:
  explicit DbMetrics(prometheus::Registry& registry);
  prometheus::Gauge& in_use() { return *in_use_; }
  prometheus::Gauge& waiting() { return *waiting_; }
  prometheus::Gauge& open() { return *open_; }
  prometheus::Gauge& capacity() { return *capacity_; }
  // steward_db_pool_refusals_total{reason}: Acquire answered without a
  // connection because the wait queue was full, acquire_timeout passed, or
  // the call's deadline passed (before or while waiting).
  prometheus::Counter& refused_queue_full() { return *refused_queue_full_; }
  prometheus::Counter& refused_timeout() { return *refused_timeout_; }
  prometheus::Counter& refused_deadline() { return *refused_deadline_; }
  // steward_db_connections_cut_total: connections the watchdog shut down
  // because a round trip outlived its call (see call_deadline.h).
  prometheus::Counter& cut() { return *cut_; }
  // The latency histogram of one named operation; call at start-up and keep
  // the reference (prometheus-cpp returns the same child for the same name).
  prometheus::Histogram& QueryLatency(const std::string& operation);

 private:
  prometheus::Family<prometheus::Histogram>* query_family_;
  prometheus::Gauge* in_use_;
  prometheus::Gauge* waiting_;
  prometheus::Gauge* open_;
  prometheus::Gauge* capacity_;
  prometheus::Counter* refused_queue_full_;
  prometheus::Counter* refused_timeout_;
  prometheus::Counter* refused_deadline_;
  prometheus::Counter* cut_;
};

// One server session with a cache of prepared statements.
class Connection {
 public:
  explicit Connection(std::unique_ptr<sql::Connection> conn);
  ~Connection();
  // A prepared statement for `sql`, prepared once per connection. The pointer
  // stays valid while the connection lives. Throws sql::SQLException.
  // Looked up without copying `sql` (statements are named constants, some
  // over a kilobyte long).
  sql::PreparedStatement& Prepare(absl::string_view sql);
  sql::Connection& raw() { return *conn_; }

 private:
  friend class ConnectionPool;
  friend class Lease;
  friend class Transaction;
  std::unique_ptr<sql::Connection> conn_;
  absl::flat_hash_map<std::string, std::unique_ptr<sql::PreparedStatement>>
      statements_;
  bool broken_ = false;
  // The session's max_statement_time (0: unbounded, the value set at
  // connect); re-set only when an operation needs another bound.
  absl::Duration statement_bound_ = absl::ZeroDuration();
  // A duplicate of the session's socket, for the watchdog to shut down
  // (shutdown acts on the socket, so the client library's blocked read
  // returns); -1 when it could not be identified. Closed with the
  // connection, so the number is never reused while the watchdog may use it.
  int watch_fd_ = -1;
  // When the watchdog cuts the socket; guarded by the pool's watch_mu_.
  absl::Time cut_at_ = absl::InfiniteFuture();
  // Set by the watchdog once it shut the socket down.
  std::atomic<bool> cut_{false};
  // Opened by AcquireDedicated: closed on release, never pooled or counted.
  bool dedicated_ = false;
};

class ConnectionPool;
class PendingAudit;

// Exclusive use of one pooled connection; gives it back when destroyed.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  // The connection is dropped instead of being returned to the pool.
  void MarkBroken() { conn_->broken_ = true; }

 private:
  friend class ConnectionPool;
  Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn);
  ConnectionPool* pool_;
  std::unique_ptr<Connection> conn_;
};

class ConnectionPool {
 public:
  // Connects once to check the settings; fails with UNAVAILABLE (server not
  // reachable) or PERMISSION_DENIED/INVALID_ARGUMENT (credentials, schema)
  // and a message that names the host, port, user and schema.
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(
      const DbConfig& config, DbMetrics* metrics);
  ~ConnectionPool();

  // A free connection, opening one if fewer than pool_size are open.
  // Honours the thread's call deadline (call_deadline.h):
  //  - DEADLINE_EXCEEDED at once when it has passed (no database work);
  //  - RESOURCE_EXHAUSTED (with RetryInfo) at once when every connection is
  //    in use and max_waiters callers already wait (a bounded queue: callers
  //    are refused instead of piling up);
  //  - otherwise waits at most min(acquire_timeout, time left), then
  //    RESOURCE_EXHAUSTED, or DEADLINE_EXCEEDED if the deadline came first;
  //  - UNAVAILABLE when the server cannot be reached (connecting waits at
  //    most min(connect_timeout, max(time left, 1 s))).
  absl::StatusOr<Lease> Acquire();

  // A connection of its own, outside the pool and its limits, whose socket
  // timeout is `io_timeout` instead of the pool's (lock waits keep the
  // pool's bounds); closed when the lease ends. For schema migrations.
  absl::StatusOr<Lease> AcquireDedicated(absl::Duration io_timeout);

  // Runs `fn` on `conn`, turning sql::SQLException into a Status (see
  // sql_errors.h) and dropping the connection after connection-level errors.
  // Under a call deadline: DEADLINE_EXCEEDED without running `fn` once it
  // passed; the session's max_statement_time is set to StatementBound (a SET
  // round trip only when it differs from the connection's current bound);
  // the watchdog cuts the socket at CutTime, and `fn`'s failure then reads
  // DEADLINE_EXCEEDED and the connection is dropped.
  static absl::Status Guard(Lease& conn, absl::string_view what,
                            const std::function<absl::Status(Connection&)>& fn);

  // One round trip on a dedicated connection outside the pool, so a busy
  // pool never looks like a dead database; answers UNAVAILABLE when the
  // server does not reply within `timeout` (connecting included), so a
  // stalled server reads as down instead of hanging the caller. Thread-safe.
  absl::Status Ping(absl::Duration timeout = absl::Seconds(2));

  // OK when the server makes every commit durable before acknowledging it
  // (innodb_flush_log_at_trx_commit = 1); FAILED_PRECONDITION naming the
  // setting otherwise, since an acknowledged ticket could then be lost in a
  // crash. UNAVAILABLE when the server cannot be asked.
  absl::Status CheckDurable();

  // Closes every idle connection (after the server was seen down, so stale
  // sessions are not handed out).
  void DropIdle();

  const DbConfig& config() const { return config_; }
  DbMetrics* metrics() { return metrics_; }

 private:
  friend class Lease;
  ConnectionPool(const DbConfig& config, DbMetrics* metrics);
  // Connects, waiting at most `connect_timeout` (rounded up to whole
  // seconds); socket reads and writes time out after `io_timeout` (the
  // pool's when zero).
  absl::StatusOr<std::unique_ptr<Connection>> Open(
      absl::Duration connect_timeout,
      absl::Duration io_timeout = absl::ZeroDuration());
  void Release(std::unique_ptr<Connection> conn);
  // The watchdog: cuts the socket of a watched connection at `cut_at`.
  void Watch(Connection* conn, absl::Time cut_at);
  void Unwatch(Connection* conn);
  void WatchLoop();

  const DbConfig config_;
  DbMetrics* const metrics_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Mutex ping_mu_;
  std::unique_ptr<Connection> ping_conn_ ABSL_GUARDED_BY(ping_mu_);
  absl::Mutex watch_mu_;
  absl::CondVar watch_cv_;
  absl::flat_hash_set<Connection*> watched_ ABSL_GUARDED_BY(watch_mu_);
  absl::Time watch_wake_ ABSL_GUARDED_BY(watch_mu_) = absl::InfiniteFuture();
  bool watch_stop_ ABSL_GUARDED_BY(watch_mu_) = false;
  std::thread watchdog_;
};

// A named unit of database work whose latency is recorded under its name in
// steward_db_query_duration_seconds. Build one per query at start-up (e.g. as
// repository members); Run is thread-safe.
class Operation {
 public:
  Operation(ConnectionPool& pool, std::string name);
  // Acquires a connection, runs `fn` on it (see ConnectionPool::Guard) and
  // records the time taken, including the wait for a connection.
  absl::Status Run(const std::function<absl::Status(Connection&)>& fn) const;
  const std::string& name() const { return name_; }

 private:
  ConnectionPool& pool_;
  std::string name_;
  prometheus::Histogram* latency_;
};

// START TRANSACTION for its lifetime; rolls back unless Commit() ran. Use
// inside Operation::Run: Commit throws sql::SQLException whenever the server
// did not acknowledge the COMMIT, so OK is only ever answered for a durable
// change.
// Commit first inserts the thread's PendingAudit row, if one is waiting
// (see audit_trail.h), so a call's change and its audit row commit together.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void Commit();

 private:
  // Defined in audit_trail.cc.
  void CarryPendingAudit();
  void MarkAuditCarried();
  Connection& conn_;
  bool done_ = false;
  PendingAudit* carried_ = nullptr;
};

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_CONNECTION_POOL_H_
