#include "common/calendar/business_calendar.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace steward::calendar {
namespace {

constexpr int kMinutesPerDay = 24 * 60;

const char* const kDayNames[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                  "Friday", "Saturday", "Sunday"};

absl::Status ValidateDay(absl::string_view day_name,
                         const std::vector<OfficeInterval>& intervals) {
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const OfficeInterval& iv = intervals[i];
    if (iv.open_minute < 0 || iv.close_minute > kMinutesPerDay ||
        iv.open_minute >= iv.close_minute) {
      return absl::InvalidArgumentError(absl::StrCat(
          day_name, ": interval ", i + 1, " [", iv.open_minute, ", ",
          iv.close_minute,
          ") is out of range (need 0 <= open < close <= 1440 minutes)"));
    }
    if (i > 0 && iv.open_minute < intervals[i - 1].close_minute) {
      return absl::InvalidArgumentError(absl::StrCat(
          day_name, ": interval ", i + 1, " [", iv.open_minute, ", ",
          iv.close_minute, ") overlaps or precedes interval ", i, " [",
          intervals[i - 1].open_minute, ", ", intervals[i - 1].close_minute,
          ") (intervals must be ascending and disjoint)"));
    }
  }
  return absl::OkStatus();
}

absl::Duration TotalOf(const std::vector<OfficeInterval>& intervals) {
  int minutes = 0;
  for (const OfficeInterval& iv : intervals) {
    minutes += iv.close_minute - iv.open_minute;
  }
  return absl::Minutes(minutes);
}

void AppendIntervals(const std::vector<OfficeInterval>& intervals,
                     std::string* out) {
  for (const OfficeInterval& iv : intervals) {
    absl::StrAppend(out, iv.open_minute, "-", iv.close_minute, ",");
  }
  out->push_back(';');
}

std::uint64_t Fnv1a64(absl::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

WeeklyHours WeeklyHours::Default() {
  WeeklyHours hours;
  for (int i = 0; i < 5; ++i) hours.days[i] = {{9 * 60, 18 * 60}};
  return hours;
}

int WeekdayIndex(absl::Weekday weekday) {
  switch (weekday) {
    case absl::Weekday::monday:
      return 0;
    case absl::Weekday::tuesday:
      return 1;
    case absl::Weekday::wednesday:
      return 2;
    case absl::Weekday::thursday:
      return 3;
    case absl::Weekday::friday:
      return 4;
    case absl::Weekday::saturday:
      return 5;
    case absl::Weekday::sunday:
      return 6;
  }
  return 0;
}

const std::vector<OfficeInterval>& WeeklyHours::For(
    absl::Weekday weekday) const {
  return days[WeekdayIndex(weekday)];
}

std::vector<OfficeInterval>& WeeklyHours::For(absl::Weekday weekday) {
  return days[WeekdayIndex(weekday)];
}

const std::vector<OfficeInterval>& WeeklyHours::ForMakeupDay() const {
  return makeup_day.has_value() ? *makeup_day : days[0];
}

bool IsIanaZoneName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  bool part_start = true;
  for (char c : name) {
    if (c == '/') {
      if (part_start) return false;  // leading '/' or an empty part
      part_start = true;
      continue;
    }
    const bool ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                    c == '_' || c == '+' || c == '-';
    if (!ok) return false;  // '.', blanks, control bytes, anything else
    if (part_start && c == '-') return false;
    part_start = false;
  }
  return !part_start;  // no trailing '/'
}

bool LoadCallerTimeZone(absl::string_view name, absl::TimeZone* zone) {
  if (!IsIanaZoneName(name)) return false;
  const char* tzdir = std::getenv("TZDIR");
  const std::string path = absl::StrCat(
      tzdir != nullptr && *tzdir != '\0' ? tzdir : "/usr/share/zoneinfo", "/",
      name);
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  return absl::LoadTimeZone(name, zone);
}

absl::Status ValidateWeeklyHours(const WeeklyHours& hours) {
  for (int i = 0; i < 7; ++i) {
    if (absl::Status s = ValidateDay(kDayNames[i], hours.days[i]); !s.ok()) {
      return s;
    }
  }
  if (hours.makeup_day.has_value()) {
    return ValidateDay("make-up day", *hours.makeup_day);
  }
  return absl::OkStatus();
}

struct BusinessCalendar::Rep {
  absl::TimeZone zone;
  WeeklyHours hours;
  HolidayTable holidays;
  std::string fingerprint;
  absl::Duration standard_day;
  // Office time of a week of unlisted days without a UTC-offset change.
  absl::Duration week_total;
  std::optional<absl::CivilDay> first_listed;
  std::optional<absl::CivilDay> last_listed;

