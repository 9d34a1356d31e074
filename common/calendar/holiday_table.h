// The statutory calendar: which civil days override the ordinary weekday rule.
//
// China's State Council announces each November the next year's public
// holidays (法定节假日, days off) and make-up working days (调休, a Saturday or
// Sunday that is worked). Steward holds that announcement as data: a small text
// file (data/calendars/cn-statutory.txt) parsed by ParseHolidayTable() at
// start-up and replaceable through the API. A day the table does not list
// follows the weekday rule of the community's office hours (see
// business_calendar.h).
//
// File format (UTF-8, one directive per line, `\n` or `\r\n` line ends):
//
//   # A comment: '#' as the first non-blank character of the line.
//   year 2026
//   2026-01-01..2026-01-03 holiday New Year's Day (元旦)
//   2026-01-04 workday New Year's Day make-up
//
//   * `year YYYY` declares the year as covered: the table is the complete
//     announcement for it. Every day an entry names must lie in a year
//     declared on an earlier line. A year is declared at most once.
//   * `DATE KIND NAME` or `DATE..DATE KIND NAME` (inclusive range, no blanks
//     around "..", at most 31 days, not reversed). DATE is `YYYY-MM-DD` and
//     must exist in the Gregorian calendar. KIND is `holiday` (a day off; may
//     fall on any weekday, including a weekend) or `workday` (a make-up working
//     day; every day it covers must be a Saturday or a Sunday). NAME is the
//     rest of the line: required, at most 200 bytes, valid UTF-8 without
//     control characters.
//   * Blank lines are ignored; there are no trailing comments.
//   * No day may be listed twice, whatever the kind.
//
// Limits: at most 1 MiB of text, 100,000 lines and 20,000 listed days; beyond
// them the text is rejected, so parsing is linear in time and bounded in
// memory for any input.

#ifndef STEWARD_COMMON_CALENDAR_HOLIDAY_TABLE_H_
#define STEWARD_COMMON_CALENDAR_HOLIDAY_TABLE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace steward::calendar {

// How a listed day departs from the weekday rule.
enum class DayOverride {
  kHoliday,        // A day off, whatever its weekday.
  kMakeupWorkday,  // A Saturday or Sunday worked (调休).
};

// One listed day of a HolidayTable.
struct HolidayEntry {
  absl::CivilDay day;
  DayOverride kind = DayOverride::kHoliday;
  std::string name;  // e.g. "Spring Festival (春节)"; informational only.
};

// An immutable set of day overrides plus the years it covers.
//
// Value type; copying copies the entries (a year holds a few dozen). All
// const methods are thread-safe. A default-constructed table is empty: no
// overrides and no covered years, so every day follows the weekday rule.
class HolidayTable {
 public:
  HolidayTable();

  // The override for `day`, or nullopt if the table does not list it (then
  // the weekday rule applies).
  std::optional<DayOverride> Find(absl::CivilDay day) const;

  // The entry for `day`, or nullptr if not listed. The pointer stays valid as
  // long as this table lives.
  const HolidayEntry* FindEntry(absl::CivilDay day) const;

  // The first listed day that is >= `day`, or nullopt if there is none.
  std::optional<absl::CivilDay> NextListedDay(absl::CivilDay day) const;

  // All listed days, in ascending order.
  const std::vector<HolidayEntry>& entries() const { return entries_; }

  // The declared (covered) years, ascending. A deadline computed in a year
  // not covered only applies the weekday rule, so callers may warn about it.
  const std::vector<int>& years() const { return years_; }

  // True if `year` was declared with a `year` line.
  bool Covers(int year) const;

  // A content fingerprint, e.g. "cal1-0123456789abcdef": 16 hex digits of a
  // 64-bit FNV-1a hash over the covered years and the (day, kind) of every
  // entry, in canonical order. It changes exactly when something that can move
  // a deadline changes; comments, blank lines, entry order, range spelling and
  // names do not affect it. Tickets record it as "the calendar version that
  // produced this deadline".
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  friend absl::StatusOr<HolidayTable> ParseHolidayTable(absl::string_view);

  HolidayTable(std::vector<HolidayEntry> entries, std::vector<int> years);

  std::vector<HolidayEntry> entries_;  // Sorted by day, days unique.
  std::vector<int> years_;             // Sorted, unique.
  std::string fingerprint_;
};

// Upper bounds enforced by ParseHolidayTable().
inline constexpr std::size_t kMaxHolidayTableBytes = 1 << 20;
inline constexpr int kMaxHolidayTableLines = 100'000;
inline constexpr int kMaxHolidayTableDays = 20'000;
inline constexpr int kMaxHolidayRangeDays = 31;
inline constexpr std::size_t kMaxHolidayNameBytes = 200;

// Parses `text` in the format described at the top of this file.
//
// Returns InvalidArgumentError on the first problem found, with a message
// "line N: <problem>" (or a message about the whole text for the size limit).
// Never crashes, whatever the input.
absl::StatusOr<HolidayTable> ParseHolidayTable(absl::string_view text);

// Reads the file at `path` and parses it with ParseHolidayTable().
//
// Returns NotFoundError if the file cannot be opened, InvalidArgumentError if
// it is larger than kMaxHolidayTableBytes or does not parse; messages start
// with the path.
absl::StatusOr<HolidayTable> LoadHolidayTableFile(const std::string& path);

}  // namespace steward::calendar

#endif  // STEWARD_COMMON_CALENDAR_HOLIDAY_TABLE_H_
