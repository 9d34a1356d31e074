#include "services/tickets/domain/event_feed.h"

#include <gtest/gtest.h>

namespace steward::tickets {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1791538400);
const absl::Duration kSettle = absl::Seconds(5);

std::vector<FeedRow> Rows(std::initializer_list<std::pair<int64_t, int>> rows) {
  std::vector<FeedRow> out;
  for (auto [id, seconds_ago] : rows) {
    out.push_back({id, kNow - absl::Seconds(seconds_ago)});
  }
  return out;
}

TEST(DeliverablePrefixTest, ContiguousRowsAreAllDelivered) {
  EXPECT_EQ(DeliverablePrefix(10, Rows({{11, 0}, {12, 0}, {13, 0}}), kNow, kSettle),
            3u);
  EXPECT_EQ(DeliverablePrefix(10, {}, kNow, kSettle), 0u);
}

TEST(DeliverablePrefixTest, StopsBeforeAFreshGap) {
  // 12 is taken by a transaction that has not committed yet.
  EXPECT_EQ(DeliverablePrefix(10, Rows({{11, 0}, {13, 1}, {14, 0}}), kNow, kSettle),
            1u);
  // Even the first row waits when the cursor's successor is missing.
  EXPECT_EQ(DeliverablePrefix(10, Rows({{12, 1}}), kNow, kSettle), 0u);
}

TEST(DeliverablePrefixTest, SkipsAGapOnceTheRowAfterItHasSettled) {
  // 12 was rolled back long ago; 13 was written 6 s ago.
  EXPECT_EQ(DeliverablePrefix(10, Rows({{11, 9}, {13, 6}, {14, 0}}), kNow, kSettle),
            3u);
  // A later fresh gap still stops delivery.
  EXPECT_EQ(DeliverablePrefix(10, Rows({{11, 9}, {13, 6}, {15, 1}}), kNow, kSettle),
            2u);
}

TEST(DeliverablePrefixTest, FromTheBeginningTheFirstRowMustHaveSettled) {
  // Lower ids than 7 may still be in flight.
  EXPECT_EQ(DeliverablePrefix(0, Rows({{7, 0}, {8, 0}}), kNow, kSettle), 0u);
  EXPECT_EQ(DeliverablePrefix(0, Rows({{7, 6}, {8, 0}, {10, 0}}), kNow, kSettle),
            2u);
}

}  // namespace
}  // namespace steward::tickets
