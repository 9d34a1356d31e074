// Unit tests of the proto ↔ domain mapping of training plans and of the
// request shape checks it performs.
#include "services/training/api/training_plan_mapping.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"
#include "tests/support/status_details.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace steward::training {
namespace {

using ::testing::ElementsAre;
using ::steward::testing::ViolatedFields;

absl::Time At(int year, int month, int day, int hour) {
  return absl::FromCivil(absl::CivilHour(year, month, day, hour),
                         absl::UTCTimeZone());
}

v1::CreateTrainingPlanRequest ValidRequest() {
  v1::CreateTrainingPlanRequest request;
  request.set_parent("communities/garden-1");
  request.set_request_id("req-1");
  v1::TrainingPlan* p = request.mutable_training_plan();
  p->set_kind(v1::TRAINING_KIND_DRILL);
  p->set_line(common::v1::LINE_SECURITY);
  p->set_title("Fire drill");
  *p->mutable_start_time() = rpc::ToProtoTime(At(2026, 4, 1, 9));
  *p->mutable_end_time() = rpc::ToProtoTime(At(2026, 4, 1, 11));
  p->set_pass_score(75);
  return request;
}

TEST(DraftFromRequestTest, MapsEveryField) {
  v1::CreateTrainingPlanRequest request = ValidRequest();
  request.mutable_training_plan()->mutable_start_time()->set_nanos(123456789);
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->community, "garden-1");
  EXPECT_EQ(draft->kind, TrainingKind::kDrill);
  EXPECT_EQ(draft->line, Line::kSecurity);
  EXPECT_EQ(draft->title, "Fire drill");
  ASSERT_TRUE(draft->start_time.has_value());
  EXPECT_EQ(*draft->start_time,
            At(2026, 4, 1, 9) + absl::Nanoseconds(123456789));
  ASSERT_TRUE(draft->end_time.has_value());
  EXPECT_EQ(*draft->end_time, At(2026, 4, 1, 11));
  EXPECT_EQ(draft->pass_score, 75);
}

TEST(DraftFromRequestTest, EnumNumbersMatchTheProto) {
  v1::CreateTrainingPlanRequest request = ValidRequest();
  request.mutable_training_plan()->set_kind(v1::TRAINING_KIND_CENTRALISED);
  request.mutable_training_plan()->set_line(common::v1::LINE_CUSTOMER_SERVICE);
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->kind, TrainingKind::kCentralised);
  EXPECT_EQ(draft->line, Line::kCustomerService);
  request.mutable_training_plan()->set_kind(v1::TRAINING_KIND_SMALL_SESSION);
  request.mutable_training_plan()->set_line(common::v1::LINE_GREENING);
  draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->kind, TrainingKind::kSmallSession);
  EXPECT_EQ(draft->line, Line::kGreening);
}

TEST(DraftFromRequestTest, LeavesUnsetFieldsUnsetForTheDomainRules) {
  v1::CreateTrainingPlanRequest request;
  request.set_parent("communities/c1");
  request.mutable_training_plan();
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->kind, TrainingKind::kUnspecified);
  EXPECT_EQ(draft->line, Line::kUnspecified);
  EXPECT_FALSE(draft->start_time.has_value());
  EXPECT_FALSE(draft->end_time.has_value());
  EXPECT_EQ(draft->pass_score, 0);
  EXPECT_FALSE(ValidateDraft(*draft).ok());
}

TEST(DraftFromRequestTest, AnExplicitEpochTimestampIsSet) {
  v1::CreateTrainingPlanRequest request = ValidRequest();
  request.mutable_training_plan()->mutable_start_time()->Clear();
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  ASSERT_TRUE(draft->start_time.has_value());
  EXPECT_EQ(*draft->start_time, absl::UnixEpoch());
}

TEST(DraftFromRequestTest, RejectsUnknownEnumValues) {
  v1::CreateTrainingPlanRequest request = ValidRequest();
  request.mutable_training_plan()->set_kind(static_cast<v1::TrainingKind>(4));
  request.mutable_training_plan()->set_line(static_cast<common::v1::Line>(6));
  auto draft = DraftFromRequest(request);
  EXPECT_EQ(draft.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(draft.status()),
              ElementsAre("training_plan.kind", "training_plan.line"));
}

