#include "common/calendar/deadline.h"

#include <cstdint>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/calendar/test_calendars.h"

namespace steward::calendar {
namespace {

using testing::At;
using testing::ShanghaiOffice;

TEST(DueAtTest, EmergencyResponseOnAHolidayRunsRoundTheClock) {
  // 15 minutes, natural time, created 23:55 on National Day 2026-10-01.
  EXPECT_EQ(DueAt(ShanghaiOffice(), ClockMode::kNatural,
                  At(2026, 10, 1, 23, 55), absl::Minutes(15)),
            At(2026, 10, 2, 0, 10));
}

TEST(DueAtTest, SameTargetInWorkingTimeWaitsForTheOffice) {
  EXPECT_EQ(DueAt(ShanghaiOffice(), ClockMode::kWorking,
                  At(2026, 10, 1, 23, 55), absl::Minutes(15)),
            At(2026, 10, 8, 9, 15));
}

TEST(DueAtTest, CallbackWithinOneWorkingDay) {
  const BusinessCalendar& cal = ShanghaiOffice();
  const absl::Duration one_day = cal.standard_day();
  EXPECT_EQ(DueAt(cal, ClockMode::kWorking, At(2026, 10, 9, 17, 50), one_day),
            At(2026, 10, 10, 17, 50));  // Make-up Saturday, not Monday 12th.
  EXPECT_EQ(DueAt(cal, ClockMode::kWorking, At(2026, 9, 30, 17, 50), one_day),
            At(2026, 10, 8, 17, 50));  // After National Day.
}

TEST(DueAtTest, RepairTargetsInNaturalTime) {
  const absl::Time created = At(2026, 2, 14, 16, 0);  // Eve of Spring Festival.
  EXPECT_EQ(
      DueAt(ShanghaiOffice(), ClockMode::kNatural, created, absl::Hours(24)),
      At(2026, 2, 15, 16, 0));
  EXPECT_EQ(
      DueAt(ShanghaiOffice(), ClockMode::kNatural, created, absl::Hours(48)),
      At(2026, 2, 16, 16, 0));
}

TEST(DueAtTest, NonPositiveTargetIsDueAtStart) {
  const absl::Time sunday = At(2026, 3, 8, 12, 0);
  for (ClockMode mode : {ClockMode::kNatural, ClockMode::kWorking}) {
    EXPECT_EQ(DueAt(ShanghaiOffice(), mode, sunday, absl::ZeroDuration()),
              sunday);
    EXPECT_EQ(DueAt(ShanghaiOffice(), mode, sunday, -absl::Minutes(1)), sunday);
  }
}

TEST(ShiftForPauseTest, TwoHoursOfPause) {
  const BusinessCalendar& cal = ShanghaiOffice();
  // Paused 17:00-19:00 on Tuesday 2026-03-03: 2 h of natural time, 1 h of
  // office time (17:00-18:00).
  const absl::Time pause_start = At(2026, 3, 3, 17, 0);
  const absl::Time pause_end = At(2026, 3, 3, 19, 0);
  const absl::Time natural_due = At(2026, 3, 4, 11, 30);
  EXPECT_EQ(ShiftForPause(cal, ClockMode::kNatural, natural_due, pause_start,
                          pause_end),
            At(2026, 3, 4, 13, 30));
  const absl::Time working_due = At(2026, 3, 4, 11, 30);
  EXPECT_EQ(ShiftForPause(cal, ClockMode::kWorking, working_due, pause_start,
                          pause_end),
            At(2026, 3, 4, 12, 30));
  // A pause entirely in office hours moves a working clock by all of it.
  EXPECT_EQ(ShiftForPause(cal, ClockMode::kWorking, working_due,
                          At(2026, 3, 3, 10, 0), At(2026, 3, 3, 12, 0)),
            At(2026, 3, 4, 13, 30));
}

TEST(ShiftForPauseTest, ExtensionPastClosingCarriesToNextWorkingDay) {
  const BusinessCalendar& cal = ShanghaiOffice();
  // Due exactly at Friday's closing, 2026-10-09 18:00; a 1 h working pause
  // moves it to 10:00 on the make-up Saturday, not to 19:00 Friday.
  EXPECT_EQ(ShiftForPause(cal, ClockMode::kWorking, At(2026, 10, 9, 18, 0),
                          At(2026, 10, 9, 17, 0), At(2026, 10, 9, 19, 0)),
            At(2026, 10, 10, 10, 0));
  // Due outside office hours (a clock started at night with target 0, or a
  // deadline carried over from natural time): the extension starts at the
  // next opening.
  EXPECT_EQ(ShiftForPause(cal, ClockMode::kWorking, At(2026, 9, 30, 21, 0),
                          At(2026, 9, 30, 16, 0), At(2026, 9, 30, 16, 30)),
            At(2026, 10, 8, 9, 30));
}

TEST(ShiftForPauseTest, PauseWithoutOfficeTimeLeavesWorkingClockAlone) {
  const BusinessCalendar& cal = ShanghaiOffice();
  const absl::Time due = At(2026, 10, 8, 11, 0);
  // Paused over the whole National Day holiday.
  EXPECT_EQ(ShiftForPause(cal, ClockMode::kWorking, due, At(2026, 9, 30, 18, 0),
                          At(2026, 10, 8, 9, 0)),
            due);
  // The natural clock moves by all of it.
  EXPECT_EQ(ShiftForPause(cal, ClockMode::kNatural, due, At(2026, 9, 30, 18, 0),
                          At(2026, 10, 8, 9, 0)),
            due + absl::Hours(24 * 7 + 15));
}

TEST(ShiftForPauseTest, EmptyReversedAndOpenEndedPauses) {
  const BusinessCalendar& cal = ShanghaiOffice();
  const absl::Time due = At(2026, 3, 4, 11, 0);
  const absl::Time t = At(2026, 3, 3, 10, 0);
  for (ClockMode mode : {ClockMode::kNatural, ClockMode::kWorking}) {
    EXPECT_EQ(ShiftForPause(cal, mode, due, t, t), due);
    EXPECT_EQ(ShiftForPause(cal, mode, due, t + absl::Hours(1), t), due);
    EXPECT_EQ(ShiftForPause(cal, mode, due, t, absl::InfiniteFuture()),
              absl::InfiniteFuture());
  }
}

TEST(ShiftForPauseTest, WorkingClockOwesTargetPlusPausedOfficeTime) {
  // Property: for a working clock started at s with target T and a pause
  // inside [s, due), the shifted deadline leaves exactly T + (office time of
  // the pause) of office time after s.
  const BusinessCalendar& cal = ShanghaiOffice();
  std::mt19937_64 rng(314);
  for (int i = 0; i < 1000; ++i) {
    const absl::Time s =
        At(2025, 1, 1) +
        absl::Seconds(static_cast<int64_t>(rng() % 62'000'000));
    const absl::Duration target =
        absl::Minutes(static_cast<int64_t>(1 + rng() % 3000));
    const absl::Time due = DueAt(cal, ClockMode::kWorking, s, target);
    const int64_t span_s = absl::ToInt64Seconds(due - s);
    if (span_s < 2) continue;
    const absl::Time p0 =
        s + absl::Seconds(static_cast<int64_t>(rng() % span_s));
    const absl::Time p1 =
        p0 + absl::Seconds(static_cast<int64_t>(rng() % (4 * 86400)));
    const absl::Duration paused = cal.WorkingTimeBetween(p0, p1);
    const absl::Time shifted =
        ShiftForPause(cal, ClockMode::kWorking, due, p0, p1);
    EXPECT_GE(shifted, due);
    EXPECT_EQ(cal.WorkingTimeBetween(s, shifted), target + paused);
    // Natural time: the same pause moves the clock by its full length.
    EXPECT_EQ(ShiftForPause(cal, ClockMode::kNatural, due, p0, p1),
              due + (p1 - p0));
  }
}

}  // namespace
}  // namespace steward::calendar
