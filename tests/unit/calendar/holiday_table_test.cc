#include "common/calendar/holiday_table.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/calendar/test_calendars.h"

namespace steward::calendar {
namespace {

using testing::DomainHolidays;
using testing::DomainMakeupDays;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Optional;
using testing::ShippedTable;
using ::testing::StartsWith;

HolidayTable ParseOrDie(absl::string_view text) {
  absl::StatusOr<HolidayTable> t = ParseHolidayTable(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *std::move(t) : HolidayTable();
}

TEST(ShippedTableTest, CoversExactly2025And2026) {
  EXPECT_THAT(ShippedTable().years(), ElementsAre(2025, 2026));
  EXPECT_TRUE(ShippedTable().Covers(2025));
  EXPECT_TRUE(ShippedTable().Covers(2026));
  EXPECT_FALSE(ShippedTable().Covers(2024));
  EXPECT_FALSE(ShippedTable().Covers(2027));
}

TEST(ShippedTableTest, ListsExactlyDomainHolidaysAndMakeupDays) {
  const std::set<absl::CivilDay> holidays = DomainHolidays();
  const std::set<absl::CivilDay> makeups = DomainMakeupDays();
  EXPECT_EQ(ShippedTable().entries().size(), holidays.size() + makeups.size());
  EXPECT_EQ(holidays.size(), 28u + 33u);
  EXPECT_EQ(makeups.size(), 5u + 6u);
  for (absl::CivilDay d(2024, 12, 1); d <= absl::CivilDay(2027, 1, 31); ++d) {
    SCOPED_TRACE(absl::FormatCivilTime(d));
    if (holidays.count(d)) {
      EXPECT_THAT(ShippedTable().Find(d), Optional(DayOverride::kHoliday));
    } else if (makeups.count(d)) {
      EXPECT_THAT(ShippedTable().Find(d),
                  Optional(DayOverride::kMakeupWorkday));
    } else {
      EXPECT_EQ(ShippedTable().Find(d), std::nullopt);
    }
  }
}

TEST(ShippedTableTest, EveryMakeupDayIsAWeekendDay) {
  for (const HolidayEntry& e : ShippedTable().entries()) {
    if (e.kind == DayOverride::kMakeupWorkday) {
      EXPECT_TRUE(testing::IsWeekend(e.day)) << e.day;
    }
  }
}

TEST(ShippedTableTest, EntriesAreSortedAndNamed) {
  const std::vector<HolidayEntry>& entries = ShippedTable().entries();
  for (std::size_t i = 1; i < entries.size(); ++i) {
    EXPECT_LT(entries[i - 1].day, entries[i].day);
  }
  const HolidayEntry* e = ShippedTable().FindEntry(absl::CivilDay(2026, 2, 17));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "Spring Festival (春节)");
  EXPECT_EQ(e->kind, DayOverride::kHoliday);
  e = ShippedTable().FindEntry(absl::CivilDay(2026, 10, 10));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, DayOverride::kMakeupWorkday);
  EXPECT_THAT(e->name, HasSubstr("National Day"));
  EXPECT_EQ(ShippedTable().FindEntry(absl::CivilDay(2026, 10, 9)), nullptr);
}

TEST(HolidayTableTest, DefaultIsEmpty) {
  const HolidayTable t;
  EXPECT_TRUE(t.entries().empty());
  EXPECT_TRUE(t.years().empty());
  EXPECT_EQ(t.Find(absl::CivilDay(2026, 1, 1)), std::nullopt);
  EXPECT_EQ(t.NextListedDay(absl::CivilDay(1970, 1, 1)), std::nullopt);
  EXPECT_EQ(t.fingerprint(), ParseOrDie("").fingerprint());
  EXPECT_EQ(t.fingerprint(), ParseOrDie("# nothing\n\n").fingerprint());
}

TEST(HolidayTableTest, NextListedDay) {
  const HolidayTable& t = ShippedTable();
  EXPECT_EQ(t.NextListedDay(absl::CivilDay(2024, 6, 1)),
            absl::CivilDay(2025, 1, 1));
  EXPECT_EQ(t.NextListedDay(absl::CivilDay(2025, 1, 1)),
            absl::CivilDay(2025, 1, 1));
  EXPECT_EQ(t.NextListedDay(absl::CivilDay(2025, 1, 2)),
            absl::CivilDay(2025, 1, 26));
  EXPECT_EQ(t.NextListedDay(absl::CivilDay(2026, 10, 8)),
            absl::CivilDay(2026, 10, 10));
  EXPECT_EQ(t.NextListedDay(absl::CivilDay(2026, 10, 11)), std::nullopt);
}

TEST(ParseHolidayTableTest, AcceptsCommentsBlanksCrlfTabsAndSingleDayRanges) {
  const HolidayTable t = ParseOrDie(
      "# header\r\n"
      "\r\n"
      "   year 2026   \r\n"
      "\t# indented comment\n"
      "2026-01-01..2026-01-01\tholiday \t New Year  \r\n"
      "  2026-01-04 workday 元旦调休\n"
      "2026-12-31 holiday Last # not a comment");
  ASSERT_EQ(t.entries().size(), 3u);
  EXPECT_EQ(t.entries()[0].day, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(t.entries()[0].name, "New Year");
  EXPECT_EQ(t.entries()[1].kind, DayOverride::kMakeupWorkday);
  EXPECT_EQ(t.entries()[1].name, "元旦调休");
  EXPECT_EQ(t.entries()[2].name, "Last # not a comment");
}

TEST(ParseHolidayTableTest, RangeExpandsToEveryDayInclusive) {
  const HolidayTable t =
      ParseOrDie("year 2026\nyear 2027\n2026-12-30..2027-01-29 holiday Long\n");
  ASSERT_EQ(t.entries().size(), 31u);
  EXPECT_EQ(t.entries().front().day, absl::CivilDay(2026, 12, 30));
  EXPECT_EQ(t.entries().back().day, absl::CivilDay(2027, 1, 29));
  EXPECT_EQ(t.Find(absl::CivilDay(2027, 1, 30)), std::nullopt);
  EXPECT_EQ(t.Find(absl::CivilDay(2026, 12, 29)), std::nullopt);
}

TEST(ParseHolidayTableTest, LeapDayIsARealDate) {
  EXPECT_TRUE(ParseHolidayTable("year 2028\n2028-02-29 holiday Leap\n").ok());
  EXPECT_FALSE(ParseHolidayTable("year 2026\n2026-02-29 holiday No\n").ok());
}

TEST(HolidayFingerprintTest, IgnoresPresentationButNotContent) {
  const std::string base =
      "year 2026\n2026-01-01..2026-01-03 holiday A\n2026-01-04 workday B\n";
  const std::string fp = ParseOrDie(base).fingerprint();
  EXPECT_THAT(fp, MatchesRegex("cal1-[0-9a-f]{16}"));
  // Comments, order, names and range spelling do not move deadlines.
  EXPECT_EQ(fp, ParseOrDie("# c\nyear 2026\n2026-01-04 workday X\n"
                           "2026-01-03 holiday Y\n2026-01-01..2026-01-02 "
                           "holiday Z\n")
                    .fingerprint());
  // Kinds, days and covered years do.
  EXPECT_NE(fp, ParseOrDie("year 2026\n2026-01-01..2026-01-03 holiday A\n"
                           "2026-01-04 holiday B\n")
                    .fingerprint());
  EXPECT_NE(fp, ParseOrDie("year 2026\n2026-01-01..2026-01-02 holiday A\n"
                           "2026-01-04 workday B\n")
                    .fingerprint());
  EXPECT_NE(fp, ParseOrDie("year 2026\nyear 2027\n2026-01-01..2026-01-03 "
                           "holiday A\n2026-01-04 workday B\n")
                    .fingerprint());
  EXPECT_NE(ShippedTable().fingerprint(), fp);
}

struct RejectCase {
  std::string label;
  std::string text;
  int line;              // The line the error must name.
  std::string fragment;  // What the error must say about it.
};

void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.label; }

class RejectTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(RejectTest, IsInvalidArgumentNamingTheLineAndProblem) {
  const RejectCase& c = GetParam();
  const absl::StatusOr<HolidayTable> t = ParseHolidayTable(c.text);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()),
              StartsWith(absl::StrCat("line ", c.line, ": ")));
  EXPECT_THAT(std::string(t.status().message()), HasSubstr(c.fragment));
}

