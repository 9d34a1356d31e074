// Working-time arithmetic over a community's business calendar.
//
// A BusinessCalendar combines a time zone, the community's weekly office
// hours and the statutory HolidayTable. It answers "is this a working day",
// "when does N hours of office time after this instant run out" and "how much
// office time lies between these instants", which is what SLA clocks counted
// in working time need (see deadline.h). Natural-time clocks need none of this:
// they are plain absl::Time + absl::Duration.
//
// Civil times are converted through the time zone with absl::FromCivil(): a
// civil time skipped by a DST jump maps to the transition instant and a
// repeated one to its first occurrence, so a day's office intervals stay
// ordered and an office day that spans a DST change is an hour shorter or
// longer in real time, as the office clock on the wall says.

#ifndef STEWARD_COMMON_CALENDAR_BUSINESS_CALENDAR_H_
#define STEWARD_COMMON_CALENDAR_BUSINESS_CALENDAR_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/holiday_table.h"

namespace steward::calendar {

// Office time within one civil day: [open_minute, close_minute) in minutes
// after local midnight. Valid when 0 <= open_minute < close_minute <= 1440;
// 1440 means "until midnight".
struct OfficeInterval {
  int open_minute = 0;
  int close_minute = 0;

  friend bool operator==(const OfficeInterval&,
                         const OfficeInterval&) = default;
};

// A community's office hours per weekday.
//
// A default-constructed WeeklyHours is closed every day; Default() gives the
// usual Monday-Friday 09:00-18:00.
struct WeeklyHours {
  // Office intervals per weekday, index 0 = Monday ... 6 = Sunday (see
  // WeekdayIndex()); ascending and non-overlapping (they may touch). An empty
  // list means closed that weekday.
  std::array<std::vector<OfficeInterval>, 7> days;

  // Office intervals on a make-up working day (调休). nullopt means "the same
  // as Monday".
  std::optional<std::vector<OfficeInterval>> makeup_day;

  // Monday-Friday 09:00-18:00 as one continuous interval; Saturday and Sunday
  // closed; make-up days as Monday.
  static WeeklyHours Default();

  // The intervals for `weekday`.
  const std::vector<OfficeInterval>& For(absl::Weekday weekday) const;
  std::vector<OfficeInterval>& For(absl::Weekday weekday);

  // The intervals on a make-up working day (makeup_day, or Monday's).
  const std::vector<OfficeInterval>& ForMakeupDay() const;
};

// 0 for Monday ... 6 for Sunday.
int WeekdayIndex(absl::Weekday weekday);

// OK if every interval (weekdays and make-up day) satisfies
// 0 <= open < close <= 1440 and each list is ascending without overlap
// (touching is allowed). Otherwise InvalidArgumentError naming the day and
// the interval.
absl::Status ValidateWeeklyHours(const WeeklyHours& hours);

// Whether `name` is shaped like an IANA zone name ("Asia/Shanghai", "UTC",
// "Etc/GMT-8"): 1..64 of [A-Za-z0-9_+-] in '/'-separated parts, none empty,
// none starting with '.' or '-'. Absolute paths, "..", and control bytes
// never pass, so a caller's string cannot make the loader open other files.
bool IsIanaZoneName(absl::string_view name);

// Loads a zone a caller named: only names IsIanaZoneName accepts and that
// exist in the zone database ($TZDIR, else /usr/share/zoneinfo). The check
// comes first because absl caches every name it is asked to load, failures
// included, for the life of the process.
bool LoadCallerTimeZone(absl::string_view name, absl::TimeZone* zone);

// Working-time arithmetic for one community.
//
// Immutable and thread-safe; copies share one representation, so copying is
// cheap. All instants are absolute (absl::Time); civil days are in the
// calendar's time zone.
//
// Efficiency: the arithmetic walks day by day and skips whole weeks that hold
// no listed day and no UTC-offset change, so a deadline 30 working days out or
// a span of a year costs at most a few hundred small steps, and arbitrarily
// long spans stay fast.
class BusinessCalendar {
 public:
  // Returns InvalidArgumentError if `hours` fails ValidateWeeklyHours().
  static absl::StatusOr<BusinessCalendar> Create(absl::TimeZone zone,
                                                 WeeklyHours hours,
                                                 HolidayTable holidays);

  const absl::TimeZone& time_zone() const;
  const WeeklyHours& hours() const;
  const HolidayTable& holidays() const;

  // A fingerprint of everything that can move a deadline: the time zone name,
  // the office hours and the holiday table's fingerprint, e.g.
  // "bcal1-0123456789abcdef". Equal calendars have equal fingerprints.
  const std::string& fingerprint() const;

  // The office intervals on `day`: none on a listed holiday, the make-up
  // hours on a listed make-up working day, otherwise the weekday's hours.
  const std::vector<OfficeInterval>& OfficeHoursOn(absl::CivilDay day) const;

  // True iff OfficeHoursOn(day) is non-empty: a listed holiday is never a
  // working day, a listed make-up day always is (unless the make-up hours are
  // configured empty), any other day is one if its weekday has office hours.
  bool IsWorkingDay(absl::CivilDay day) const;

  // True iff `t` lies inside an office interval (open <= t < close).
  bool IsOpenAt(absl::Time t) const;

  // The length of a standard office day: Monday's office hours, or if Monday
  // is closed the longest weekday's, or if every weekday is closed the
  // make-up day's. Zero only for a calendar with no office hours at all.
  absl::Duration standard_day() const;

  // The earliest instant >= t at which the office is open: `t` itself if open
  // at t, else the next opening. absl::InfiniteFuture() if the office never
  // opens again (only possible when no weekday has office hours). Infinite
  // `t` is returned unchanged.
  absl::Time NextWorkingInstant(absl::Time t) const;

  // The earliest instant e >= start with WorkingTimeBetween(start, e) >= d:
  // the instant the last of `d` office time after `start` elapses. Counting
  // begins at NextWorkingInstant(start) when `start` is outside office hours;
  // a result that coincides with a closing time is that closing instant, not
  // the next opening.
  //
  // d <= 0 returns `start` unchanged; so does an infinite `start`. Returns
  // absl::InfiniteFuture() when d is infinite or longer than
  // kMaxWorkingDuration, or when the calendar offers too little office time
  // after `start` (no weekday has hours and the listed make-up days run out).
  absl::Time AddWorkingTime(absl::Time start, absl::Duration d) const;

  // n working days after `start`, defined as n standard office days of
  // working time: AddWorkingTime(start, n * standard_day()). From 17:50 on a
  // working day with 09:00-18:00 hours, one working day is 17:50 on the next
  // working day; from outside office hours it is the close of the next
  // working day. n <= 0 returns `start`; a calendar with no office hours
  // returns absl::InfiniteFuture() for n > 0.
  absl::Time AddWorkingDays(absl::Time start, int n) const;

  // The office time inside [a, b); zero if b <= a. If a or b is infinite the
  // result is absl::InfiniteDuration() when some weekday has office hours,
  // otherwise the finite office time of the listed make-up days in range.
  absl::Duration WorkingTimeBetween(absl::Time a, absl::Time b) const;

  // Working durations beyond this are treated as "never" by AddWorkingTime().
  static constexpr absl::Duration kMaxWorkingDuration =
      absl::Hours(24 * 366 * 10'000);

 private:
  struct Rep;
  explicit BusinessCalendar(std::shared_ptr<const Rep> rep);

  std::shared_ptr<const Rep> rep_;  // Never null.
};

}  // namespace steward::calendar

#endif  // STEWARD_COMMON_CALENDAR_BUSINESS_CALENDAR_H_
