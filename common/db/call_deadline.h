// The deadline of the RPC a thread is serving, so the database layer can
// honour it without every repository passing it along.
//
// Mechanism: auth::CallGate::Run (which every RPC but health passes through)
// opens a ScopedCallDeadline with the gRPC deadline before the handler body
// runs; the sync server runs the whole handler on that thread. The pool then
//   - answers DEADLINE_EXCEEDED without touching the database once it passed,
//   - waits for a free connection at most min(acquire_timeout, time left),
//   - bounds each statement server-side (MariaDB max_statement_time, only
//     re-set on a connection when the bound changes, see StatementBound), and
//   - cuts the connection's socket when a round trip outlives the call by
//     kCutSlack (a frozen server or relay answers nothing, so only the
//     client side can end the wait); the connection is then dropped.
// Threads without a call (SLA engine, start-up) see InfiniteFuture and keep
// the pool's own timeouts.
#ifndef STEWARD_COMMON_DB_CALL_DEADLINE_H_
#define STEWARD_COMMON_DB_CALL_DEADLINE_H_

#include <chrono>

#include "absl/time/time.h"

namespace steward::db {

// The calling thread's call deadline; InfiniteFuture outside a call.
absl::Time CallDeadline();

// Sets the thread's call deadline for its lifetime, restoring the outer one
// afterwards. Not copyable; create and destroy on the same thread.
class ScopedCallDeadline {
 public:
  explicit ScopedCallDeadline(absl::Time deadline);
  ScopedCallDeadline(const ScopedCallDeadline&) = delete;
  ScopedCallDeadline& operator=(const ScopedCallDeadline&) = delete;
  ~ScopedCallDeadline();

 private:
  absl::Time outer_;
};

// A gRPC ServerContext::deadline() as an absl::Time: a call without a
// deadline (time_point::max()) is InfiniteFuture.
absl::Time FromGrpcDeadline(std::chrono::system_clock::time_point deadline);

// Pure arithmetic, unit-tested in tests/unit/common/call_deadline_test.cc.

// How long to wait for a pooled connection: min(acquire_timeout, time left),
// never negative.
absl::Duration AcquireWait(absl::Duration acquire_timeout, absl::Time deadline,
                           absl::Time now);

// The server-side bound for the statements of one operation: the time left,
// rounded down to a multiple of kStatementStep (so calls with the same
// deadline budget reuse the connection's current setting instead of paying a
// SET round trip), at least kStatementStep (0 would mean "unbounded" to
// MariaDB) and at most `cap` (the session default set at connect).
inline constexpr absl::Duration kStatementStep = absl::Milliseconds(100);
absl::Duration StatementBound(absl::Time deadline, absl::Time now,
                              absl::Duration cap);

// When the watchdog cuts a connection still busy for a call: the deadline
// plus this slack (the server-side bound normally ends the statement first);
// InfiniteFuture for no deadline.
inline constexpr absl::Duration kCutSlack = absl::Milliseconds(500);
absl::Time CutTime(absl::Time deadline);

// Whether another caller may queue for a connection: fewer than
// `max_waiters` already wait (max_waiters <= 0 means pool_size).
bool MayWait(int waiting, int max_waiters, int pool_size);

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_CALL_DEADLINE_H_