const std::string kY = "# header\nyear 2026\n";  // Entries start on line 3.

INSTANTIATE_TEST_SUITE_P(
    Parser, RejectTest,
    ::testing::Values(
        RejectCase{"UnknownKind", kY + "2026-01-01 holyday New Year\n", 3,
                   "unknown kind \"holyday\""},
        RejectCase{"UpperCaseKind", kY + "2026-01-01 Holiday New Year\n", 3,
                   "unknown kind \"Holiday\""},
        RejectCase{"UnknownDirective", kY + "years 2027\n", 3,
                   "unknown directive \"years\""},
        RejectCase{"MissingKind", kY + "2026-01-01\n", 3, "missing kind"},
        RejectCase{"MissingName", kY + "2026-01-01 holiday   \n", 3,
                   "missing name after \"holiday\""},
        RejectCase{"ShortDate", kY + "2026-1-01 holiday X\n", 3,
                   "malformed date \"2026-1-01\""},
        RejectCase{"SlashDate", kY + "2026/01/01 holiday X\n", 3,
                   "malformed date \"2026/01/01\""},
        RejectCase{"Month13", kY + "2026-13-01 holiday X\n", 3,
                   "malformed date \"2026-13-01\""},
        RejectCase{"Feb30", kY + "2026-02-30 holiday X\n", 3,
                   "malformed date \"2026-02-30\""},
        RejectCase{"Day00", kY + "2026-01-00 holiday X\n", 3,
                   "malformed date \"2026-01-00\""},
        RejectCase{"BadRangeEnd", kY + "2026-01-01..2026-01-3x holiday X\n", 3,
                   "malformed date \"2026-01-3x\""},
        RejectCase{"OpenRange", kY + "2026-01-01.. holiday X\n", 3,
                   "malformed date \"\""},
        RejectCase{"TripleDots", kY + "2026-01-01...2026-01-03 holiday X\n", 3,
                   "malformed date \".2026-01-03\""},
        RejectCase{"ReversedRange", kY + "2026-02-23..2026-02-15 holiday X\n",
                   3, "range \"2026-02-23..2026-02-15\" is reversed"},
        RejectCase{"RangeOver31Days", kY + "2026-01-01..2026-02-01 holiday X\n",
                   3, "spans 32 days; the limit is 31"},
        RejectCase{"DayListedTwice",
                   kY + "2026-01-01 holiday A\n\n2026-01-01 holiday A\n", 5,
                   "2026-01-01 is already listed on line 3"},
        RejectCase{"OverlappingRanges",
                   kY + "2026-02-15..2026-02-23 holiday A\n"
                        "2026-02-14..2026-02-15 workday B\n",
                   4, "2026-02-15 is already listed on line 3"},
        RejectCase{"WorkdayOnWeekday", kY + "2026-02-16 workday X\n", 3,
                   "2026-02-16 is a Monday; a make-up working day must be a "
                   "Saturday or Sunday"},
        RejectCase{"WorkdayRangeReachingFriday",
                   kY + "2026-02-14..2026-02-20 workday X\n", 3,
                   "2026-02-16 is a Monday"},
        RejectCase{"UndeclaredYear", kY + "2027-01-01 holiday X\n", 3,
                   "2027-01-01 is in year 2027, which no earlier \"year\" "
                   "line declares"},
        RejectCase{"YearDeclaredAfterUse", "2026-01-01 holiday X\nyear 2026\n",
                   1, "is in year 2026"},
        RejectCase{"RangeIntoUndeclaredYear",
                   kY + "2026-12-31..2027-01-01 holiday X\n", 3,
                   "2027-01-01 is in year 2027"},
        RejectCase{"YearTwice", kY + "year 2026\n", 3,
                   "year 2026 is already declared on line 2"},
        RejectCase{"TwoDigitYear", "year 26\n", 1, "malformed year \"26\""},
        RejectCase{"AncientYear", "year 1066\n", 1, "malformed year \"1066\""},
        RejectCase{"MissingYear", "year\n", 1, "malformed year \"\""},
        RejectCase{"YearWithTwoArgs", "year 2026 2027\n", 1,
                   "\"year\" takes exactly one argument"},
        RejectCase{"NameTooLong",
                   kY + "2026-01-01 holiday " + std::string(201, 'x') + "\n", 3,
                   "name is 201 bytes; the limit is 200"},
        RejectCase{"NameBadUtf8", kY + "2026-01-01 holiday Bad\xff\n", 3,
                   "not valid UTF-8"},
        RejectCase{"NameOverlongUtf8", kY + "2026-01-01 holiday \xc0\xaf\n", 3,
                   "not valid UTF-8"},
        RejectCase{"NameOverlong3Byte",
                   kY + "2026-01-01 holiday \xe0\x80\xaf\n", 3,
                   "not valid UTF-8"},
        RejectCase{"NameOverlong4Byte",
                   kY + "2026-01-01 holiday \xf0\x80\x80\xaf\n", 3,
                   "not valid UTF-8"},
        RejectCase{"NameBeyondUnicode",
                   kY + "2026-01-01 holiday \xf4\x90\x80\x80\n", 3,
                   "not valid UTF-8"},
        RejectCase{"NameSurrogate", kY + "2026-01-01 holiday \xed\xa0\x80\n", 3,
                   "not valid UTF-8"},
        RejectCase{"NameTruncatedUtf8", kY + "2026-01-01 holiday \xe6\x98\n", 3,
                   "not valid UTF-8"},
        RejectCase{"NameControlChar",
                   kY + "2026-01-01 holiday A" + std::string(1, '\0') + "B\n",
                   3, "control character"}),
    [](const ::testing::TestParamInfo<RejectCase>& info) {
      return info.param.label;
    });

