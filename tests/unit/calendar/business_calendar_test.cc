#include "common/calendar/business_calendar.h"

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/calendar/test_calendars.h"

namespace steward::calendar {
namespace {

using testing::At;
using testing::DomainHolidays;
using testing::DomainMakeupDays;
using ::testing::HasSubstr;
using testing::IsWeekend;
using ::testing::MatchesRegex;
using testing::Shanghai;
using testing::ShanghaiOffice;
using testing::ShippedTable;

constexpr int kH = 60;  // Minutes per hour, for readable intervals.

BusinessCalendar MakeOrDie(absl::TimeZone tz, WeeklyHours hours,
                           HolidayTable table = HolidayTable()) {
  absl::StatusOr<BusinessCalendar> c =
      BusinessCalendar::Create(tz, std::move(hours), std::move(table));
  EXPECT_TRUE(c.ok()) << c.status();
  return *std::move(c);
}

// ---------------------------------------------------------------------------
// WeeklyHours

TEST(WeeklyHoursTest, DefaultIsMondayToFridayNineToSix) {
  const WeeklyHours h = WeeklyHours::Default();
  for (absl::Weekday w :
       {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
        absl::Weekday::thursday, absl::Weekday::friday}) {
    EXPECT_EQ(h.For(w), (std::vector<OfficeInterval>{{9 * kH, 18 * kH}}));
  }
  EXPECT_TRUE(h.For(absl::Weekday::saturday).empty());
  EXPECT_TRUE(h.For(absl::Weekday::sunday).empty());
  EXPECT_FALSE(h.makeup_day.has_value());
  EXPECT_EQ(h.ForMakeupDay(), h.For(absl::Weekday::monday));
  EXPECT_TRUE(ValidateWeeklyHours(h).ok());
  EXPECT_EQ(WeekdayIndex(absl::Weekday::monday), 0);
  EXPECT_EQ(WeekdayIndex(absl::Weekday::sunday), 6);
}

TEST(WeeklyHoursTest, ValidateAcceptsTouchingAndFullDayIntervals) {
  WeeklyHours h;
  h.For(absl::Weekday::monday) = {{0, 12 * kH}, {12 * kH, 24 * kH}};
  h.For(absl::Weekday::tuesday) = {{0, 1440}};
  h.makeup_day = std::vector<OfficeInterval>{{8 * kH, 12 * kH}};
  EXPECT_TRUE(ValidateWeeklyHours(h).ok());
  EXPECT_TRUE(ValidateWeeklyHours(WeeklyHours()).ok());  // Always closed.
}

struct BadHoursCase {
  std::string label;
  int weekday_index;  // 7 = make-up day.
  std::vector<OfficeInterval> intervals;
  std::string fragment;
};

void PrintTo(const BadHoursCase& c, std::ostream* os) { *os << c.label; }

class ValidateRejectTest : public ::testing::TestWithParam<BadHoursCase> {};

TEST_P(ValidateRejectTest, IsInvalidArgumentNamingDayAndInterval) {
  const BadHoursCase& c = GetParam();
  WeeklyHours h = WeeklyHours::Default();
  if (c.weekday_index == 7) {
    h.makeup_day = c.intervals;
  } else {
    h.days[c.weekday_index] = c.intervals;
  }
  const absl::Status s = ValidateWeeklyHours(h);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr(c.fragment));
  // Create() refuses the same hours.
  EXPECT_EQ(
      BusinessCalendar::Create(Shanghai(), h, HolidayTable()).status().code(),
      absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(
    Hours, ValidateRejectTest,
    ::testing::Values(
        BadHoursCase{
            "NegativeOpen", 0, {{-1, 60}}, "Monday: interval 1 [-1, 60)"},
        BadHoursCase{"PastMidnight", 2, {{60, 1441}}, "Wednesday: interval 1"},
        BadHoursCase{"Empty", 4, {{600, 600}}, "Friday: interval 1 [600, 600)"},
        BadHoursCase{"Reversed", 5, {{700, 600}}, "Saturday: interval 1"},
        BadHoursCase{"Overlap",
                     1,
                     {{540, 720}, {700, 1080}},
                     "Tuesday: interval 2 [700, 1080) overlaps"},
        BadHoursCase{"OutOfOrder",
                     6,
                     {{780, 1080}, {540, 720}},
                     "Sunday: interval 2 [540, 720) overlaps or precedes"},
        BadHoursCase{"MakeupDay", 7, {{540, 2000}}, "make-up day: interval 1"}),
    [](const ::testing::TestParamInfo<BadHoursCase>& info) {
      return info.param.label;
    });

// ---------------------------------------------------------------------------
// Day classification

TEST(IsWorkingDayTest, EveryDayOf2025And2026FollowsTheAnnouncement) {
  const std::set<absl::CivilDay> holidays = DomainHolidays();
  const std::set<absl::CivilDay> makeups = DomainMakeupDays();
  int working = 0;
  for (absl::CivilDay d(2025, 1, 1); d <= absl::CivilDay(2026, 12, 31); ++d) {
    bool expected;
    if (holidays.count(d)) {
      expected = false;
    } else if (makeups.count(d)) {
      expected = true;
    } else {
      expected = !IsWeekend(d);
    }
    EXPECT_EQ(ShanghaiOffice().IsWorkingDay(d), expected)
        << absl::FormatCivilTime(d);
    working += expected ? 1 : 0;
  }
  // A check on the expectation itself: 2025 has 261 weekdays, 18 of them
  // holidays, and 5 make-up days; 2026 has 261, 19 and 6. 248 each.
  EXPECT_EQ(working, 248 + 248);
}

TEST(IsWorkingDayTest, SpotChecks) {
  const BusinessCalendar& cal = ShanghaiOffice();
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 10, 1)));   // Holiday.
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 10, 3)));   // Sat, hol.
  EXPECT_TRUE(cal.IsWorkingDay(absl::CivilDay(2026, 10, 8)));    // Thursday.
  EXPECT_TRUE(cal.IsWorkingDay(absl::CivilDay(2026, 10, 10)));   // Sat make-up.
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 10, 11)));  // Sunday.
  EXPECT_TRUE(cal.IsWorkingDay(absl::CivilDay(2025, 1, 26)));    // Sun make-up.
  // Years the table does not cover follow the weekday rule only.
  EXPECT_TRUE(cal.IsWorkingDay(absl::CivilDay(2027, 1, 1)));   // Friday.
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2027, 1, 2)));  // Saturday.
}

