#include "common/calendar/deadline.h"

namespace steward::calendar {

absl::Time DueAt(const BusinessCalendar& calendar, ClockMode mode,
                 absl::Time start, absl::Duration target) {
  if (target <= absl::ZeroDuration()) return start;
  switch (mode) {
    case ClockMode::kNatural:
      return start + target;
    case ClockMode::kWorking:
      return calendar.AddWorkingTime(start, target);
  }
  return start + target;
}

absl::Time ShiftForPause(const BusinessCalendar& calendar, ClockMode mode,
                         absl::Time due, absl::Time pause_start,
                         absl::Time pause_end) {
  if (pause_end <= pause_start) return due;
  switch (mode) {
    case ClockMode::kNatural:
      return due + (pause_end - pause_start);
    case ClockMode::kWorking:
      return calendar.AddWorkingTime(
          due, calendar.WorkingTimeBetween(pause_start, pause_end));
  }
  return due;
}

}  // namespace steward::calendar