TEST(ParseHolidayTableTest, RejectsTextOverOneMebibyte) {
  std::string text(kMaxHolidayTableBytes + 1, '#');
  const absl::StatusOr<HolidayTable> t = ParseHolidayTable(text);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()),
              HasSubstr("1048577 bytes; the limit is 1048576"));
  text.pop_back();  // Exactly at the limit: one long comment line is fine.
  EXPECT_TRUE(ParseHolidayTable(text).ok());
}

TEST(ParseHolidayTableTest, RejectsTooManyLines) {
  const std::string ok(kMaxHolidayTableLines, '\n');
  EXPECT_TRUE(ParseHolidayTable(ok).ok());
  const absl::StatusOr<HolidayTable> t = ParseHolidayTable(ok + "\n");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()),
              StartsWith("line 100001: too many lines"));
}

TEST(ParseHolidayTableTest, RejectsTooManyListedDays) {
  // 60 years declared, then consecutive 31-day ranges until the cap is
  // crossed.
  std::string text;
  for (int y = 1950; y < 2010; ++y) absl::StrAppend(&text, "year ", y, "\n");
  const int header_lines = 60;
  absl::CivilDay d(1950, 1, 1);
  int lines = 0;
  for (int listed = 0; listed <= kMaxHolidayTableDays; listed += 31) {
    absl::StrAppend(&text, absl::FormatCivilTime(d), "..",
                    absl::FormatCivilTime(d + 30), " holiday H\n");
    d += 31;
    ++lines;
  }
  const absl::StatusOr<HolidayTable> t = ParseHolidayTable(text);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()),
              StartsWith(absl::StrCat("line ", header_lines + lines,
                                      ": more than 20000 listed days")));
}

