// Training plans (培训计划): the entities and pure rules of the training
// service's first resource. No protobuf and no SQL here.
#ifndef STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_PLAN_H_
#define STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace steward::training {

// Numbering matches steward.training.v1.TrainingKind and the stored column
// values; never renumber. kUnspecified is what a caller that did not choose
// sends; it is never stored.
enum class TrainingKind {
  kUnspecified = 0,
  kCentralised = 1,   // quarterly centralised training
  kSmallSession = 2,  // monthly small session
  kDrill = 3,         // practical drill (security staff: monthly)
};
inline constexpr int kMaxTrainingKind = 3;

// The service line (条线) the plan trains. Numbering matches
// steward.common.v1.Line and the stored column values; never renumber.
enum class Line {
  kUnspecified = 0,
  kSecurity = 1,
  kEngineering = 2,
  kCleaning = 3,
  kGreening = 4,
  kCustomerService = 5,
};
inline constexpr int kMaxLine = 5;

// What a caller supplies to schedule a training plan.
struct TrainingPlanDraft {
  std::string community;
  TrainingKind kind = TrainingKind::kUnspecified;
  Line line = Line::kUnspecified;
  std::string title;
  // Both required; nullopt means the caller did not send one.
  std::optional<absl::Time> start_time;
  std::optional<absl::Time> end_time;
  // Exam pass mark out of 100; 0 asks for kDefaultPassScore.
  int32_t pass_score = 0;
};

// A stored plan: its draft passed ValidateDraft, has both times and a pass
// score already resolved by EffectivePassScore.
struct TrainingPlan {
  int64_t id = 0;
  TrainingPlanDraft draft;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

struct TrainingPlanFilter {
  std::optional<Line> line;
};

struct TrainingPlanPage {
  std::vector<TrainingPlan> plans;
  // Id to continue after, or 0 when this was the last page.
  int64_t next_after_id = 0;
};

// Title length in Unicode code points.
inline constexpr size_t kMaxTitleChars = 200;
// A plan spans at most this long, from start_time to end_time.
inline constexpr absl::Duration kMaxPlanDuration = absl::Hours(31 * 24);
inline constexpr int32_t kMaxPassScore = 100;
// The pass mark a plan gets when the caller sends 0.
inline constexpr int32_t kDefaultPassScore = 60;

// Checks the content rules of a draft: kind and line set and known, title
// 1..kMaxTitleChars code points of valid UTF-8, both times set with
// start_time < end_time and at most kMaxPlanDuration apart, pass_score
// within 0..kMaxPassScore. OK, or INVALID_ARGUMENT naming every offending
// field as the API spells it ("training_plan.title").
absl::Status ValidateDraft(const TrainingPlanDraft& draft);

// The pass mark a plan stored with `pass_score` uses: kDefaultPassScore for
// 0, otherwise `pass_score` unchanged.
int32_t EffectivePassScore(int32_t pass_score);

}  // namespace steward::training

#endif  // STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_PLAN_H_
