// Unit tests of the training plan's domain rules (ValidateDraft,
// EffectivePassScore) and of the TrainingDesk use cases over a fake
// repository.
#include "services/training/domain/training_plan.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fake_training_plan_repository.h"
#include "tests/support/status_details.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/training/domain/training_desk.h"

namespace steward::training {
namespace {

using ::testing::ElementsAre;
using testing::FakeTrainingPlanRepository;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::steward::testing::ViolatedFields;

absl::Time At(int year, int month, int day, int hour = 0) {
  return absl::FromCivil(absl::CivilHour(year, month, day, hour),
                         absl::UTCTimeZone());
}

// A draft that passes every rule: a two-hour fire-safety session.
TrainingPlanDraft ValidDraft() {
  TrainingPlanDraft draft;
  draft.community = "c1";
  draft.kind = TrainingKind::kSmallSession;
  draft.line = Line::kSecurity;
  draft.title = "消防安全培训";
  draft.start_time = At(2026, 3, 10, 9);
  draft.end_time = At(2026, 3, 10, 11);
  draft.pass_score = 0;
  return draft;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(ValidateDraftTest, AcceptsAValidDraft) {
  EXPECT_TRUE(ValidateDraft(ValidDraft()).ok());
}

TEST(ValidateDraftTest, KindAndLineAreRequired) {
  TrainingPlanDraft draft = ValidDraft();
  draft.kind = TrainingKind::kUnspecified;
  draft.line = Line::kUnspecified;
  const absl::Status status = ValidateDraft(draft);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("training_plan.kind", "training_plan.line"));
  EXPECT_THAT(std::string(status.message()),
              ::testing::HasSubstr("training_plan.kind: required"));
}

TEST(ValidateDraftTest, RejectsEnumValuesOutsideTheKnownRange) {
  TrainingPlanDraft draft = ValidDraft();
  draft.kind = static_cast<TrainingKind>(kMaxTrainingKind + 1);
  draft.line = static_cast<Line>(-1);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("training_plan.kind", "training_plan.line"));
}

TEST(ValidateDraftTest, AcceptsEveryKnownKindAndLine) {
  for (int k = 1; k <= kMaxTrainingKind; ++k) {
    for (int l = 1; l <= kMaxLine; ++l) {
      TrainingPlanDraft draft = ValidDraft();
      draft.kind = static_cast<TrainingKind>(k);
      draft.line = static_cast<Line>(l);
      EXPECT_TRUE(ValidateDraft(draft).ok()) << "kind " << k << " line " << l;
    }
  }
}

TEST(ValidateDraftTest, TitleIsRequired) {
  TrainingPlanDraft draft = ValidDraft();
  draft.title = "";
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("training_plan.title"));
}

TEST(ValidateDraftTest, TitleLengthCountsCodePointsNotBytes) {
  TrainingPlanDraft draft = ValidDraft();
  // 200 CJK characters are 600 bytes and still fit.
  draft.title = Repeat("训", kMaxTitleChars);
  EXPECT_TRUE(ValidateDraft(draft).ok());
  draft.title = Repeat("训", kMaxTitleChars + 1);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("training_plan.title"));
  draft.title = Repeat("a", kMaxTitleChars + 1);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("training_plan.title"));
}

TEST(ValidateDraftTest, TitleMustBeValidUtf8) {
  TrainingPlanDraft draft = ValidDraft();
  draft.title = "Fire \xE6\xB6";  // truncated three-byte sequence
  const absl::Status status = ValidateDraft(draft);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("training_plan.title"));
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("UTF-8"));
}

TEST(ValidateDraftTest, StartAndEndTimesAreRequired) {
  TrainingPlanDraft draft = ValidDraft();
  draft.start_time.reset();
  draft.end_time.reset();
  EXPECT_THAT(
      ViolatedFields(ValidateDraft(draft)),
      ElementsAre("training_plan.start_time", "training_plan.end_time"));
  draft = ValidDraft();
  draft.end_time.reset();
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("training_plan.end_time"));
}