TEST(DraftFromRequestTest, RejectsOutOfRangeTimestamps) {
  v1::CreateTrainingPlanRequest request = ValidRequest();
  request.mutable_training_plan()->mutable_start_time()->set_nanos(-1);
  request.mutable_training_plan()->mutable_end_time()->set_seconds(
      253402300800);  // 10000-01-01
  auto draft = DraftFromRequest(request);
  EXPECT_EQ(draft.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      ViolatedFields(draft.status()),
      ElementsAre("training_plan.start_time", "training_plan.end_time"));
}

TEST(DraftFromRequestTest, RejectsAMalformedParentAndAMissingPlan) {
  v1::CreateTrainingPlanRequest request;
  request.set_parent("communities/Upper_Case");
  auto draft = DraftFromRequest(request);
  EXPECT_EQ(draft.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(draft.status()),
              ElementsAre("parent", "training_plan"));

  request = ValidRequest();
  request.set_parent("tenants/c1");
  EXPECT_THAT(ViolatedFields(DraftFromRequest(request).status()),
              ElementsAre("parent"));
}

TEST(FilterFromRequestTest, LineIsOptional) {
  v1::ListTrainingPlansRequest request;
  auto filter = FilterFromRequest(request);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_FALSE(filter->line.has_value());

  request.set_line(common::v1::LINE_CLEANING);
  filter = FilterFromRequest(request);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->line, Line::kCleaning);
}

TEST(FilterFromRequestTest, RejectsAnUnknownLine) {
  v1::ListTrainingPlansRequest request;
  request.set_line(static_cast<common::v1::Line>(42));
  auto filter = FilterFromRequest(request);
  EXPECT_EQ(filter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(filter.status()), ElementsAre("line"));
}

TEST(TrainingPlanNameTest, FollowsTheResourcePattern) {
  EXPECT_EQ(TrainingPlanName("c1", 42), "communities/c1/trainingPlans/42");
}

TEST(ToProtoTest, FillsEveryField) {
  TrainingPlan plan;
  plan.id = 7;
  plan.draft.community = "c1";
  plan.draft.kind = TrainingKind::kCentralised;
  plan.draft.line = Line::kEngineering;
  plan.draft.title = "电工安全操作";
  plan.draft.start_time = At(2026, 5, 6, 1) + absl::Microseconds(5);
  plan.draft.end_time = At(2026, 5, 8, 9);
  plan.draft.pass_score = 80;
  plan.version = 3;
  plan.create_time = At(2026, 5, 1, 2);
  plan.update_time = At(2026, 5, 2, 3);

  v1::TrainingPlan out;
  ToProto(plan, &out);
  EXPECT_EQ(out.name(), "communities/c1/trainingPlans/7");
  EXPECT_EQ(out.kind(), v1::TRAINING_KIND_CENTRALISED);
  EXPECT_EQ(out.line(), common::v1::LINE_ENGINEERING);
  EXPECT_EQ(out.title(), "电工安全操作");
  EXPECT_EQ(rpc::FromProtoTime(out.start_time()), *plan.draft.start_time);
  EXPECT_EQ(out.start_time().nanos(), 5000);
  EXPECT_EQ(rpc::FromProtoTime(out.end_time()), *plan.draft.end_time);
  EXPECT_EQ(out.pass_score(), 80);
  EXPECT_EQ(rpc::FromProtoTime(out.create_time()), plan.create_time);
  EXPECT_EQ(rpc::FromProtoTime(out.update_time()), plan.update_time);
  auto version = rpc::ParseEtag(out.etag());
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 3);
}

TEST(ToProtoTest, RoundTripsThroughTheRequestMapping) {
  v1::CreateTrainingPlanRequest request = ValidRequest();
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  TrainingPlan plan;
  plan.id = 1;
  plan.draft = *draft;
  v1::TrainingPlan out;
  ToProto(plan, &out);
  const v1::TrainingPlan& in = request.training_plan();
  EXPECT_EQ(out.kind(), in.kind());
  EXPECT_EQ(out.line(), in.line());
  EXPECT_EQ(out.title(), in.title());
  EXPECT_EQ(out.start_time().seconds(), in.start_time().seconds());
  EXPECT_EQ(out.end_time().seconds(), in.end_time().seconds());
  EXPECT_EQ(out.pass_score(), in.pass_score());
}

}  // namespace
}  // namespace steward::training