  absl::Time DayStart(absl::CivilDay day) const {
    return absl::FromCivil(absl::CivilSecond(day), zone);
  }

  absl::CivilDay DayOf(absl::Time t) const {
    return absl::CivilDay(zone.At(t).cs);
  }

  // [open, close) of `iv` on `day` as instants; empty (open == close) if it
  // lies wholly inside a DST gap.
  std::pair<absl::Time, absl::Time> Span(absl::CivilDay day,
                                         const OfficeInterval& iv) const {
    const absl::CivilSecond midnight(day);
    return {absl::FromCivil(midnight + iv.open_minute * 60, zone),
            absl::FromCivil(midnight + iv.close_minute * 60, zone)};
  }

  const std::vector<OfficeInterval>& HoursOn(absl::CivilDay day) const {
    static const std::vector<OfficeInterval>* const kClosed =
        new std::vector<OfficeInterval>();
    if (const std::optional<DayOverride> o = holidays.Find(day)) {
      return *o == DayOverride::kHoliday ? *kClosed : hours.ForMakeupDay();
    }
    return hours.For(absl::GetWeekday(day));
  }

  // True when no day >= `day` can hold office time: no weekday has hours and
  // no listed make-up day lies ahead.
  bool NoOfficeTimeFrom(absl::CivilDay day) const {
    return week_total == absl::ZeroDuration() &&
           (!last_listed.has_value() || day > *last_listed);
  }

  // The largest k in [0, max_weeks] such that the days [day, day + 7k) are
  // not listed in the table and the zone keeps one UTC offset over them: those
  // k weeks then hold exactly k * week_total of office time.
  std::int64_t PlainWeeks(absl::CivilDay day, std::int64_t max_weeks) const {
    if (week_total == absl::ZeroDuration() || max_weeks <= 0) return 0;
    if (const std::optional<absl::CivilDay> next =
            holidays.NextListedDay(day)) {
      max_weeks = std::min<std::int64_t>(max_weeks, (*next - day) / 7);
      if (max_weeks <= 0) return 0;
    }
    absl::TimeZone::CivilTransition tr;
    if (zone.NextTransition(DayStart(day), &tr)) {
      // Stay a whole day clear of the civil day the change happens on.
      const absl::CivilDay change(std::min(tr.from, tr.to));
      max_weeks = std::min<std::int64_t>(max_weeks, (change - 1 - day) / 7);
    }
    return std::max<std::int64_t>(max_weeks, 0);
  }
};

BusinessCalendar::BusinessCalendar(std::shared_ptr<const Rep> rep)
    : rep_(std::move(rep)) {}

absl::StatusOr<BusinessCalendar> BusinessCalendar::Create(
    absl::TimeZone zone, WeeklyHours hours, HolidayTable holidays) {
  if (absl::Status s = ValidateWeeklyHours(hours); !s.ok()) return s;
  auto rep = std::make_shared<Rep>();
  rep->zone = zone;
  rep->hours = std::move(hours);
  rep->holidays = std::move(holidays);

  rep->week_total = absl::ZeroDuration();
  absl::Duration longest = absl::ZeroDuration();
  for (const auto& day : rep->hours.days) {
    const absl::Duration total = TotalOf(day);
    rep->week_total += total;
    longest = std::max(longest, total);
  }
  rep->standard_day = TotalOf(rep->hours.days[0]);
  if (rep->standard_day == absl::ZeroDuration()) rep->standard_day = longest;
  if (rep->standard_day == absl::ZeroDuration()) {
    rep->standard_day = TotalOf(rep->hours.ForMakeupDay());
  }

  const std::vector<HolidayEntry>& entries = rep->holidays.entries();
  if (!entries.empty()) {
    rep->first_listed = entries.front().day;
    rep->last_listed = entries.back().day;
  }

  std::string canonical = absl::StrCat("zone=", zone.name(), ";");
  for (const auto& day : rep->hours.days) AppendIntervals(day, &canonical);
  AppendIntervals(rep->hours.ForMakeupDay(), &canonical);
  absl::StrAppend(&canonical, rep->holidays.fingerprint());
  rep->fingerprint =
      absl::StrCat("bcal1-", absl::Hex(Fnv1a64(canonical), absl::kZeroPad16));
  return BusinessCalendar(std::move(rep));
}

const absl::TimeZone& BusinessCalendar::time_zone() const { return rep_->zone; }
const WeeklyHours& BusinessCalendar::hours() const { return rep_->hours; }
const HolidayTable& BusinessCalendar::holidays() const {
  return rep_->holidays;
}
const std::string& BusinessCalendar::fingerprint() const {
  return rep_->fingerprint;
}
absl::Duration BusinessCalendar::standard_day() const {
  return rep_->standard_day;
}

