// Fuzz target: the statutory holiday table's text format
// (common/calendar/holiday_table.*, data/calendars/cn-statutory.txt) and
// the office hours a community calendar is built from
// (common/calendar/business_calendar.* ValidateWeeklyHours and its
// working-time arithmetic).
//
// Input: n:u8, then n % 13 office intervals of 3 bytes (weekday 0-6 or 7
// for make-up days, open/6 min, close/6 min), 4 bytes of start instant and
// 2 of a working duration, then the holiday-table text (the rest).
//
// Invariants:
//   * ParseHolidayTable never crashes and refuses only with INVALID_ARGUMENT
//     ("line N: ..." or the size limit);
//   * an accepted table keeps the format's promises (sorted unique days in
//     declared years, make-up days on weekends, names 1..200 bytes), and
//     written out again (one line per day) parses to the same days, kinds,
//     names, years and fingerprint; names, order and range spelling do not
//     move the fingerprint;
//   * ValidateWeeklyHours accepts exactly ascending, non-overlapping
//     intervals within 0 <= open < close <= 1440, refusing with
//     INVALID_ARGUMENT;
//   * on such a calendar, the working time between a start and
//     AddWorkingTime(start, d) is d, and the deadline is open office time
//     or a closing instant.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/business_calendar.h"
#include "common/calendar/holiday_table.h"
#include "fuzz/fuzz_support.h"

