// Shared fixtures for the calendar tests: the time zones, the shipped table,
// and DOMAIN.md's 2025-2026 statutory calendar written out independently of
// the data file, so the tests compare the file and the code against the
// announcement rather than against themselves.

#ifndef STEWARD_TESTS_UNIT_CALENDAR_TEST_CALENDARS_H_
#define STEWARD_TESTS_UNIT_CALENDAR_TEST_CALENDARS_H_

#include <set>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/business_calendar.h"
#include "common/calendar/holiday_table.h"
#include "gtest/gtest.h"

namespace steward::calendar::testing {

inline absl::TimeZone LoadZone(const std::string& name) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(name, &tz)) {
    ADD_FAILURE() << "cannot load time zone " << name << " (install tzdata)";
  }
  return tz;
}

inline absl::TimeZone Shanghai() {
  static const absl::TimeZone* const kZone =
      new absl::TimeZone(LoadZone("Asia/Shanghai"));
  return *kZone;
}

// The instant of a civil time in `tz` (Asia/Shanghai by default).
inline absl::Time At(int y, int mo, int d, int h = 0, int mi = 0, int s = 0,
                     absl::TimeZone tz = Shanghai()) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), tz);
}

inline const HolidayTable& ShippedTable() {
  static const HolidayTable* const kTable = [] {
    absl::StatusOr<HolidayTable> t =
        LoadHolidayTableFile(STEWARD_CALENDAR_DATA);
    if (!t.ok()) {
      ADD_FAILURE() << t.status();
      return new HolidayTable();
    }
    return new HolidayTable(*std::move(t));
  }();
  return *kTable;
}

// The community calendar of the required examples: Asia/Shanghai, Monday to
// Friday 09:00-18:00, the shipped statutory table.
inline const BusinessCalendar& ShanghaiOffice() {
  static const BusinessCalendar* const kCalendar = [] {
    absl::StatusOr<BusinessCalendar> c = BusinessCalendar::Create(
        Shanghai(), WeeklyHours::Default(), ShippedTable());
    if (!c.ok()) ADD_FAILURE() << c.status();
    return new BusinessCalendar(*std::move(c));
  }();
  return *kCalendar;
}

inline void AddRange(std::set<absl::CivilDay>* days, absl::CivilDay first,
                     absl::CivilDay last) {
  for (absl::CivilDay d = first; d <= last; ++d) days->insert(d);
}

// DOMAIN.md, "China's statutory calendar": holidays (off), 2025 and 2026.
inline std::set<absl::CivilDay> DomainHolidays() {
  using D = absl::CivilDay;
  std::set<D> s;
  // 2025: Jan 1; Jan 28-Feb 4; Apr 4-6; May 1-5; May 31-Jun 2; Oct 1-8.
  AddRange(&s, D(2025, 1, 1), D(2025, 1, 1));
  AddRange(&s, D(2025, 1, 28), D(2025, 2, 4));
  AddRange(&s, D(2025, 4, 4), D(2025, 4, 6));
  AddRange(&s, D(2025, 5, 1), D(2025, 5, 5));
  AddRange(&s, D(2025, 5, 31), D(2025, 6, 2));
  AddRange(&s, D(2025, 10, 1), D(2025, 10, 8));
  // 2026: Jan 1-3; Feb 15-23; Apr 4-6; May 1-5; Jun 19-21; Sep 25-27;
  // Oct 1-7.
  AddRange(&s, D(2026, 1, 1), D(2026, 1, 3));
  AddRange(&s, D(2026, 2, 15), D(2026, 2, 23));
  AddRange(&s, D(2026, 4, 4), D(2026, 4, 6));
  AddRange(&s, D(2026, 5, 1), D(2026, 5, 5));
  AddRange(&s, D(2026, 6, 19), D(2026, 6, 21));
  AddRange(&s, D(2026, 9, 25), D(2026, 9, 27));
  AddRange(&s, D(2026, 10, 1), D(2026, 10, 7));
  return s;
}

// DOMAIN.md: make-up working days (weekend days worked), 2025 and 2026.
inline std::set<absl::CivilDay> DomainMakeupDays() {
  using D = absl::CivilDay;
  return {D(2025, 1, 26),  D(2025, 2, 8),  D(2025, 4, 27), D(2025, 9, 28),
          D(2025, 10, 11), D(2026, 1, 4),  D(2026, 2, 14), D(2026, 2, 28),
          D(2026, 5, 9),   D(2026, 9, 20), D(2026, 10, 10)};
}

inline bool IsWeekend(absl::CivilDay d) {
  const absl::Weekday w = absl::GetWeekday(d);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

}  // namespace steward::calendar::testing

#endif  // STEWARD_TESTS_UNIT_CALENDAR_TEST_CALENDARS_H_