TEST(OfficeHoursOnTest, HolidayClosedMakeupUsesMakeupHours) {
  WeeklyHours h = WeeklyHours::Default();
  h.For(absl::Weekday::monday) = {{8 * kH, 17 * kH}};
  const BusinessCalendar monday_hours =
      MakeOrDie(Shanghai(), h, ShippedTable());
  EXPECT_TRUE(monday_hours.OfficeHoursOn(absl::CivilDay(2026, 10, 1)).empty());
  EXPECT_EQ(monday_hours.OfficeHoursOn(absl::CivilDay(2026, 10, 10)),
            (std::vector<OfficeInterval>{{8 * kH, 17 * kH}}));
  EXPECT_EQ(monday_hours.OfficeHoursOn(absl::CivilDay(2026, 10, 9)),
            (std::vector<OfficeInterval>{{9 * kH, 18 * kH}}));

  h.makeup_day = std::vector<OfficeInterval>{{10 * kH, 15 * kH}};
  const BusinessCalendar custom = MakeOrDie(Shanghai(), h, ShippedTable());
  EXPECT_EQ(custom.OfficeHoursOn(absl::CivilDay(2026, 10, 10)),
            (std::vector<OfficeInterval>{{10 * kH, 15 * kH}}));

  // Make-up hours configured empty: the make-up day is not worked.
  h.makeup_day = std::vector<OfficeInterval>{};
  const BusinessCalendar none = MakeOrDie(Shanghai(), h, ShippedTable());
  EXPECT_FALSE(none.IsWorkingDay(absl::CivilDay(2026, 10, 10)));

  // A holiday closes even a weekday with Saturday-style hours.
  WeeklyHours sat = WeeklyHours::Default();
  sat.For(absl::Weekday::saturday) = {{9 * kH, 12 * kH}};
  const BusinessCalendar with_sat = MakeOrDie(Shanghai(), sat, ShippedTable());
  EXPECT_FALSE(with_sat.IsWorkingDay(absl::CivilDay(2026, 10, 3)));
  EXPECT_TRUE(with_sat.IsWorkingDay(absl::CivilDay(2026, 10, 17)));
}

TEST(StandardDayTest, MondayOrLongestDayOrMakeupDay) {
  EXPECT_EQ(ShanghaiOffice().standard_day(), absl::Hours(9));
  WeeklyHours h;
  h.For(absl::Weekday::tuesday) = {{9 * kH, 12 * kH}, {13 * kH, 17 * kH}};
  h.For(absl::Weekday::wednesday) = {{9 * kH, 12 * kH}};
  EXPECT_EQ(MakeOrDie(Shanghai(), h).standard_day(), absl::Hours(7));
  WeeklyHours only_makeup;
  only_makeup.makeup_day = std::vector<OfficeInterval>{{9 * kH, 11 * kH}};
  EXPECT_EQ(MakeOrDie(Shanghai(), only_makeup).standard_day(), absl::Hours(2));
  EXPECT_EQ(MakeOrDie(Shanghai(), WeeklyHours()).standard_day(),
            absl::ZeroDuration());
}

TEST(CalendarFingerprintTest, ChangesWithZoneHoursAndTable) {
  const std::string fp = ShanghaiOffice().fingerprint();
  EXPECT_THAT(fp, MatchesRegex("bcal1-[0-9a-f]{16}"));
  const BusinessCalendar same =
      MakeOrDie(Shanghai(), WeeklyHours::Default(), ShippedTable());
  EXPECT_EQ(same.fingerprint(), fp);
  const BusinessCalendar copy = ShanghaiOffice();  // NOLINT: copy on purpose.
  EXPECT_EQ(copy.fingerprint(), fp);
  EXPECT_NE(
      MakeOrDie(absl::UTCTimeZone(), WeeklyHours::Default(), ShippedTable())
          .fingerprint(),
      fp);
  WeeklyHours h = WeeklyHours::Default();
  h.For(absl::Weekday::friday) = {{9 * kH, 17 * kH}};
  EXPECT_NE(MakeOrDie(Shanghai(), h, ShippedTable()).fingerprint(), fp);
  h = WeeklyHours::Default();
  h.makeup_day = std::vector<OfficeInterval>{{9 * kH, 12 * kH}};
  EXPECT_NE(MakeOrDie(Shanghai(), h, ShippedTable()).fingerprint(), fp);
  EXPECT_NE(MakeOrDie(Shanghai(), WeeklyHours::Default()).fingerprint(), fp);
}

