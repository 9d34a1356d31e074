// Domain rules of scorecards: period parsing and formatting, the current
// month in the community's zone, draft validation and the desk's use of its
// clock. Pure: no database, no network.
#include "services/kpi/domain/scorecard.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/kpi/domain/scorecard_desk.h"
#include "tests/unit/kpi/fake_scorecard_repository.h"
#include "tests/support/status_details.h"

namespace steward::kpi {
namespace {

using ::testing::ElementsAre;
using testing::FakeScorecardRepository;
using ::steward::testing::ViolatedFields;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone)) << "install tzdata";
  return zone;
}

// An instant given as UTC civil time.
absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0),
                         absl::UTCTimeZone());
}

ScorecardDraft ValidDraft() {
  ScorecardDraft draft;
  draft.community = "c1";
  draft.subject_type = SubjectType::kStaff;
  draft.subject_id = "staff-0042";
  draft.period = absl::CivilMonth(2026, 3);
  return draft;
}

constexpr absl::CivilMonth kMarch2026(2026, 3);

// ---------------------------------------------------------------------------
// ParsePeriod / FormatPeriod

TEST(ParsePeriodTest, AcceptsRealMonthsWithinRange) {
  auto march = ParsePeriod("2026-03", "f");
  ASSERT_TRUE(march.ok()) << march.status();
  EXPECT_EQ(*march, absl::CivilMonth(2026, 3));
  auto december = ParsePeriod("2026-12", "f");
  ASSERT_TRUE(december.ok()) << december.status();
  EXPECT_EQ(*december, absl::CivilMonth(2026, 12));
  auto first = ParsePeriod("2000-01", "f");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, kFirstPeriod);
  auto last = ParsePeriod("2100-12", "f");
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(*last, kLastPeriod);
}

TEST(ParsePeriodTest, RejectsEverythingButExactYyyyMm) {
  for (const char* text :
       {"",         "2026",       "2026-3",  "2026-003", "26-03",
        "02026-03", "2026-00",    "2026-13", "2026-99",  " 2026-03",
        "2026-03 ", "2026/03",    "2026_03", "+026-03",  "-026-03",
        "2026-+3",  "2026-03-01", "2026-1a", "abcd-ef",  "２０２６-03"}) {
    absl::StatusOr<absl::CivilMonth> parsed =
        ParsePeriod(text, "scorecard.period");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << "'" << text << "'";
    EXPECT_THAT(ViolatedFields(parsed.status()),
                ElementsAre("scorecard.period"))
        << "'" << text << "'";
  }
}

TEST(ParsePeriodTest, RejectsMonthsOutsideTheRange) {
  for (const char* text :
       {"1999-12", "1970-01", "0000-01", "2101-01", "9999-12"}) {
    absl::StatusOr<absl::CivilMonth> parsed = ParsePeriod(text, "period");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << text;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("2000-01"))
        << text;
    EXPECT_THAT(ViolatedFields(parsed.status()), ElementsAre("period"));
  }
}

TEST(FormatPeriodTest, WritesZeroPaddedYearAndMonth) {
  EXPECT_EQ(FormatPeriod(absl::CivilMonth(2005, 1)), "2005-01");
  EXPECT_EQ(FormatPeriod(absl::CivilMonth(2026, 12)), "2026-12");
  // Civil months normalise: month 13 of 2025 is January 2026.
  EXPECT_EQ(FormatPeriod(absl::CivilMonth(2025, 13)), "2026-01");
}

TEST(FormatPeriodTest, RoundTripsEveryMonthOfTheRange) {
  for (absl::CivilMonth m = kFirstPeriod; m <= kLastPeriod; ++m) {
    auto parsed = ParsePeriod(FormatPeriod(m), "f");
    ASSERT_TRUE(parsed.ok()) << FormatPeriod(m) << ": " << parsed.status();
    ASSERT_EQ(*parsed, m);
  }
}

// ---------------------------------------------------------------------------
// MonthAt

TEST(MonthAtTest, UsesTheGivenZone) {
  // 2026-03-31 16:30 UTC is already 2026-04-01 00:30 in Shanghai (UTC+8).
  const absl::Time t = Utc(2026, 3, 31, 16, 30);
  EXPECT_EQ(MonthAt(t, absl::UTCTimeZone()), absl::CivilMonth(2026, 3));
  EXPECT_EQ(MonthAt(t, Shanghai()), absl::CivilMonth(2026, 4));
  // 15:59 UTC is still March 31 in Shanghai.
  EXPECT_EQ(MonthAt(Utc(2026, 3, 31, 15, 59), Shanghai()),
            absl::CivilMonth(2026, 3));
}

// ---------------------------------------------------------------------------
// ValidateDraft

TEST(ValidateDraftTest, AcceptsAValidDraft) {
  EXPECT_TRUE(ValidateDraft(ValidDraft(), kMarch2026).ok());
}

TEST(ValidateDraftTest, AcceptsEverySubjectType) {
  for (SubjectType type :
       {SubjectType::kStaff, SubjectType::kTeam, SubjectType::kLine,
        SubjectType::kDistrict, SubjectType::kCommunity}) {
    ScorecardDraft draft = ValidDraft();
    draft.subject_type = type;
    EXPECT_TRUE(ValidateDraft(draft, kMarch2026).ok())
        << static_cast<int>(type);
  }
}

TEST(ValidateDraftTest, SubjectTypeIsRequiredAndKnown) {
  for (int value : {0, -1, 6, 99}) {
    ScorecardDraft draft = ValidDraft();
    draft.subject_type = static_cast<SubjectType>(value);
    absl::Status status = ValidateDraft(draft, kMarch2026);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << value;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("scorecard.subject_type"))
        << value;
    EXPECT_THAT(std::string(status.message()),
                HasSubstr(value == 0 ? "required" : "unknown value"));
  }
}

