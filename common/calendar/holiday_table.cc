#include "common/calendar/holiday_table.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace steward::calendar {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Splits off the first blank-delimited token of `*rest` (which must not start
// with a blank) and leaves the remainder, leading blanks removed, in `*rest`.
absl::string_view TakeToken(absl::string_view* rest) {
  std::size_t end = 0;
  while (end < rest->size() && !IsBlank((*rest)[end])) ++end;
  absl::string_view token = rest->substr(0, end);
  rest->remove_prefix(end);
  while (!rest->empty() && IsBlank(rest->front())) rest->remove_prefix(1);
  return token;
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(absl::string_view digits) {  // At most 4 digits: no overflow.
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// Parses exactly "YYYY-MM-DD" naming a day that exists.
std::optional<absl::CivilDay> ParseDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const absl::string_view y = s.substr(0, 4), m = s.substr(5, 2),
                          d = s.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return std::nullopt;
  const int year = ToInt(y), month = ToInt(m), day = ToInt(d);
  const absl::CivilDay civil(year, month, day);
  // CivilDay normalises out-of-range fields (2026-02-30 -> 2026-03-02):
  // a real date is one that survives unchanged.
  if (civil.year() != year || civil.month() != month || civil.day() != day) {
    return std::nullopt;
  }
  return civil;
}

// Strict UTF-8 (no overlongs, no surrogates, <= U+10FFFF) without C0 or DEL
// control characters.
bool IsCleanUtf8(absl::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    int len;
    std::uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i < static_cast<std::size_t>(len)) return false;
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      return false;
    }
    i += len;
  }
  return true;
}

const char* WeekdayName(absl::Weekday w) {
  switch (w) {
    case absl::Weekday::monday:
      return "Monday";
    case absl::Weekday::tuesday:
      return "Tuesday";
    case absl::Weekday::wednesday:
      return "Wednesday";
    case absl::Weekday::thursday:
      return "Thursday";
    case absl::Weekday::friday:
      return "Friday";
    case absl::Weekday::saturday:
      return "Saturday";
    case absl::Weekday::sunday:
      return "Sunday";
  }
  return "?";
}

absl::Status LineError(int line, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", problem));
}

std::string Quote(absl::string_view s) {
  // Keeps error messages short and printable even for hostile input.
  constexpr std::size_t kMaxShown = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('?');
    }
  }
  if (s.size() > kMaxShown) out += "...";
  out.push_back('"');
  return out;
}

std::string ComputeFingerprint(const std::vector<HolidayEntry>& entries,
                               const std::vector<int>& years) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis.
  auto mix = [&h](absl::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;  // FNV-1a 64 prime.
    }
  };
  for (int y : years) mix(absl::StrCat("y", y, ";"));
  for (const HolidayEntry& e : entries) {
    mix(absl::FormatCivilTime(e.day));
    mix(e.kind == DayOverride::kHoliday ? "h;" : "w;");
  }
  return absl::StrCat("cal1-", absl::Hex(h, absl::kZeroPad16));
}

}  // namespace

HolidayTable::HolidayTable() : HolidayTable({}, {}) {}

HolidayTable::HolidayTable(std::vector<HolidayEntry> entries,
                           std::vector<int> years)
    : entries_(std::move(entries)), years_(std::move(years)) {
  std::sort(entries_.begin(), entries_.end(),
            [](const HolidayEntry& a, const HolidayEntry& b) {
              return a.day < b.day;
            });
  std::sort(years_.begin(), years_.end());
  fingerprint_ = ComputeFingerprint(entries_, years_);
}

const HolidayEntry* HolidayTable::FindEntry(absl::CivilDay day) const {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), day,
      [](const HolidayEntry& e, absl::CivilDay d) { return e.day < d; });
  if (it == entries_.end() || it->day != day) return nullptr;
  return &*it;
}

std::optional<DayOverride> HolidayTable::Find(absl::CivilDay day) const {
  const HolidayEntry* e = FindEntry(day);
  if (e == nullptr) return std::nullopt;
  return e->kind;
}

std::optional<absl::CivilDay> HolidayTable::NextListedDay(
    absl::CivilDay day) const {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), day,
      [](const HolidayEntry& e, absl::CivilDay d) { return e.day < d; });
  if (it == entries_.end()) return std::nullopt;
  return it->day;
}

bool HolidayTable::Covers(int year) const {
  return std::binary_search(years_.begin(), years_.end(), year);
}

