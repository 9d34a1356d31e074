// Token buckets keyed by caller: each key may make `burst` calls at once
// and `per_second` calls per second sustained. Beyond that a call is
// refused with RESOURCE_EXHAUSTED and a RetryInfo saying when a token will
// be free, before it costs a database connection. The call gate keeps two:
// one per principal (every call of a verified token) and one per peer
// address (calls refused before or by authorization).
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
  // `refusal` is the message of a refusal's status.
  RateLimiter(double per_second, int burst,
              std::string refusal =
                  "rate limit: too many calls from this caller; slow down");

  // Takes one token from `key`'s bucket: OK, or RESOURCE_EXHAUSTED with
  // RetryInfo.
  absl::Status Admit(absl::string_view key, absl::Time now);

  // Whether `key`'s bucket holds a token now, without taking it (an unknown
  // key's bucket is full): OK, or what Admit would answer.
  absl::Status Check(absl::string_view key, absl::Time now);

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

  Shard& ShardOf(absl::string_view key);
  // Adds what `bucket` earned since its last update.
  void Refill(Bucket& bucket, absl::Time now) const;
  absl::Status Refusal(const Bucket& bucket) const;

  const double per_second_;
  const double burst_;
  const std::string refusal_;
  std::array<Shard, kShards> shards_;
};

}  // namespace steward::auth

#endif  // STEWARD_COMMON_AUTH_RATE_LIMITER_H_