const std::vector<OfficeInterval>& BusinessCalendar::OfficeHoursOn(
    absl::CivilDay day) const {
  return rep_->HoursOn(day);
}

bool BusinessCalendar::IsWorkingDay(absl::CivilDay day) const {
  return !rep_->HoursOn(day).empty();
}

bool BusinessCalendar::IsOpenAt(absl::Time t) const {
  return t != absl::InfiniteFuture() && t != absl::InfinitePast() &&
         NextWorkingInstant(t) == t;
}

absl::Time BusinessCalendar::NextWorkingInstant(absl::Time t) const {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return t;
  const Rep& r = *rep_;
  absl::CivilDay day = r.DayOf(t);
  absl::Time from = t;
  while (!r.NoOfficeTimeFrom(day)) {
    for (const OfficeInterval& iv : r.HoursOn(day)) {
      const auto [open, close] = r.Span(day, iv);
      const absl::Time at = std::max(open, from);
      if (at < close) return at;
    }
    ++day;
    from = std::max(from, r.DayStart(day));
  }
  return absl::InfiniteFuture();
}

absl::Time BusinessCalendar::AddWorkingTime(absl::Time start,
                                            absl::Duration d) const {
  if (start == absl::InfiniteFuture() || start == absl::InfinitePast() ||
      d <= absl::ZeroDuration()) {
    return start;
  }
  if (d > kMaxWorkingDuration) return absl::InfiniteFuture();
  const Rep& r = *rep_;
  absl::CivilDay day = r.DayOf(start);
  absl::Time from = start;  // Office time before `from` does not count.
  absl::Duration remaining = d;
  while (!r.NoOfficeTimeFrom(day)) {
    if (from <= r.DayStart(day) && remaining > r.week_total) {
      // Skip whole weeks, leaving a remainder > 0 for the day-by-day walk so
      // that the result still lands inside an office interval.
      absl::Duration unused;
      const std::int64_t k =
          r.PlainWeeks(day, absl::IDivDuration(remaining - absl::Nanoseconds(1),
                                               r.week_total, &unused));
      if (k > 0) {
        day += 7 * k;
        remaining -= k * r.week_total;
        from = std::max(from, r.DayStart(day));
        continue;
      }
    }
    for (const OfficeInterval& iv : r.HoursOn(day)) {
      const auto [open, close] = r.Span(day, iv);
      const absl::Time at = std::max(open, from);
      if (at >= close) continue;
      const absl::Duration available = close - at;
      if (available >= remaining) return at + remaining;
      remaining -= available;
    }
    ++day;
    from = std::max(from, r.DayStart(day));
  }
  return absl::InfiniteFuture();
}

absl::Time BusinessCalendar::AddWorkingDays(absl::Time start, int n) const {
  if (n <= 0) return start;
  if (rep_->standard_day == absl::ZeroDuration()) {
    return absl::InfiniteFuture();
  }
  return AddWorkingTime(start, n * rep_->standard_day);
}

absl::Duration BusinessCalendar::WorkingTimeBetween(absl::Time a,
                                                    absl::Time b) const {
  if (b <= a) return absl::ZeroDuration();
  const Rep& r = *rep_;
  if (a == absl::InfinitePast() || b == absl::InfiniteFuture()) {
    if (r.week_total > absl::ZeroDuration()) return absl::InfiniteDuration();
    // Only listed make-up days can hold office time: clamp to the table.
    if (!r.first_listed.has_value()) return absl::ZeroDuration();
    a = std::max(a, r.DayStart(*r.first_listed));
    b = std::min(b, r.DayStart(*r.last_listed + 1));
    if (b <= a) return absl::ZeroDuration();
  }
  const absl::CivilDay last_day = r.DayOf(b);
  absl::CivilDay day = r.DayOf(a);
  absl::Time from = a;
  absl::Duration total = absl::ZeroDuration();
  while (from < b) {
    if (from <= r.DayStart(day)) {
      // Whole weeks that end by midnight of `last_day` lie inside [a, b).
      const std::int64_t k = r.PlainWeeks(day, (last_day - day) / 7);
      if (k > 0) {
        total += k * r.week_total;
        day += 7 * k;
        from = std::max(from, r.DayStart(day));
        continue;
      }
    }
    for (const OfficeInterval& iv : r.HoursOn(day)) {
      const auto [open, close] = r.Span(day, iv);
      if (open >= b) break;
      const absl::Time lo = std::max(open, from);
      const absl::Time hi = std::min(close, b);
      if (hi > lo) total += hi - lo;
    }
    ++day;
    from = std::max(from, r.DayStart(day));
  }
  return total;
}

}  // namespace steward::calendar
