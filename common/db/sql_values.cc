#include "common/db/sql_values.h"

#include <algorithm>
#include <cstdint>

namespace steward::db {
namespace {

// Fixed-layout conversions: every stored instant goes through these (eleven
// per ticket row read, fifty rows a list page, dozens per change written),
// and absl::FormatTime / ParseTime spent about a microsecond each on format
// interpretation and time-zone lookups (callgrind: 30,000 instructions of
// a CreateTicket).

// Writes `value` as exactly `width` decimal digits at `out`.
void PutDigits(char* out, int64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Reads `width` decimal digits at `text[at]`; false unless all are digits.
bool TakeDigits(absl::string_view text, size_t at, int width, int* value) {
  int v = 0;
  for (int i = 0; i < width; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
// Hinnant's civil-day algorithms): UTC needs no time-zone lookup, which is
// what absl::ToCivilSecond / FromCivil spend most of their time on.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                          // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month, day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2), month, day};
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Floor division and its non-negative remainder.
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b < 0); }

}  // namespace

std::string ToSqlDateTime(absl::Time t) {
  // DATETIME holds years 1000..9999; infinite or out-of-range instants (a
  // deadline that can never fall due) are clamped to the ends.
  static const absl::Time kMin = absl::FromCivil(
      absl::CivilSecond(1000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kMax =
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59),
                      absl::UTCTimeZone()) +
      absl::Microseconds(999999);
  t = std::clamp(t, kMin, kMax);
  // Truncated to the microsecond (toward the past), as %E6S does.
  const int64_t unix_micros = absl::ToUnixMicros(t);
  const int64_t seconds = FloorDiv(unix_micros, 1000000);
  const int64_t micros = unix_micros - seconds * 1000000;
  const int64_t days = FloorDiv(seconds, 86400);
  const int64_t second_of_day = seconds - days * 86400;
  const Civil civil = CivilFromDays(days);
  std::string out = "0000-00-00 00:00:00.000000";
  PutDigits(&out[0], civil.year, 4);
  PutDigits(&out[5], civil.month, 2);
  PutDigits(&out[8], civil.day, 2);
  PutDigits(&out[11], second_of_day / 3600, 2);
  PutDigits(&out[14], second_of_day / 60 % 60, 2);
  PutDigits(&out[17], second_of_day % 60, 2);
  PutDigits(&out[20], micros, 6);
  return out;
}

absl::Time FromSqlDateTime(absl::string_view text) {
  // "YYYY-MM-DD HH:MM:SS" and an optional fraction of 1..9 digits.
  constexpr size_t kSeconds = 19;
  if (text.size() < kSeconds || text[4] != '-' || text[7] != '-' ||
      text[10] != ' ' || text[13] != ':' || text[16] != ':') {
    return absl::InfinitePast();
  }
  int year, month, day, hour, minute, second;
  if (!TakeDigits(text, 0, 4, &year) || !TakeDigits(text, 5, 2, &month) ||
      !TakeDigits(text, 8, 2, &day) || !TakeDigits(text, 11, 2, &hour) ||
      !TakeDigits(text, 14, 2, &minute) || !TakeDigits(text, 17, 2, &second)) {
    return absl::InfinitePast();
  }
  int64_t nanos = 0;
  if (text.size() > kSeconds) {
    const size_t digits = text.size() - kSeconds - 1;
    if (text[kSeconds] != '.' || digits < 1 || digits > 9) {
      return absl::InfinitePast();
    }
    int fraction = 0;
    if (!TakeDigits(text, kSeconds + 1, static_cast<int>(digits), &fraction)) {
      return absl::InfinitePast();
    }
    nanos = fraction;
    for (size_t i = digits; i < 9; ++i) nanos *= 10;
  }
  // Out-of-range fields (month 13, February 30th, 24:00) are malformed,
  // not another instant.
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 59) {
    return absl::InfinitePast();
  }
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 +
                          hour * 3600 + minute * 60 + second;
  return absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
}

absl::Time TruncateToMicros(absl::Time t) {
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

}  // namespace steward::db
