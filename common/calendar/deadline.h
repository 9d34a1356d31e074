// Deadline arithmetic for SLA clocks.
//
// An SLA target (e.g. "first response within 15 minutes, round the clock" or
// "callback within 1 working day") runs either in natural time or in the
// community's working time. These pure functions compute when a clock falls
// due and how a pause (waiting for the owner) moves it.

#ifndef STEWARD_COMMON_CALENDAR_DEADLINE_H_
#define STEWARD_COMMON_CALENDAR_DEADLINE_H_

#include "absl/time/time.h"
#include "common/calendar/business_calendar.h"

namespace steward::calendar {

// How an SLA clock counts time.
enum class ClockMode {
  kNatural,  // Wall-clock time, round the clock; the calendar is ignored.
  kWorking,  // Office time of the community's BusinessCalendar only.
};

// When a clock started at `start` with `target` falls due.
//
// kNatural: start + target. kWorking: calendar.AddWorkingTime(start, target),
// so a clock started outside office hours begins counting at the next opening
// and a due instant at a closing time stays at that closing time. A target
// <= 0 is due at `start`. Infinite results follow absl::Time arithmetic and
// BusinessCalendar::AddWorkingTime().
absl::Time DueAt(const BusinessCalendar& calendar, ClockMode mode,
                 absl::Time start, absl::Duration target);

// The due instant after the clock was paused over [pause_start, pause_end).
//
// kNatural: due + (pause_end - pause_start). kWorking: the pause's office time
// (WorkingTimeBetween(pause_start, pause_end)) is added to `due` as working
// time, so the clock owes exactly as much office time as before the pause. If
// `due` is outside office hours (e.g. a closing instant), the extension
// starts counting at the next opening; a pause that covered no office time
// leaves `due` unchanged. An empty or reversed pause changes nothing.
absl::Time ShiftForPause(const BusinessCalendar& calendar, ClockMode mode,
                         absl::Time due, absl::Time pause_start,
                         absl::Time pause_end);

}  // namespace steward::calendar

#endif  // STEWARD_COMMON_CALENDAR_DEADLINE_H_