TEST(ValidateDraftTest, SubjectIdAcceptsOneToSixtyFourAllowedCharacters) {
  for (const std::string& id :
       {std::string("a"), std::string(64, 'Z'), std::string("AZaz09_.:-"),
        std::string("line:engineering.3")}) {
    ScorecardDraft draft = ValidDraft();
    draft.subject_id = id;
    EXPECT_TRUE(ValidateDraft(draft, kMarch2026).ok()) << id;
  }
}

TEST(ValidateDraftTest, SubjectIdRejectsEmptyLongAndForeignCharacters) {
  for (const std::string& id :
       {std::string(), std::string(65, 'a'), std::string("staff 1"),
        std::string("staff/1"), std::string("staff@1"), std::string("张三"),
        std::string("a\nb"), std::string("a\0b", 3)}) {
    ScorecardDraft draft = ValidDraft();
    draft.subject_id = id;
    absl::Status status = ValidateDraft(draft, kMarch2026);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << id;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("scorecard.subject_id"))
        << id;
  }
}

TEST(ValidateDraftTest, PeriodMayBeTheCurrentOrAnEarlierMonth) {
  for (absl::CivilMonth period : {kMarch2026, absl::CivilMonth(2026, 2),
                                  absl::CivilMonth(2025, 12), kFirstPeriod}) {
    ScorecardDraft draft = ValidDraft();
    draft.period = period;
    EXPECT_TRUE(ValidateDraft(draft, kMarch2026).ok()) << period;
  }
}

TEST(ValidateDraftTest, PeriodMustNotBeAfterTheCurrentMonth) {
  for (absl::CivilMonth period :
       {absl::CivilMonth(2026, 4), absl::CivilMonth(2027, 1)}) {
    ScorecardDraft draft = ValidDraft();
    draft.period = period;
    absl::Status status = ValidateDraft(draft, kMarch2026);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << period;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("scorecard.period"));
    EXPECT_THAT(std::string(status.message()), HasSubstr("2026-03"));
  }
}

TEST(ValidateDraftTest, PeriodMustLieWithinTheRange) {
  // A draft built in code can carry any month, including the default
  // (1970-01), which ParsePeriod would never produce.
  for (absl::CivilMonth period :
       {absl::CivilMonth(1999, 12), absl::CivilMonth(), kLastPeriod + 1}) {
    ScorecardDraft draft = ValidDraft();
    draft.period = period;
    // A far-future "current month", so only the range can refuse it.
    absl::Status status = ValidateDraft(draft, absl::CivilMonth(3000, 1));
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << period;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("scorecard.period"));
  }
}

TEST(ValidateDraftTest, ReportsEveryOffendingFieldAtOnce) {
  ScorecardDraft draft = ValidDraft();
  draft.subject_type = static_cast<SubjectType>(0);
  draft.subject_id = "";
  draft.period = absl::CivilMonth(2026, 4);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft, kMarch2026)),
              UnorderedElementsAre("scorecard.subject_type",
                                   "scorecard.subject_id", "scorecard.period"));
}

// ---------------------------------------------------------------------------
// ScorecardDesk

TEST(ScorecardDeskTest, OpensWithTheClockTimeAndValidatesAgainstItsMonth) {
  FakeScorecardRepository repository;
  absl::Time now = Utc(2026, 3, 10, 2, 0);
  ScorecardDesk desk(
      repository, [&now] { return now; }, Shanghai());

  auto opened = desk.Open(ValidDraft(), "r1", "fp1");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->create_time, now);
  EXPECT_EQ(opened->draft.period, kMarch2026);

  ScorecardDraft april = ValidDraft();
  april.period = absl::CivilMonth(2026, 4);
  auto refused = desk.Open(april, "r2", "fp2");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(repository.size(), 1) << "an invalid draft reached storage";

  // Still March 31 in UTC, already April 1 in Shanghai: April may open.
  now = Utc(2026, 3, 31, 16, 30);
  auto april_opened = desk.Open(april, "r3", "fp3");
  ASSERT_TRUE(april_opened.ok()) << april_opened.status();
  EXPECT_EQ(april_opened->create_time, now);
  EXPECT_EQ(repository.size(), 2);
}

TEST(ScorecardDeskTest, ZoneDecidesTheCurrentMonth) {
  FakeScorecardRepository repository;
  // The same instant, appraised under UTC: still March, so April is refused.
  ScorecardDesk desk(
      repository, [] { return Utc(2026, 3, 31, 16, 30); }, absl::UTCTimeZone());
  ScorecardDraft april = ValidDraft();
  april.period = absl::CivilMonth(2026, 4);
  EXPECT_THAT(ViolatedFields(desk.Open(april, "r1", "fp").status()),
              ElementsAre("scorecard.period"));
  EXPECT_EQ(repository.size(), 0);
}

TEST(ScorecardDeskTest, PassesGetAndListThrough) {
  FakeScorecardRepository repository;
  ScorecardDesk desk(
      repository, [] { return Utc(2026, 3, 10, 2, 0); }, Shanghai());
  auto opened = desk.Open(ValidDraft(), "r1", "fp1");
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto got = desk.Get("c1", opened->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->draft.subject_id, "staff-0042");
  EXPECT_EQ(desk.Get("c2", opened->id).status().code(),
            absl::StatusCode::kNotFound);
  auto page = desk.List("c1", ScorecardFilter{}, 0, 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->scorecards.size(), 1u);
  EXPECT_EQ(page->scorecards[0].id, opened->id);
  EXPECT_EQ(repository.last_list_limit(), 10);
}

}  // namespace
}  // namespace steward::kpi
