// Per-caller token buckets: each principal may make `burst` calls at once
// and `per_second` calls per second sustained. Beyond that a call is
// refused with RESOURCE_EXHAUSTED and a RetryInfo saying when a token will
// be free, before it costs a database connection.
#ifndef STEWARD_COMMON_AUTH_RATE_LIMITER_H_
#define STEWARD_COMMON_AUTH_RATE_LIMITER_H_

#include <array>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace steward::auth {

// Thread-safe; memory is bounded: buckets idle long enough to be full again
// are dropped when a shard grows past its cap.
class RateLimiter {
 public:
  RateLimiter(double per_second, int burst);

  // Takes one token from `key`'s bucket: OK, or RESOURCE_EXHAUSTED with
  // RetryInfo.
  absl::Status Admit(absl::string_view key, absl::Time now);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  static constexpr int kShards = 16;
  static constexpr size_t kMaxBucketsPerShard = 4096;

  const double per_second_;
  const double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace steward::auth

#endif  // STEWARD_COMMON_AUTH_RATE_LIMITER_H_