absl::StatusOr<HolidayTable> ParseHolidayTable(absl::string_view text) {
  if (text.size() > kMaxHolidayTableBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("calendar text is ", text.size(), " bytes; the limit is ",
                     kMaxHolidayTableBytes));
  }
  std::vector<HolidayEntry> entries;
  std::vector<int> years;
  absl::flat_hash_map<int, int> year_line;            // year -> line
  absl::flat_hash_map<absl::CivilDay, int> day_line;  // day -> line

  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == absl::string_view::npos) eol = text.size();
    absl::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (line_no > kMaxHolidayTableLines) {
      return LineError(line_no, absl::StrCat("too many lines; the limit is ",
                                             kMaxHolidayTableLines));
    }
    line = absl::StripAsciiWhitespace(line);  // Also drops a CR of CRLF.
    if (line.empty() || line.front() == '#') continue;

    absl::string_view rest = line;
    const absl::string_view head = TakeToken(&rest);

    if (head == "year") {
      const absl::string_view arg = TakeToken(&rest);
      if (!rest.empty()) {
        return LineError(line_no, "\"year\" takes exactly one argument");
      }
      if (arg.size() != 4 || !AllDigits(arg) || ToInt(arg) < kMinYear) {
        return LineError(line_no, absl::StrCat("malformed year ", Quote(arg),
                                               " (expected YYYY, ", kMinYear,
                                               "-", kMaxYear, ")"));
      }
      const int year = ToInt(arg);
      auto [it, inserted] = year_line.emplace(year, line_no);
      if (!inserted) {
        return LineError(
            line_no, absl::StrCat("year ", year,
                                  " is already declared on line ", it->second));
      }
      years.push_back(year);
      continue;
    }

    if (head.empty() || head.front() < '0' || head.front() > '9') {
      return LineError(line_no,
                       absl::StrCat("unknown directive ", Quote(head),
                                    " (expected \"year\", a date or a date "
                                    "range)"));
    }
    absl::string_view first_text = head, last_text = head;
    if (const std::size_t dots = head.find("..");
        dots != absl::string_view::npos) {
      first_text = head.substr(0, dots);
      last_text = head.substr(dots + 2);
    }
    const std::optional<absl::CivilDay> first = ParseDate(first_text);
    const std::optional<absl::CivilDay> last = ParseDate(last_text);
    if (!first.has_value() || !last.has_value()) {
      return LineError(
          line_no,
          absl::StrCat("malformed date ", Quote(first ? last_text : first_text),
                       " (expected YYYY-MM-DD naming a real day, or "
                       "YYYY-MM-DD..YYYY-MM-DD)"));
    }
    if (*last < *first) {
      return LineError(line_no,
                       absl::StrCat("range ", Quote(head), " is reversed"));
    }
    const absl::civil_diff_t span = *last - *first + 1;
    if (span > kMaxHolidayRangeDays) {
      return LineError(
          line_no, absl::StrCat("range ", Quote(head), " spans ", span,
                                " days; the limit is ", kMaxHolidayRangeDays));
    }

    const absl::string_view kind_text = TakeToken(&rest);
    DayOverride kind;
    if (kind_text == "holiday") {
      kind = DayOverride::kHoliday;
    } else if (kind_text == "workday") {
      kind = DayOverride::kMakeupWorkday;
    } else if (kind_text.empty()) {
      return LineError(line_no,
                       "missing kind after the date (expected \"holiday\" or "
                       "\"workday\")");
    } else {
      return LineError(line_no, absl::StrCat("unknown kind ", Quote(kind_text),
                                             " (expected \"holiday\" or "
                                             "\"workday\")"));
    }

    const absl::string_view name = rest;  // Already trimmed at both ends.
    if (name.empty()) {
      return LineError(line_no,
                       absl::StrCat("missing name after \"", kind_text, "\""));
    }
    if (name.size() > kMaxHolidayNameBytes) {
      return LineError(
          line_no, absl::StrCat("name is ", name.size(),
                                " bytes; the limit is ", kMaxHolidayNameBytes));
    }
    if (!IsCleanUtf8(name)) {
      return LineError(line_no,
                       "name is not valid UTF-8 or contains a control "
                       "character");
    }

    for (absl::CivilDay day = *first; day <= *last; ++day) {
      const std::string day_text = absl::FormatCivilTime(day);
      if (year_line.find(static_cast<int>(day.year())) == year_line.end()) {
        return LineError(line_no,
                         absl::StrCat(day_text, " is in year ", day.year(),
                                      ", which no earlier \"year\" line "
                                      "declares"));
      }
      if (kind == DayOverride::kMakeupWorkday) {
        const absl::Weekday wd = absl::GetWeekday(day);
        if (wd != absl::Weekday::saturday && wd != absl::Weekday::sunday) {
          return LineError(line_no,
                           absl::StrCat(day_text, " is a ", WeekdayName(wd),
                                        "; a make-up working day must be a "
                                        "Saturday or Sunday"));
        }
      }
      auto [it, inserted] = day_line.emplace(day, line_no);
      if (!inserted) {
        return LineError(
            line_no,
            absl::StrCat(day_text, " is already listed on line ", it->second));
      }
      if (static_cast<int>(entries.size()) >= kMaxHolidayTableDays) {
        return LineError(
            line_no,
            absl::StrCat("more than ", kMaxHolidayTableDays, " listed days"));
      }
      entries.push_back(HolidayEntry{day, kind, std::string(name)});
    }
  }
  return HolidayTable(std::move(entries), std::move(years));
}

absl::StatusOr<HolidayTable> LoadHolidayTableFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  }
  std::string text;
  char buf[8192];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxHolidayTableBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": larger than ", kMaxHolidayTableBytes, " bytes"));
    }
  }
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": read error"));
  }
  absl::StatusOr<HolidayTable> table = ParseHolidayTable(text);
  if (!table.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", table.status().message()));
  }
  return table;
}

}  // namespace steward::calendar
