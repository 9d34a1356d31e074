// Proto ↔ domain mapping of the scorecard API and the shape checks of its
// requests. Pure: no database, no network.
#include "services/kpi/api/scorecard_mapping.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_details.h"

namespace steward::kpi {
namespace {

using ::testing::ElementsAre;
using ::steward::testing::ViolatedFields;
using ::testing::UnorderedElementsAre;

v1::CreateScorecardRequest ValidRequest() {
  v1::CreateScorecardRequest request;
  request.set_parent("communities/c1");
  request.set_request_id("r1");
  v1::Scorecard* s = request.mutable_scorecard();
  s->set_subject_type(v1::SUBJECT_TYPE_DISTRICT);
  s->set_subject_id("district-7");
  s->set_period("2026-02");
  return request;
}

// ---------------------------------------------------------------------------
// DraftFromRequest

TEST(DraftFromRequestTest, MapsEveryField) {
  auto draft = DraftFromRequest(ValidRequest());
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->community, "c1");
  EXPECT_EQ(draft->subject_type, SubjectType::kDistrict);
  EXPECT_EQ(draft->subject_id, "district-7");
  EXPECT_EQ(draft->period, absl::CivilMonth(2026, 2));
}

TEST(DraftFromRequestTest, SubjectTypesKeepTheirNumbers) {
  const std::pair<v1::SubjectType, SubjectType> pairs[] = {
      {v1::SUBJECT_TYPE_STAFF, SubjectType::kStaff},
      {v1::SUBJECT_TYPE_TEAM, SubjectType::kTeam},
      {v1::SUBJECT_TYPE_LINE, SubjectType::kLine},
      {v1::SUBJECT_TYPE_DISTRICT, SubjectType::kDistrict},
      {v1::SUBJECT_TYPE_COMMUNITY, SubjectType::kCommunity},
  };
  for (const auto& [proto, domain] : pairs) {
    v1::CreateScorecardRequest request = ValidRequest();
    request.mutable_scorecard()->set_subject_type(proto);
    auto draft = DraftFromRequest(request);
    ASSERT_TRUE(draft.ok()) << draft.status();
    EXPECT_EQ(draft->subject_type, domain) << proto;
  }
}

TEST(DraftFromRequestTest, IgnoresOutputOnlyFields) {
  v1::CreateScorecardRequest request = ValidRequest();
  v1::Scorecard* s = request.mutable_scorecard();
  s->set_name("communities/other/scorecards/9");
  s->set_state(v1::SCORECARD_STATE_LOCKED);
  s->set_total_score(99.5);
  s->set_etag("W/7");
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->community, "c1");
}

TEST(DraftFromRequestTest, ParentMustNameACommunity) {
  for (const char* parent :
       {"", "c1", "communities/", "communities/C1", "communities/-c1",
        "communities/c1/scorecards/1", "tenants/c1", "communities/c_1"}) {
    v1::CreateScorecardRequest request = ValidRequest();
    request.set_parent(parent);
    auto draft = DraftFromRequest(request);
    EXPECT_EQ(draft.status().code(), absl::StatusCode::kInvalidArgument)
        << parent;
    EXPECT_THAT(ViolatedFields(draft.status()), ElementsAre("parent"))
        << parent;
  }
}

TEST(DraftFromRequestTest, ScorecardIsRequired) {
  v1::CreateScorecardRequest request = ValidRequest();
  request.clear_scorecard();
  request.set_parent("bad");
  EXPECT_THAT(ViolatedFields(DraftFromRequest(request).status()),
              UnorderedElementsAre("parent", "scorecard"));
}

TEST(DraftFromRequestTest, SubjectTypeIsRequiredAndKnown) {
  for (int value : {0, 6, 42, -3}) {
    v1::CreateScorecardRequest request = ValidRequest();
    request.mutable_scorecard()->set_subject_type(
        static_cast<v1::SubjectType>(value));
    auto draft = DraftFromRequest(request);
    EXPECT_EQ(draft.status().code(), absl::StatusCode::kInvalidArgument)
        << value;
    EXPECT_THAT(ViolatedFields(draft.status()),
                ElementsAre("scorecard.subject_type"))
        << value;
  }
}

TEST(DraftFromRequestTest, PeriodMustBeAMonthInRange) {
  for (const char* period :
       {"", "2026-2", "2026-13", "1999-12", "2026-02-01"}) {
    v1::CreateScorecardRequest request = ValidRequest();
    request.mutable_scorecard()->set_period(period);
    auto draft = DraftFromRequest(request);
    EXPECT_EQ(draft.status().code(), absl::StatusCode::kInvalidArgument)
        << period;
    EXPECT_THAT(ViolatedFields(draft.status()),
                ElementsAre("scorecard.period"))
        << period;
  }
}

TEST(DraftFromRequestTest, ReportsEveryShapeErrorAtOnce) {
  v1::CreateScorecardRequest request = ValidRequest();
  request.set_parent("communities/");
  request.mutable_scorecard()->clear_subject_type();
  request.mutable_scorecard()->set_period("March");
  EXPECT_THAT(ViolatedFields(DraftFromRequest(request).status()),
              UnorderedElementsAre("parent", "scorecard.subject_type",
                                   "scorecard.period"));
}

