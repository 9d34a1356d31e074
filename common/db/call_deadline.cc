#include "common/db/call_deadline.h"

#include <algorithm>

namespace steward::db {
namespace {
thread_local absl::Time call_deadline = absl::InfiniteFuture();
}  // namespace

absl::Time CallDeadline() { return call_deadline; }

ScopedCallDeadline::ScopedCallDeadline(absl::Time deadline)
    : outer_(call_deadline) {
  call_deadline = deadline;
}

ScopedCallDeadline::~ScopedCallDeadline() { call_deadline = outer_; }

absl::Time FromGrpcDeadline(std::chrono::system_clock::time_point deadline) {
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

absl::Duration AcquireWait(absl::Duration acquire_timeout, absl::Time deadline,
                           absl::Time now) {
  const absl::Duration left = deadline - now;  // InfiniteDuration if none
  return std::max(absl::ZeroDuration(), std::min(acquire_timeout, left));
}

absl::Duration StatementBound(absl::Time deadline, absl::Time now,
                              absl::Duration cap) {
  const absl::Duration left = deadline - now;
  if (left >= cap) return cap;
  const absl::Duration rounded = absl::Floor(left, kStatementStep);
  return std::min(cap, std::max(kStatementStep, rounded));
}

absl::Time CutTime(absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) return absl::InfiniteFuture();
  return deadline + kCutSlack;
}

bool MayWait(int waiting, int max_waiters, int pool_size) {
  const int bound = max_waiters > 0 ? max_waiters : pool_size;
  return waiting < bound;
}

}  // namespace steward::db