namespace steward::fuzz {
namespace {

using calendar::DayOverride;
using calendar::HolidayEntry;
using calendar::HolidayTable;

const char* KindName(DayOverride kind) {
  return kind == DayOverride::kHoliday ? "holiday" : "workday";
}

// One `year` line per year, then one line per day; `names` false writes a
// placeholder name and the days newest first.
std::string Write(const HolidayTable& table, bool names) {
  std::string out = "# written by fuzz_holiday_table\r\n";
  for (int year : table.years()) absl::StrAppend(&out, "year ", year, "\n");
  std::vector<HolidayEntry> entries = table.entries();
  if (!names) std::reverse(entries.begin(), entries.end());
  for (const HolidayEntry& e : entries) {
    absl::StrAppend(&out, absl::FormatCivilTime(e.day), "  ", KindName(e.kind),
                    " ", names ? e.name : "x", "\n");
  }
  return out;
}

void CheckTable(const HolidayTable& table) {
  const auto& years = table.years();
  for (size_t i = 0; i < years.size(); ++i) {
    FUZZ_CHECK(years[i] >= 1900 && years[i] <= 9999);
    if (i > 0) FUZZ_CHECK(years[i - 1] < years[i], "years not unique");
    FUZZ_CHECK(table.Covers(years[i]));
  }
  const auto& entries = table.entries();
  FUZZ_CHECK(entries.size() <= static_cast<size_t>(calendar::kMaxHolidayTableDays));
  for (size_t i = 0; i < entries.size(); ++i) {
    const HolidayEntry& e = entries[i];
    if (i > 0) FUZZ_CHECK(entries[i - 1].day < e.day, "days not unique");
    FUZZ_CHECK(table.Covers(static_cast<int>(e.day.year())));
    FUZZ_CHECK(!e.name.empty() && e.name.size() <= calendar::kMaxHolidayNameBytes);
    if (e.kind == DayOverride::kMakeupWorkday) {
      const absl::Weekday w = absl::GetWeekday(e.day);
      FUZZ_CHECK(w == absl::Weekday::saturday || w == absl::Weekday::sunday);
    }
    FUZZ_CHECK(table.Find(e.day) == e.kind);
    FUZZ_CHECK(table.FindEntry(e.day) == &e);
    FUZZ_CHECK(table.NextListedDay(e.day) == e.day);
    FUZZ_CHECK(table.NextListedDay(e.day + 1) ==
               (i + 1 < entries.size() ? std::optional(entries[i + 1].day)
                                       : std::nullopt));
  }
}

bool SameTable(const HolidayTable& a, const HolidayTable& b) {
  if (a.years() != b.years() || a.entries().size() != b.entries().size() ||
      a.fingerprint() != b.fingerprint()) {
    return false;
  }
  for (size_t i = 0; i < a.entries().size(); ++i) {
    const HolidayEntry &x = a.entries()[i], &y = b.entries()[i];
    if (x.day != y.day || x.kind != y.kind || x.name != y.name) return false;
  }
  return true;
}

// An independent reading of ValidateWeeklyHours' rule.
bool IntervalsOk(const std::vector<calendar::OfficeInterval>& day) {
  for (size_t i = 0; i < day.size(); ++i) {
    if (day[i].open_minute < 0 || day[i].open_minute >= day[i].close_minute ||
        day[i].close_minute > 1440) {
      return false;
    }
    if (i > 0 && day[i - 1].close_minute > day[i].open_minute) return false;
  }
  return true;
}

void CheckHours(const calendar::WeeklyHours& hours, const HolidayTable& table,
                int64_t start_seconds, int duration_minutes) {
  bool expected = true;
  for (const auto& day : hours.days) expected = expected && IntervalsOk(day);
  if (hours.makeup_day) expected = expected && IntervalsOk(*hours.makeup_day);
  const absl::Status valid = calendar::ValidateWeeklyHours(hours);
  FUZZ_CHECK(valid.ok() == expected, valid.ToString());
  if (!valid.ok()) {
    FUZZ_CHECK(valid.code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  static const absl::TimeZone zone = [] {
    absl::TimeZone z;
    FUZZ_CHECK(absl::LoadTimeZone("Asia/Shanghai", &z), "install tzdata");
    return z;
  }();
  auto cal = calendar::BusinessCalendar::Create(zone, hours, table);
  FUZZ_CHECK(cal.ok(), cal.status().ToString());
  const absl::Time start = absl::FromUnixSeconds(start_seconds);
  const absl::Duration d = absl::Minutes(duration_minutes);
  const absl::Time due = cal->AddWorkingTime(start, d);
  if (due == absl::InfiniteFuture()) return;
  FUZZ_CHECK(due >= start);
  FUZZ_CHECK(cal->WorkingTimeBetween(start, due) == d,
             absl::StrCat("start ", absl::FormatTime(start, zone), " + ",
                          duration_minutes, " min = ",
                          absl::FormatTime(due, zone), " but between is ",
                          absl::FormatDuration(cal->WorkingTimeBetween(start, due))));
  if (d > absl::ZeroDuration()) {
    // The last minute of the span was office time.
    FUZZ_CHECK(cal->IsOpenAt(due - absl::Seconds(1)),
               absl::FormatTime(due, zone));
  }
}

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace steward::fuzz;
  using namespace steward::calendar;
  size_t pos = 0;
  auto byte = [&]() -> uint8_t { return pos < size ? data[pos++] : 0; };
  WeeklyHours hours;
  const int n = byte() % 13;
  for (int i = 0; i < n; ++i) {
    const int day = byte() % 8;
    const OfficeInterval interval{byte() * 6, byte() * 6};
    if (day == 7) {
      if (!hours.makeup_day) hours.makeup_day.emplace();
      hours.makeup_day->push_back(interval);
    } else {
      hours.days[day].push_back(interval);
    }
  }
  uint32_t start = 0;
  for (int i = 0; i < 4; ++i) start = start << 8 | byte();
  const int duration = (byte() << 8 | byte()) % 20000;
  const absl::string_view text(reinterpret_cast<const char*>(data) + pos,
                               size - pos);

  absl::StatusOr<HolidayTable> table = ParseHolidayTable(text);
  if (!table.ok()) {
    FUZZ_CHECK(table.status().code() == absl::StatusCode::kInvalidArgument,
               table.status().ToString());
    FUZZ_CHECK(absl::StartsWith(table.status().message(), "line ") ||
                   absl::StartsWith(table.status().message(), "calendar text"),
               table.status().ToString());
  } else {
    CheckTable(*table);
    auto again = ParseHolidayTable(Write(*table, true));
    FUZZ_CHECK(again.ok(), again.status().ToString());
    FUZZ_CHECK(SameTable(*table, *again), "the table did not round-trip");
    auto renamed = ParseHolidayTable(Write(*table, false));
    FUZZ_CHECK(renamed.ok(), renamed.status().ToString());
    FUZZ_CHECK(renamed->fingerprint() == table->fingerprint(),
               "names or order moved the fingerprint");
  }
  // 2024-01-01 plus up to ~136 years of seconds: the calendar's own years
  // and far beyond them.
  CheckHours(hours, table.ok() ? *table : HolidayTable(),
             int64_t{1704067200} + start, duration);
  return 0;
}