// ---------------------------------------------------------------------------
// Instants

TEST(NextWorkingInstantTest, InsideBeforeAndAfterHours) {
  const BusinessCalendar& cal = ShanghaiOffice();
  // Tuesday 2026-03-03.
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 3, 3, 10, 30)),
            At(2026, 3, 3, 10, 30));
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 3, 3, 9, 0)), At(2026, 3, 3, 9, 0));
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 3, 3, 8, 59, 59)),
            At(2026, 3, 3, 9, 0));
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 3, 3, 18, 0)),
            At(2026, 3, 4, 9, 0));
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 3, 3, 17, 59, 59)),
            At(2026, 3, 3, 17, 59, 59));
  // Friday evening -> Monday.
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 3, 6, 19, 0)),
            At(2026, 3, 9, 9, 0));
  // Before National Day -> after it; before a make-up Saturday -> Saturday.
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 9, 30, 18, 0)),
            At(2026, 10, 8, 9, 0));
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 10, 9, 18, 30)),
            At(2026, 10, 10, 9, 0));
  // Spring Festival 2026: Feb 14 (Sat) is worked, Feb 15-23 off.
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 2, 14, 18, 0)),
            At(2026, 2, 24, 9, 0));
  EXPECT_EQ(cal.NextWorkingInstant(absl::InfiniteFuture()),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.NextWorkingInstant(absl::InfinitePast()), absl::InfinitePast());
}

TEST(IsOpenAtTest, HalfOpenIntervals) {
  const BusinessCalendar& cal = ShanghaiOffice();
  EXPECT_TRUE(cal.IsOpenAt(At(2026, 3, 3, 9, 0)));
  EXPECT_TRUE(cal.IsOpenAt(At(2026, 3, 3, 17, 59, 59)));
  EXPECT_FALSE(cal.IsOpenAt(At(2026, 3, 3, 18, 0)));
  EXPECT_FALSE(cal.IsOpenAt(At(2026, 3, 3, 8, 59, 59)));
  EXPECT_FALSE(cal.IsOpenAt(At(2026, 10, 1, 10, 0)));  // Holiday.
  EXPECT_TRUE(cal.IsOpenAt(At(2026, 10, 10, 10, 0)));  // Make-up Saturday.
  EXPECT_FALSE(cal.IsOpenAt(absl::InfiniteFuture()));
}

// ---------------------------------------------------------------------------
// AddWorkingTime / AddWorkingDays

TEST(AddWorkingTimeTest, WithinOneDay) {
  const BusinessCalendar& cal = ShanghaiOffice();
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 10, 0), absl::Hours(2)),
            At(2026, 3, 3, 12, 0));
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 9, 0), absl::Hours(9)),
            At(2026, 3, 3, 18, 0));  // The closing instant, not next 09:00.
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 17, 0), absl::Hours(1)),
            At(2026, 3, 3, 18, 0));
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 17, 0), absl::Minutes(61)),
            At(2026, 3, 4, 9, 1));
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 10, 0), absl::Nanoseconds(1)),
            At(2026, 3, 3, 10, 0) + absl::Nanoseconds(1));
}

TEST(AddWorkingTimeTest, StartOutsideHoursCountsFromNextOpening) {
  const BusinessCalendar& cal = ShanghaiOffice();
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 6, 0), absl::Hours(1)),
            At(2026, 3, 3, 10, 0));
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 20, 0), absl::Hours(1)),
            At(2026, 3, 4, 10, 0));
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 7, 12, 0), absl::Hours(9)),
            At(2026, 3, 9, 18, 0));  // Saturday -> Monday close.
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 10, 1, 23, 55), absl::Minutes(15)),
            At(2026, 10, 8, 9, 15));
}

TEST(AddWorkingTimeTest, NonPositiveAndInfinite) {
  const BusinessCalendar& cal = ShanghaiOffice();
  const absl::Time sunday = At(2026, 3, 8, 12, 0);
  EXPECT_EQ(cal.AddWorkingTime(sunday, absl::ZeroDuration()), sunday);
  EXPECT_EQ(cal.AddWorkingTime(sunday, -absl::Hours(5)), sunday);
  EXPECT_EQ(cal.AddWorkingTime(sunday, absl::InfiniteDuration()),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.AddWorkingTime(
                sunday, BusinessCalendar::kMaxWorkingDuration + absl::Hours(1)),
            absl::InfiniteFuture());
  EXPECT_EQ(cal.AddWorkingTime(absl::InfinitePast(), absl::Hours(1)),
            absl::InfinitePast());
  EXPECT_EQ(cal.AddWorkingTime(absl::InfiniteFuture(), absl::Hours(1)),
            absl::InfiniteFuture());
}

TEST(AddWorkingTimeTest, ThirtyWorkingDaysAcrossQingming) {
  // Monday 2026-03-02 09:00 + 30 x 9 h: five full weeks end Friday Apr 3;
  // Apr 4-6 (Sat-Mon) is Qingming; Apr 7-10 give four more days and Monday
  // Apr 13 the thirtieth.
  EXPECT_EQ(ShanghaiOffice().AddWorkingTime(At(2026, 3, 2, 9, 0),
                                            30 * absl::Hours(9)),
            At(2026, 4, 13, 18, 0));
  EXPECT_EQ(ShanghaiOffice().AddWorkingDays(At(2026, 3, 2, 9, 0), 30),
            At(2026, 4, 13, 18, 0));
}