TEST(ValidateDraftTest, EndMustFollowStart) {
  TrainingPlanDraft draft = ValidDraft();
  draft.end_time = draft.start_time;
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("training_plan.end_time"));
  draft.end_time = *draft.start_time - absl::Hours(1);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("training_plan.end_time"));
  draft.end_time = *draft.start_time + absl::Microseconds(1);
  EXPECT_TRUE(ValidateDraft(draft).ok());
}

TEST(ValidateDraftTest, APlanLastsAtMost31Days) {
  EXPECT_EQ(kMaxPlanDuration, absl::Hours(24 * 31));
  TrainingPlanDraft draft = ValidDraft();
  draft.start_time = At(2026, 1, 1);
  draft.end_time = At(2026, 2, 1);  // exactly 31 days
  EXPECT_TRUE(ValidateDraft(draft).ok());
  draft.end_time = *draft.end_time + absl::Microseconds(1);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("training_plan.end_time"));
}

TEST(ValidateDraftTest, PassScoreIsWithinZeroToHundred) {
  TrainingPlanDraft draft = ValidDraft();
  for (int score : {0, 1, 60, kMaxPassScore}) {
    draft.pass_score = score;
    EXPECT_TRUE(ValidateDraft(draft).ok()) << score;
  }
  for (int score : {-1, kMaxPassScore + 1}) {
    draft.pass_score = score;
    EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
                ElementsAre("training_plan.pass_score"))
        << score;
  }
}

TEST(ValidateDraftTest, ReportsEveryViolationAtOnce) {
  TrainingPlanDraft draft;
  draft.pass_score = 101;
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              UnorderedElementsAre(
                  "training_plan.kind", "training_plan.line",
                  "training_plan.title", "training_plan.start_time",
                  "training_plan.end_time", "training_plan.pass_score"));
}

TEST(EffectivePassScoreTest, ZeroMeansTheDefault) {
  EXPECT_EQ(kDefaultPassScore, 60);
  EXPECT_EQ(EffectivePassScore(0), kDefaultPassScore);
  EXPECT_EQ(EffectivePassScore(1), 1);
  EXPECT_EQ(EffectivePassScore(85), 85);
  EXPECT_EQ(EffectivePassScore(100), 100);
}

class TrainingDeskTest : public ::testing::Test {
 protected:
  FakeTrainingPlanRepository repository_;
  absl::Time now_ = At(2026, 3, 1, 8);
  TrainingDesk desk_{repository_, [this] { return now_; }};
};

TEST_F(TrainingDeskTest, ScheduleStampsTheClockAndResolvesTheDefaultScore) {
  auto plan = desk_.Schedule(ValidDraft(), "r1", "fp1");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->create_time, now_);
  EXPECT_EQ(plan->update_time, now_);
  EXPECT_EQ(plan->draft.pass_score, kDefaultPassScore);
  EXPECT_EQ(plan->version, 1);
}

TEST_F(TrainingDeskTest, ScheduleKeepsAnExplicitScore) {
  TrainingPlanDraft draft = ValidDraft();
  draft.pass_score = 90;
  auto plan = desk_.Schedule(draft, "r1", "fp1");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->draft.pass_score, 90);
}

TEST_F(TrainingDeskTest, ScheduleRejectsAnInvalidDraftWithoutStoring) {
  TrainingPlanDraft draft = ValidDraft();
  draft.title = "";
  auto plan = desk_.Schedule(draft, "r1", "fp1");
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(plan.status()),
              ElementsAre("training_plan.title"));
  EXPECT_EQ(repository_.create_calls(), 0);
}

TEST_F(TrainingDeskTest, GetAndListPassThroughTheRepository) {
  auto plan = desk_.Schedule(ValidDraft(), "r1", "fp1");
  ASSERT_TRUE(plan.ok()) << plan.status();
  auto got = desk_.Get("c1", plan->id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->draft.title, "消防安全培训");
  EXPECT_EQ(desk_.Get("c2", plan->id).status().code(),
            absl::StatusCode::kNotFound);
  auto page = desk_.List("c1", {}, 0, 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->plans.size(), 1u);
  EXPECT_EQ(page->plans[0].id, plan->id);
  auto other = desk_.List("c1", {.line = Line::kCleaning}, 0, 10);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_THAT(other->plans, IsEmpty());
}

}  // namespace
}  // namespace steward::training