TEST(ParseHolidayTableTest, SurvivesHostileInput) {
  // A smoke test ahead of the libFuzzer target: random bytes, random
  // near-valid lines and pathological shapes never crash and fail only with
  // InvalidArgument.
  std::mt19937_64 rng(20260101);
  const std::vector<std::string> pieces = {
      "year 2026",  "2026-01-01", "..",         "holiday",
      "workday",    " ",          "\t",         "\n",
      "\r\n",       "#",          "2026-02-14", "9999-12-31",
      "0000-00-00", "\xff",       "春节",       std::string(1, '\0')};
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      if (rng() % 4 == 0) {
        text.push_back(static_cast<char>(rng() & 0xff));
      } else {
        text += pieces[rng() % pieces.size()];
      }
    }
    const absl::StatusOr<HolidayTable> t = ParseHolidayTable(text);
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << text;
    }
  }
  EXPECT_FALSE(ParseHolidayTable(std::string(500'000, '.')).ok());
  EXPECT_FALSE(ParseHolidayTable(std::string(500'000, '9')).ok());
  EXPECT_TRUE(ParseHolidayTable(std::string(500'000, ' ')).ok());
}

TEST(LoadHolidayTableFileTest, MissingFileIsNotFound) {
  const absl::StatusOr<HolidayTable> t =
      LoadHolidayTableFile("/nonexistent/steward/calendar.txt");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(t.status().message()),
              HasSubstr("/nonexistent/steward/calendar.txt"));
}

TEST(LoadHolidayTableFileTest, ParseErrorNamesPathAndLine) {
  const std::string path = ::testing::TempDir() + "/steward_bad_calendar.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << "year 2026\n2026-01-05 workday Monday\n";
  }
  const absl::StatusOr<HolidayTable> t = LoadHolidayTableFile(path);
  std::remove(path.c_str());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()),
              StartsWith(path + ": line 2: 2026-01-05 is a Monday"));
}

}  // namespace
}  // namespace steward::calendar