TEST(AddWorkingTimeTest, LunchBreak) {
  WeeklyHours h;
  for (int i = 0; i < 5; ++i) {
    h.days[i] = {{9 * kH, 12 * kH}, {13 * kH + 30, 18 * kH}};
  }
  const BusinessCalendar cal = MakeOrDie(Shanghai(), h, ShippedTable());
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 11, 30), absl::Hours(1)),
            At(2026, 3, 3, 14, 0));
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 11, 30), absl::Minutes(30)),
            At(2026, 3, 3, 12, 0));  // Lands on the lunch closing instant.
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 3, 3, 12, 30), absl::Minutes(1)),
            At(2026, 3, 3, 13, 31));
  EXPECT_EQ(
      cal.WorkingTimeBetween(At(2026, 3, 3, 11, 0), At(2026, 3, 3, 14, 0)),
      absl::Minutes(90));
  EXPECT_EQ(cal.standard_day(), absl::Minutes(7 * 60 + 30));
  EXPECT_FALSE(cal.IsOpenAt(At(2026, 3, 3, 12, 45)));
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 3, 3, 12, 45)),
            At(2026, 3, 3, 13, 30));
}

TEST(AddWorkingTimeTest, TouchingIntervalsActAsOne) {
  WeeklyHours split;
  for (int i = 0; i < 5; ++i) {
    split.days[i] = {{9 * kH, 12 * kH}, {12 * kH, 18 * kH}};
  }
  const BusinessCalendar a = MakeOrDie(Shanghai(), split, ShippedTable());
  const BusinessCalendar& b = ShanghaiOffice();
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    const absl::Time s =
        At(2026, 1, 1) + absl::Minutes(static_cast<int64_t>(rng() % 525600));
    const absl::Duration d = absl::Minutes(static_cast<int64_t>(rng() % 6000));
    EXPECT_EQ(a.AddWorkingTime(s, d), b.AddWorkingTime(s, d));
  }
}

TEST(AddWorkingDaysTest, CallbackAfterFridayEveningFallsOnMakeupSaturday) {
  // Repair resolved 17:50 Friday 2026-10-09; Saturday 2026-10-10 is a make-up
  // working day, so one working day later is Saturday, not Monday the 12th.
  const absl::Time due =
      ShanghaiOffice().AddWorkingDays(At(2026, 10, 9, 17, 50), 1);
  EXPECT_EQ(due, At(2026, 10, 10, 17, 50));
  EXPECT_EQ(absl::CivilDay(absl::ToCivilDay(due, Shanghai())),
            absl::CivilDay(2026, 10, 10));
}

TEST(AddWorkingDaysTest, CallbackBeforeNationalDayFallsAfterIt) {
  // Resolved 17:50 Wednesday 2026-09-30; Oct 1-7 is the holiday.
  EXPECT_EQ(ShanghaiOffice().AddWorkingDays(At(2026, 9, 30, 17, 50), 1),
            At(2026, 10, 8, 17, 50));
}

TEST(AddWorkingDaysTest, OtherShapes) {
  const BusinessCalendar& cal = ShanghaiOffice();
  const absl::Time fri_evening = At(2026, 10, 9, 20, 0);
  EXPECT_EQ(cal.AddWorkingDays(fri_evening, 1), At(2026, 10, 10, 18, 0));
  EXPECT_EQ(cal.AddWorkingDays(fri_evening, 2), At(2026, 10, 12, 18, 0));
  EXPECT_EQ(cal.AddWorkingDays(fri_evening, 0), fri_evening);
  EXPECT_EQ(cal.AddWorkingDays(fri_evening, -3), fri_evening);
  // 2 working days from Thursday 2026-02-12 10:00: Fri 13, Sat 14 (make-up).
  EXPECT_EQ(cal.AddWorkingDays(At(2026, 2, 12, 10, 0), 2),
            At(2026, 2, 14, 10, 0));
  // 3 working days: then Spring Festival until Feb 23, so Tue Feb 24.
  EXPECT_EQ(cal.AddWorkingDays(At(2026, 2, 12, 10, 0), 3),
            At(2026, 2, 24, 10, 0));
  // 5 working days from Wednesday 2025-09-24 11:00: Thu 25, Fri 26, Sun 28
  // (make-up), Mon 29, Tue 30.
  EXPECT_EQ(cal.AddWorkingDays(At(2025, 9, 24, 11, 0), 5),
            At(2025, 9, 30, 11, 0));
}

// ---------------------------------------------------------------------------
// WorkingTimeBetween

TEST(WorkingTimeBetweenTest, Basics) {
  const BusinessCalendar& cal = ShanghaiOffice();
  EXPECT_EQ(
      cal.WorkingTimeBetween(At(2026, 3, 3, 10, 0), At(2026, 3, 3, 11, 0)),
      absl::Hours(1));
  EXPECT_EQ(
      cal.WorkingTimeBetween(At(2026, 3, 3, 11, 0), At(2026, 3, 3, 10, 0)),
      absl::ZeroDuration());
  EXPECT_EQ(
      cal.WorkingTimeBetween(At(2026, 3, 3, 10, 0), At(2026, 3, 3, 10, 0)),
      absl::ZeroDuration());
  EXPECT_EQ(
      cal.WorkingTimeBetween(At(2026, 3, 3, 17, 0), At(2026, 3, 3, 19, 0)),
      absl::Hours(1));
  EXPECT_EQ(
      cal.WorkingTimeBetween(At(2026, 3, 6, 17, 0), At(2026, 3, 9, 10, 0)),
      absl::Hours(2));  // Over a weekend.
  EXPECT_EQ(
      cal.WorkingTimeBetween(At(2026, 9, 30, 12, 0), At(2026, 10, 9, 0, 0)),
      absl::Hours(6 + 9));  // Over National Day.
  EXPECT_EQ(cal.WorkingTimeBetween(At(2026, 10, 1), At(2026, 10, 8)),
            absl::ZeroDuration());
}

