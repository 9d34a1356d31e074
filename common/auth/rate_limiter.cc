#include "common/auth/rate_limiter.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "common/rpc/errors.h"

namespace steward::auth {

RateLimiter::RateLimiter(double per_second, int burst, std::string refusal)
    : per_second_(per_second),
      burst_(std::max(1, burst)),
      refusal_(std::move(refusal)) {}

RateLimiter::Shard& RateLimiter::ShardOf(absl::string_view key) {
  return shards_[absl::Hash<absl::string_view>{}(key) % kShards];
}

void RateLimiter::Refill(Bucket& bucket, absl::Time now) const {
  if (now <= bucket.updated) return;
  bucket.tokens = std::min(
      burst_, bucket.tokens +
                  absl::ToDoubleSeconds(now - bucket.updated) * per_second_);
  bucket.updated = now;
}

absl::Status RateLimiter::Refusal(const Bucket& bucket) const {
  const absl::Duration wait = absl::Seconds((1 - bucket.tokens) / per_second_);
  return rpc::Exhausted(refusal_, std::max(wait, absl::Milliseconds(1)));
}

absl::Status RateLimiter::Admit(absl::string_view key, absl::Time now) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  const absl::Duration refill_time = absl::Seconds(burst_ / per_second_);
  if (shard.buckets.size() >= kMaxBucketsPerShard) {
    absl::erase_if(shard.buckets, [&](const auto& entry) {
      return now - entry.second.updated >= refill_time;
    });
  }
  auto [it, inserted] = shard.buckets.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!inserted) Refill(bucket, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::OkStatus();
  }
  return Refusal(bucket);
}

absl::Status RateLimiter::Check(absl::string_view key, absl::Time now) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) return absl::OkStatus();
  Refill(it->second, now);
  if (it->second.tokens >= 1) return absl::OkStatus();
  return Refusal(it->second);
}

}  // namespace steward::auth
