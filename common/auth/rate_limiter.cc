#include "common/auth/rate_limiter.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "common/rpc/errors.h"

namespace steward::auth {

RateLimiter::RateLimiter(double per_second, int burst)
    : per_second_(per_second), burst_(std::max(1, burst)) {}

absl::Status RateLimiter::Admit(absl::string_view key, absl::Time now) {
  Shard& shard = shards_[absl::Hash<absl::string_view>{}(key) % kShards];
  absl::MutexLock lock(&shard.mu);
  const absl::Duration refill_time = absl::Seconds(burst_ / per_second_);
  if (shard.buckets.size() >= kMaxBucketsPerShard) {
    absl::erase_if(shard.buckets, [&](const auto& entry) {
      return now - entry.second.updated >= refill_time;
    });
  }
  auto [it, inserted] = shard.buckets.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!inserted && now > bucket.updated) {
    bucket.tokens = std::min(
        burst_, bucket.tokens +
                    absl::ToDoubleSeconds(now - bucket.updated) * per_second_);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::OkStatus();
  }
  const absl::Duration wait = absl::Seconds((1 - bucket.tokens) / per_second_);
  return rpc::Exhausted(
      "rate limit: too many calls from this caller; slow down",
      std::max(wait, absl::Milliseconds(1)));
}

}  // namespace steward::auth