TEST(WorkingTimeBetweenTest, WholeYearsMatchWorkingDayCount) {
  const BusinessCalendar& cal = ShanghaiOffice();
  EXPECT_EQ(cal.WorkingTimeBetween(At(2025, 1, 1), At(2026, 1, 1)),
            248 * absl::Hours(9));
  EXPECT_EQ(cal.WorkingTimeBetween(At(2026, 1, 1), At(2027, 1, 1)),
            248 * absl::Hours(9));
  // 2027 is not covered: 261 weekdays.
  EXPECT_EQ(cal.WorkingTimeBetween(At(2027, 1, 1), At(2028, 1, 1)),
            261 * absl::Hours(9));
}

TEST(WorkingTimeBetweenTest, InfiniteBounds) {
  const BusinessCalendar& cal = ShanghaiOffice();
  EXPECT_EQ(cal.WorkingTimeBetween(At(2026, 1, 1), absl::InfiniteFuture()),
            absl::InfiniteDuration());
  EXPECT_EQ(cal.WorkingTimeBetween(absl::InfinitePast(), At(2026, 1, 1)),
            absl::InfiniteDuration());
  EXPECT_EQ(cal.WorkingTimeBetween(absl::InfiniteFuture(), At(2026, 1, 1)),
            absl::ZeroDuration());
}

// An independent, deliberately naive reference: walk every civil day in a
// fixed UTC+8 zone (no tz database) with the DOMAIN.md sets and 09:00-18:00.
absl::Duration ReferenceBetween(absl::Time a, absl::Time b) {
  const absl::TimeZone utc8 = absl::FixedTimeZone(8 * 3600);
  const std::set<absl::CivilDay> holidays = DomainHolidays();
  const std::set<absl::CivilDay> makeups = DomainMakeupDays();
  absl::Duration total;
  for (absl::CivilDay d = absl::ToCivilDay(a, utc8);
       d <= absl::ToCivilDay(b, utc8); ++d) {
    const bool working =
        !holidays.count(d) && (makeups.count(d) || !IsWeekend(d));
    if (!working) continue;
    const absl::Time open = absl::FromCivil(absl::CivilHour(d) + 9, utc8);
    const absl::Time close = absl::FromCivil(absl::CivilHour(d) + 18, utc8);
    const absl::Time lo = std::max(open, a), hi = std::min(close, b);
    if (hi > lo) total += hi - lo;
  }
  return total;
}

TEST(WorkingTimeBetweenTest, MatchesNaiveReferenceOnRandomSpans) {
  std::mt19937_64 rng(42);
  const absl::Time base = At(2024, 12, 1);
  const int64_t range_s = 26 * 31 * 86400LL;  // Into January 2027.
  for (int i = 0; i < 400; ++i) {
    absl::Time a = base + absl::Seconds(static_cast<int64_t>(rng() % range_s));
    absl::Time b =
        a + absl::Seconds(static_cast<int64_t>(
                rng() % (i % 4 == 0 ? 400 * 86400LL : 20 * 86400LL)));
    EXPECT_EQ(ShanghaiOffice().WorkingTimeBetween(a, b), ReferenceBetween(a, b))
        << a << " .. " << b;
  }
}

TEST(WorkingTimeBetweenTest, IsAdditive) {
  std::mt19937_64 rng(43);
  const BusinessCalendar& cal = ShanghaiOffice();
  for (int i = 0; i < 300; ++i) {
    const absl::Time a =
        At(2025, 1, 1) +
        absl::Seconds(static_cast<int64_t>(rng() % 63'000'000));
    const absl::Time b =
        a + absl::Seconds(static_cast<int64_t>(rng() % 5'000'000));
    const absl::Time c =
        b + absl::Seconds(static_cast<int64_t>(rng() % 5'000'000));
    EXPECT_EQ(cal.WorkingTimeBetween(a, c),
              cal.WorkingTimeBetween(a, b) + cal.WorkingTimeBetween(b, c));
  }
}

// ---------------------------------------------------------------------------
// Round trip

TEST(RoundTripTest, WorkingTimeBetweenInvertsAddWorkingTime) {
  // For random starts across 2025-2026 and random durations (sub-second to
  // ~60 working days), the result e of AddWorkingTime(s, d) holds exactly d
  // of office time after s, is the earliest such instant, and lies inside or
  // at the close of an office interval.
  std::mt19937_64 rng(2026);
  const BusinessCalendar& cal = ShanghaiOffice();
  const absl::Time base = At(2025, 1, 1);
  const int64_t range_ms = 730LL * 86400 * 1000;
  for (int i = 0; i < 2000; ++i) {
    const absl::Time s =
        base + absl::Milliseconds(static_cast<int64_t>(rng() % range_ms));
    absl::Duration d;
    switch (i % 3) {
      case 0:
        d = absl::Minutes(static_cast<int64_t>(1 + rng() % 600));
        break;
      case 1:
        d = absl::Milliseconds(static_cast<int64_t>(1 + rng() % 200'000'000));
        break;
      default:
        d = absl::Hours(9) * static_cast<int64_t>(1 + rng() % 60);
        break;
    }
    const absl::Time e = cal.AddWorkingTime(s, d);
    ASSERT_GT(e, s);
    EXPECT_EQ(cal.WorkingTimeBetween(s, e), d) << s << " + " << d;
    EXPECT_LT(cal.WorkingTimeBetween(s, e - absl::Nanoseconds(1)), d);
    EXPECT_TRUE(cal.IsOpenAt(e - absl::Nanoseconds(1))) << e;
  }
}

