#include "services/training/domain/training_desk.h"

#include <utility>

#include "common/util/status_macros.h"

namespace steward::training {

TrainingDesk::TrainingDesk(TrainingPlanRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::StatusOr<TrainingPlan> TrainingDesk::Schedule(
    const TrainingPlanDraft& draft, const std::string& request_id,
    const std::string& fingerprint) {
  STEWARD_RETURN_IF_ERROR(ValidateDraft(draft));
  TrainingPlanDraft resolved = draft;
  resolved.pass_score = EffectivePassScore(draft.pass_score);
  return repository_.Create(resolved, request_id, fingerprint, clock_());
}

absl::StatusOr<TrainingPlan> TrainingDesk::Get(const std::string& community,
                                               int64_t id) {
  return repository_.Get(community, id);
}

absl::StatusOr<TrainingPlanPage> TrainingDesk::List(
    const std::string& community, const TrainingPlanFilter& filter,
    int64_t before_id, int limit) {
  return repository_.List(community, filter, before_id, limit);
}

}  // namespace steward::training
