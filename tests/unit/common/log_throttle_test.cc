// The log throttle: a storm of one line becomes one line a second that says
// how many were held back; other lines are not held back by it.
#include <gtest/gtest.h>

#include "common/util/log.h"

namespace steward::log {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);

TEST(LogThrottleTest, FirstLineThenOneAnIntervalWithTheCountHeldBack) {
  Throttle throttle(absl::Seconds(1));
  int64_t suppressed = -1;
  ASSERT_TRUE(throttle.Admit("db down", kT0, &suppressed));
  EXPECT_EQ(suppressed, 0);
  for (int i = 1; i <= 99; ++i) {
    EXPECT_FALSE(throttle.Admit("db down", kT0 + absl::Milliseconds(i * 10),
                                &suppressed));
  }
  ASSERT_TRUE(throttle.Admit("db down", kT0 + absl::Seconds(1), &suppressed));
  EXPECT_EQ(suppressed, 99);
  // Nothing held back since: the next admitted line says 0.
  ASSERT_TRUE(throttle.Admit("db down", kT0 + absl::Seconds(5), &suppressed));
  EXPECT_EQ(suppressed, 0);
}

TEST(LogThrottleTest, EachMessageHasItsOwnAllowance) {
  Throttle throttle(absl::Seconds(1));
  int64_t suppressed = 0;
  ASSERT_TRUE(throttle.Admit("db down", kT0, &suppressed));
  EXPECT_TRUE(throttle.Admit("audit row not written", kT0, &suppressed));
  EXPECT_FALSE(throttle.Admit("db down", kT0 + absl::Milliseconds(1), &suppressed));
  EXPECT_FALSE(throttle.Admit("audit row not written",
                              kT0 + absl::Milliseconds(999), &suppressed));
}

}  // namespace
}  // namespace steward::log