TEST(RoundTripTest, AddWorkingTimeInvertsWorkingTimeBetweenInsideHours) {
  // Conversely, from an open instant s: AddWorkingTime(s, WTB(s, b)) is b if
  // the office is open just before b, else the last closing before b.
  std::mt19937_64 rng(99);
  const BusinessCalendar& cal = ShanghaiOffice();
  for (int i = 0; i < 1000; ++i) {
    const absl::Time s = cal.NextWorkingInstant(
        At(2025, 1, 1) +
        absl::Seconds(static_cast<int64_t>(rng() % 63'000'000)));
    const absl::Time b =
        s + absl::Seconds(static_cast<int64_t>(1 + rng() % 3'000'000));
    const absl::Time e = cal.AddWorkingTime(s, cal.WorkingTimeBetween(s, b));
    if (cal.IsOpenAt(b - absl::Nanoseconds(1))) {
      EXPECT_EQ(e, b);
    } else {
      EXPECT_LE(e, b);
      EXPECT_EQ(cal.WorkingTimeBetween(e, b), absl::ZeroDuration());
      EXPECT_FALSE(cal.IsOpenAt(e));
    }
  }
}

// ---------------------------------------------------------------------------
// Long spans, degenerate calendars

TEST(LongSpanTest, CenturiesWithoutAHolidayTable) {
  // Exercises the week skipping: 2000-2200 in Shanghai with no table has
  // exactly one 9 h day per weekday; count weekdays naively.
  const BusinessCalendar cal = MakeOrDie(Shanghai(), WeeklyHours::Default());
  int64_t weekdays = 0;
  for (absl::CivilDay d(2000, 1, 1); d < absl::CivilDay(2200, 1, 1); ++d) {
    weekdays += IsWeekend(d) ? 0 : 1;
  }
  const absl::Time a = At(2000, 1, 1), b = At(2200, 1, 1);
  EXPECT_EQ(cal.WorkingTimeBetween(a, b), weekdays * absl::Hours(9));
  EXPECT_EQ(cal.AddWorkingTime(a, weekdays * absl::Hours(9)),
            At(2199, 12, 31, 18, 0));  // A Tuesday.
  // A million working days (some 3,800 years) stays exact and fast.
  const absl::Time far = cal.AddWorkingDays(a + absl::Hours(11), 1'000'000);
  EXPECT_EQ(cal.WorkingTimeBetween(a + absl::Hours(11), far),
            1'000'000 * absl::Hours(9));
  EXPECT_TRUE(cal.IsOpenAt(far - absl::Nanoseconds(1)));
  // Mid-week start and a table in between.
  const BusinessCalendar& office = ShanghaiOffice();
  const absl::Time s = At(2024, 7, 17, 15, 25);
  const absl::Time e = office.AddWorkingTime(s, absl::Hours(9) * 5000);
  EXPECT_EQ(office.WorkingTimeBetween(s, e), absl::Hours(9) * 5000);
  EXPECT_TRUE(office.IsOpenAt(e - absl::Seconds(1)));
}

TEST(DegenerateCalendarTest, NoOfficeHoursAtAll) {
  const BusinessCalendar cal =
      MakeOrDie(Shanghai(), WeeklyHours(), ShippedTable());
  const absl::Time t = At(2026, 3, 3, 10, 0);
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 3, 3)));
  EXPECT_FALSE(cal.IsWorkingDay(absl::CivilDay(2026, 10, 10)));
  EXPECT_EQ(cal.NextWorkingInstant(t), absl::InfiniteFuture());
  EXPECT_EQ(cal.AddWorkingTime(t, absl::Minutes(1)), absl::InfiniteFuture());
  EXPECT_EQ(cal.AddWorkingDays(t, 1), absl::InfiniteFuture());
  EXPECT_EQ(cal.WorkingTimeBetween(t, t + absl::Hours(24 * 400)),
            absl::ZeroDuration());
  EXPECT_EQ(
      cal.WorkingTimeBetween(absl::InfinitePast(), absl::InfiniteFuture()),
      absl::ZeroDuration());
  EXPECT_FALSE(cal.IsOpenAt(t));
}

TEST(DegenerateCalendarTest, OnlyMakeupDaysHaveHours) {
  WeeklyHours h;
  h.makeup_day = std::vector<OfficeInterval>{{9 * kH, 11 * kH}};
  const BusinessCalendar cal = MakeOrDie(Shanghai(), h, ShippedTable());
  // 11 make-up days x 2 h in the whole table, nothing else ever.
  EXPECT_EQ(
      cal.WorkingTimeBetween(absl::InfinitePast(), absl::InfiniteFuture()),
      absl::Hours(22));
  EXPECT_EQ(cal.WorkingTimeBetween(At(2026, 1, 1), absl::InfiniteFuture()),
            absl::Hours(12));
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 9, 21)), At(2026, 10, 10, 9, 0));
  EXPECT_EQ(cal.AddWorkingTime(At(2026, 9, 21), absl::Hours(2)),
            At(2026, 10, 10, 11, 0));
  EXPECT_EQ(
      cal.AddWorkingTime(At(2026, 9, 21), absl::Hours(2) + absl::Seconds(1)),
      absl::InfiniteFuture());
  EXPECT_EQ(cal.NextWorkingInstant(At(2026, 10, 10, 11, 0)),
            absl::InfiniteFuture());
}