TEST(DraftFromRequestTest, LeavesSubjectIdRulesToTheDomain) {
  // The mapping copies subject_id as given; ValidateDraft owns its rules.
  v1::CreateScorecardRequest request = ValidRequest();
  request.mutable_scorecard()->set_subject_id("not valid!");
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->subject_id, "not valid!");
  EXPECT_THAT(ViolatedFields(ValidateDraft(*draft, absl::CivilMonth(2026, 3))),
              ElementsAre("scorecard.subject_id"));
}

// ---------------------------------------------------------------------------
// FilterFromRequest

TEST(FilterFromRequestTest, EmptyPeriodMeansAnyMonth) {
  v1::ListScorecardsRequest request;
  request.set_parent("communities/c1");
  auto filter = FilterFromRequest(request);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_FALSE(filter->period.has_value());
}

TEST(FilterFromRequestTest, ParsesThePeriod) {
  v1::ListScorecardsRequest request;
  request.set_period("2025-11");
  auto filter = FilterFromRequest(request);
  ASSERT_TRUE(filter.ok()) << filter.status();
  ASSERT_TRUE(filter->period.has_value());
  EXPECT_EQ(*filter->period, absl::CivilMonth(2025, 11));
}

TEST(FilterFromRequestTest, RejectsAMalformedPeriod) {
  for (const char* period : {"2025-1", "2025-00", " ", "3000-01"}) {
    v1::ListScorecardsRequest request;
    request.set_period(period);
    auto filter = FilterFromRequest(request);
    EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument)
        << period;
    EXPECT_THAT(ViolatedFields(filter.status()), ElementsAre("period"))
        << period;
  }
}

// ---------------------------------------------------------------------------
// ScorecardName / ToProto

TEST(ScorecardNameTest, FollowsTheResourcePattern) {
  EXPECT_EQ(ScorecardName("c1", 42), "communities/c1/scorecards/42");
}

TEST(ToProtoTest, MapsEveryField) {
  Scorecard scorecard;
  scorecard.id = 17;
  scorecard.draft.community = "garden-1";
  scorecard.draft.subject_type = SubjectType::kLine;
  scorecard.draft.subject_id = "engineering";
  scorecard.draft.period = absl::CivilMonth(2025, 9);
  scorecard.state = ScorecardState::kAppealed;
  scorecard.total_score = 87.25;
  scorecard.version = 3;
  scorecard.create_time = absl::FromUnixMicros(1767225600123456);
  scorecard.update_time = absl::FromUnixMicros(1767312000000001);

  v1::Scorecard out;
  ToProto(scorecard, &out);
  EXPECT_EQ(out.name(), "communities/garden-1/scorecards/17");
  EXPECT_EQ(out.subject_type(), v1::SUBJECT_TYPE_LINE);
  EXPECT_EQ(out.subject_id(), "engineering");
  EXPECT_EQ(out.period(), "2025-09");
  EXPECT_EQ(out.state(), v1::SCORECARD_STATE_APPEALED);
  EXPECT_DOUBLE_EQ(out.total_score(), 87.25);
  EXPECT_EQ(out.create_time().seconds(), 1767225600);
  EXPECT_EQ(out.create_time().nanos(), 123456000);
  EXPECT_EQ(out.update_time().seconds(), 1767312000);
  EXPECT_EQ(out.update_time().nanos(), 1000);
  EXPECT_EQ(out.etag(), "W/3");
}

TEST(ToProtoTest, StatesKeepTheirNumbers) {
  const std::pair<ScorecardState, v1::ScorecardState> pairs[] = {
      {ScorecardState::kDraft, v1::SCORECARD_STATE_DRAFT},
      {ScorecardState::kReviewed, v1::SCORECARD_STATE_REVIEWED},
      {ScorecardState::kAppealed, v1::SCORECARD_STATE_APPEALED},
      {ScorecardState::kLocked, v1::SCORECARD_STATE_LOCKED},
  };
  for (const auto& [domain, proto] : pairs) {
    Scorecard scorecard;
    scorecard.state = domain;
    v1::Scorecard out;
    ToProto(scorecard, &out);
    EXPECT_EQ(out.state(), proto);
  }
}

TEST(ToProtoTest, ProtoEnumsMatchTheDomainRange) {
  // The domain's kMax* constants bound RequiredEnum; they must follow the
  // proto when values are added.
  EXPECT_EQ(v1::SubjectType_MAX, kMaxSubjectType);
  EXPECT_EQ(v1::ScorecardState_MAX, kMaxScorecardState);
}

TEST(ToProtoTest, RoundTripsThroughACreateRequest) {
  Scorecard scorecard;
  scorecard.id = 1;
  scorecard.draft.community = "c1";
  scorecard.draft.subject_type = SubjectType::kTeam;
  scorecard.draft.subject_id = "team.a";
  scorecard.draft.period = absl::CivilMonth(2024, 2);
  v1::CreateScorecardRequest request;
  request.set_parent("communities/c1");
  ToProto(scorecard, request.mutable_scorecard());
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->community, scorecard.draft.community);
  EXPECT_EQ(draft->subject_type, scorecard.draft.subject_type);
  EXPECT_EQ(draft->subject_id, scorecard.draft.subject_id);
  EXPECT_EQ(draft->period, scorecard.draft.period);
}

}  // namespace
}  // namespace steward::kpi
