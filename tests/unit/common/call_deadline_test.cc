#include "common/db/call_deadline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace steward::db {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

TEST(CallDeadlineTest, UnsetOutsideACallAndRestoredAfterNesting) {
  EXPECT_EQ(CallDeadline(), absl::InfiniteFuture());
  {
    ScopedCallDeadline outer(kNow + absl::Seconds(5));
    EXPECT_EQ(CallDeadline(), kNow + absl::Seconds(5));
    {
      ScopedCallDeadline inner(kNow + absl::Seconds(1));
      EXPECT_EQ(CallDeadline(), kNow + absl::Seconds(1));
    }
    EXPECT_EQ(CallDeadline(), kNow + absl::Seconds(5));
  }
  EXPECT_EQ(CallDeadline(), absl::InfiniteFuture());
}

TEST(CallDeadlineTest, IsPerThread) {
  ScopedCallDeadline here(kNow);
  absl::Time seen_there = kNow;
  std::thread([&] { seen_there = CallDeadline(); }).join();
  EXPECT_EQ(seen_there, absl::InfiniteFuture());
  EXPECT_EQ(CallDeadline(), kNow);
}

TEST(CallDeadlineTest, GrpcWithoutDeadlineIsInfinite) {
  EXPECT_EQ(FromGrpcDeadline(std::chrono::system_clock::time_point::max()),
            absl::InfiniteFuture());
  const auto tp = absl::ToChronoTime(kNow + absl::Milliseconds(1500));
  EXPECT_EQ(FromGrpcDeadline(tp), kNow + absl::Milliseconds(1500));
}

TEST(CallDeadlineTest, AcquireWaitsAtMostTheTimeLeft) {
  const absl::Duration timeout = absl::Milliseconds(500);
  EXPECT_EQ(AcquireWait(timeout, absl::InfiniteFuture(), kNow), timeout);
  EXPECT_EQ(AcquireWait(timeout, kNow + absl::Seconds(3), kNow), timeout);
  EXPECT_EQ(AcquireWait(timeout, kNow + absl::Milliseconds(200), kNow),
            absl::Milliseconds(200));
  EXPECT_EQ(AcquireWait(timeout, kNow - absl::Seconds(1), kNow),
            absl::ZeroDuration());
}

TEST(CallDeadlineTest, StatementBoundRoundsDownWithinLimits) {
  const absl::Duration cap = absl::Seconds(10);
  // Calls with the same budget share one value (no SET per call).
  EXPECT_EQ(StatementBound(kNow + absl::Milliseconds(2999), kNow, cap),
            absl::Milliseconds(2900));
  EXPECT_EQ(StatementBound(kNow + absl::Milliseconds(2950), kNow, cap),
            absl::Milliseconds(2900));
  EXPECT_EQ(StatementBound(kNow + absl::Seconds(3), kNow, cap),
            absl::Seconds(3));
  // Never 0 (MariaDB reads 0 as unbounded), never above the cap.
  EXPECT_EQ(StatementBound(kNow + absl::Milliseconds(30), kNow, cap),
            kStatementStep);
  EXPECT_EQ(StatementBound(kNow - absl::Seconds(1), kNow, cap), kStatementStep);
  EXPECT_EQ(StatementBound(kNow + absl::Minutes(5), kNow, cap), cap);
  EXPECT_EQ(StatementBound(absl::InfiniteFuture(), kNow, cap), cap);
}

TEST(CallDeadlineTest, CutComesAfterTheDeadlineBySlack) {
  EXPECT_EQ(CutTime(kNow), kNow + kCutSlack);
  EXPECT_EQ(CutTime(absl::InfiniteFuture()), absl::InfiniteFuture());
  EXPECT_GT(kCutSlack, absl::ZeroDuration());
}

TEST(CallDeadlineTest, WaitQueueIsBounded) {
  EXPECT_TRUE(MayWait(0, 8, 8));
  EXPECT_TRUE(MayWait(7, 8, 8));
  EXPECT_FALSE(MayWait(8, 8, 8));
  EXPECT_FALSE(MayWait(9, 8, 8));
  // 0: as many as the pool has connections.
  EXPECT_TRUE(MayWait(3, 0, 4));
  EXPECT_FALSE(MayWait(4, 0, 4));
  EXPECT_TRUE(MayWait(0, 1, 4));
  EXPECT_FALSE(MayWait(1, 1, 4));
}

}  // namespace
}  // namespace steward::db