TEST(RoundTheClockTest, AllDayHoursWithoutTableIsNaturalTime) {
  WeeklyHours h;
  for (auto& day : h.days) day = {{0, 1440}};
  const BusinessCalendar cal = MakeOrDie(Shanghai(), h);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 300; ++i) {
    const absl::Time s =
        At(2026, 1, 1) +
        absl::Seconds(static_cast<int64_t>(rng() % 40'000'000));
    const absl::Duration d =
        absl::Seconds(static_cast<int64_t>(1 + rng() % 10'000'000));
    EXPECT_EQ(cal.AddWorkingTime(s, d), s + d);
    EXPECT_EQ(cal.WorkingTimeBetween(s, s + d), d);
  }
  // With the table, holidays still stop the clock.
  const BusinessCalendar with_table = MakeOrDie(Shanghai(), h, ShippedTable());
  EXPECT_EQ(
      with_table.AddWorkingTime(At(2026, 9, 30, 23, 55), absl::Minutes(15)),
      At(2026, 10, 8, 0, 10));
}

// ---------------------------------------------------------------------------
// Another time zone, with daylight saving time

TEST(DstTest, NewYorkOfficeDaysFollowTheWallClock) {
  const absl::TimeZone ny = testing::LoadZone("America/New_York");
  const auto ny_at = [&ny](int y, int mo, int d, int h, int mi = 0) {
    return At(y, mo, d, h, mi, 0, ny);
  };
  // A Sunday office 00:00-24:00 on the days the clocks change (2026-03-08:
  // 02:00 -> 03:00; 2026-11-01: 02:00 -> 01:00).
  WeeklyHours h = WeeklyHours::Default();
  h.For(absl::Weekday::sunday) = {{0, 1440}};
  const BusinessCalendar cal = MakeOrDie(ny, h);
  EXPECT_EQ(cal.WorkingTimeBetween(ny_at(2026, 3, 8, 0), ny_at(2026, 3, 9, 0)),
            absl::Hours(23));
  EXPECT_EQ(
      cal.WorkingTimeBetween(ny_at(2026, 11, 1, 0), ny_at(2026, 11, 2, 0)),
      absl::Hours(25));
  EXPECT_EQ(cal.AddWorkingTime(ny_at(2026, 3, 8, 0), absl::Hours(23)),
            ny_at(2026, 3, 9, 0));
  EXPECT_EQ(cal.AddWorkingTime(ny_at(2026, 3, 8, 1), absl::Hours(1)),
            ny_at(2026, 3, 8, 3));  // 02:00-03:00 does not exist.

  // An office 01:00-03:00 on those Sundays: 1 h of real time in spring,
  // 3 h in autumn.
  WeeklyHours night;
  night.For(absl::Weekday::sunday) = {{1 * kH, 3 * kH}};
  const BusinessCalendar night_cal = MakeOrDie(ny, night);
  EXPECT_EQ(
      night_cal.WorkingTimeBetween(ny_at(2026, 3, 8, 0), ny_at(2026, 3, 9, 0)),
      absl::Hours(1));
  EXPECT_EQ(night_cal.WorkingTimeBetween(ny_at(2026, 11, 1, 0),
                                         ny_at(2026, 11, 2, 0)),
            absl::Hours(3));
  EXPECT_EQ(
      night_cal.WorkingTimeBetween(ny_at(2026, 3, 1, 0), ny_at(2026, 3, 2, 0)),
      absl::Hours(2));

  // Default hours: Friday 17:00 EST + 2 h -> Monday 10:00 EDT.
  const BusinessCalendar office = MakeOrDie(ny, WeeklyHours::Default());
  EXPECT_EQ(office.AddWorkingTime(ny_at(2026, 3, 6, 17), absl::Hours(2)),
            ny_at(2026, 3, 9, 10));
  EXPECT_EQ(
      office.WorkingTimeBetween(ny_at(2026, 3, 6, 17), ny_at(2026, 3, 9, 10)),
      absl::Hours(2));
  // A year holds 261 weekdays of 9 h, DST or not (week skipping must stay
  // exact across offset changes).
  EXPECT_EQ(
      office.WorkingTimeBetween(ny_at(2026, 1, 1, 0), ny_at(2027, 1, 1, 0)),
      261 * absl::Hours(9));
}

// A naive reference without a holiday table: every day's intervals through
// absl::FromCivil (the documented DST semantics), clipped to [a, b).
absl::Duration NaiveBetween(absl::TimeZone tz, const WeeklyHours& hours,
                            absl::Time a, absl::Time b) {
  absl::Duration total;
  for (absl::CivilDay d = absl::ToCivilDay(a, tz) - 1;
       d <= absl::ToCivilDay(b, tz); ++d) {
    for (const OfficeInterval& iv : hours.For(absl::GetWeekday(d))) {
      const absl::CivilSecond midnight(d);
      const absl::Time open =
          absl::FromCivil(midnight + iv.open_minute * 60, tz);
      const absl::Time close =
          absl::FromCivil(midnight + iv.close_minute * 60, tz);
      const absl::Time lo = std::max(open, a), hi = std::min(close, b);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

TEST(DstTest, LongSpansMatchNaiveReferenceWhenOfficeHoursStraddleTheChange) {
  // Sunday hours 00:00-04:00 contain the 02:00 change, so a week holding a
  // transition is an hour shorter or longer than the weekly total; skipping
  // whole weeks across it would be wrong.
  const absl::TimeZone ny = testing::LoadZone("America/New_York");
  WeeklyHours h = WeeklyHours::Default();
  h.For(absl::Weekday::sunday) = {{0, 4 * kH}, {22 * kH, 1440}};
  const BusinessCalendar cal = MakeOrDie(ny, h);
  const absl::Time jan = At(2026, 1, 1, 0, 0, 0, ny);
  const absl::Time jul = At(2026, 7, 1, 0, 0, 0, ny);
  const absl::Time dec = At(2026, 12, 1, 0, 0, 0, ny);
  EXPECT_EQ(cal.WorkingTimeBetween(jan, jul), NaiveBetween(ny, h, jan, jul));
  EXPECT_EQ(cal.WorkingTimeBetween(jul, dec), NaiveBetween(ny, h, jul, dec));
  // The reference itself: January-June has the spring change (an hour less
  // than the civil count), July-November the autumn one (an hour more).
  const auto civil_count = [&h](absl::CivilDay first, absl::CivilDay last) {
    absl::Duration total;
    for (absl::CivilDay d = first; d < last; ++d) {
      for (const OfficeInterval& iv : h.For(absl::GetWeekday(d))) {
        total += absl::Minutes(iv.close_minute - iv.open_minute);
      }
    }
    return total;
  };
  EXPECT_EQ(
      NaiveBetween(ny, h, jan, jul),
      civil_count(absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 7, 1)) -
          absl::Hours(1));
  EXPECT_EQ(
      NaiveBetween(ny, h, jul, dec),
      civil_count(absl::CivilDay(2026, 7, 1), absl::CivilDay(2026, 12, 1)) +
          absl::Hours(1));
  std::mt19937_64 rng(12);
  for (int i = 0; i < 300; ++i) {
    const absl::Time a =
        At(2025, 1, 1, 0, 0, 0, ny) +
        absl::Seconds(static_cast<int64_t>(rng() % 63'000'000));
    const absl::Time b =
        a + absl::Seconds(static_cast<int64_t>(rng() % 20'000'000));
    EXPECT_EQ(cal.WorkingTimeBetween(a, b), NaiveBetween(ny, h, a, b))
        << a << " .. " << b;
    const absl::Duration d = NaiveBetween(ny, h, a, b);
    if (d > absl::ZeroDuration()) {
      const absl::Time e = cal.AddWorkingTime(a, d);
      EXPECT_LE(e, b);
      EXPECT_EQ(NaiveBetween(ny, h, a, e), d);
      EXPECT_EQ(NaiveBetween(ny, h, e, b), absl::ZeroDuration());
    }
  }
}

TEST(DstTest, RoundTripAcrossTransitions) {
  const absl::TimeZone ny = testing::LoadZone("America/New_York");
  WeeklyHours h = WeeklyHours::Default();
  h.For(absl::Weekday::sunday) = {{0, 4 * kH}, {22 * kH, 1440}};
  const BusinessCalendar cal = MakeOrDie(ny, h);
  std::mt19937_64 rng(11);
  for (int i = 0; i < 1000; ++i) {
    const absl::Time s =
        At(2025, 1, 1, 0, 0, 0, ny) +
        absl::Seconds(static_cast<int64_t>(rng() % 63'000'000));
    const absl::Duration d =
        absl::Seconds(static_cast<int64_t>(1 + rng() % 4'000'000));
    const absl::Time e = cal.AddWorkingTime(s, d);
    EXPECT_EQ(cal.WorkingTimeBetween(s, e), d);
    EXPECT_TRUE(cal.IsOpenAt(e - absl::Nanoseconds(1)));
  }
}

TEST(CallerTimeZoneTest, OnlyIanaShapedNamesOfTheZoneDatabaseLoad) {
  absl::TimeZone zone;
  EXPECT_TRUE(LoadCallerTimeZone("Asia/Shanghai", &zone));
  EXPECT_EQ(zone.name(), "Asia/Shanghai");
  EXPECT_TRUE(LoadCallerTimeZone("UTC", &zone));
  EXPECT_TRUE(LoadCallerTimeZone("Etc/GMT-8", &zone));
  for (const char* bad :
       {"", "/etc/passwd", "/dev/stdin", "../../etc/passwd", "Asia/../../x",
        "Asia//Shanghai", "Asia/Shanghai/", "Asia/Shanghai\n", "Asia/ Shanghai",
        ".hidden", "-x", "Asia/Nowhere", "Asia/Shanghai.", "tzdata.zi"}) {
    EXPECT_FALSE(LoadCallerTimeZone(bad, &zone)) << bad;
  }
  EXPECT_FALSE(IsIanaZoneName(std::string(65, 'A')));
  EXPECT_TRUE(IsIanaZoneName(std::string(64, 'A')));
  EXPECT_TRUE(IsIanaZoneName("America/Argentina/Buenos_Aires"));
  EXPECT_FALSE(IsIanaZoneName(absl::string_view("Asia\0/x", 6)));
}

}  // namespace
}  // namespace steward::calendar
