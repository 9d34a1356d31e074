// The training service's use cases for training plans, independent of gRPC
// and of MySQL. Thread-safe when the repository and the clock are.
#ifndef STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_DESK_H_
#define STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_DESK_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/training/domain/training_plan.h"
#include "services/training/domain/training_plan_repository.h"

namespace steward::training {

using Clock = std::function<absl::Time()>;

class TrainingDesk {
 public:
  // `repository` must outlive the desk; `clock` stamps create/update times.
  TrainingDesk(TrainingPlanRepository& repository, Clock clock);

  // Schedules a plan: INVALID_ARGUMENT when the draft breaks ValidateDraft;
  // otherwise stores it with its pass score resolved (0 becomes
  // kDefaultPassScore). See TrainingPlanRepository::Create for idempotency.
  absl::StatusOr<TrainingPlan> Schedule(const TrainingPlanDraft& draft,
                                        const std::string& request_id,
                                        const std::string& fingerprint);
  // NOT_FOUND when no plan `id` exists in `community`.
  absl::StatusOr<TrainingPlan> Get(const std::string& community, int64_t id);
  // See TrainingPlanRepository::List.
  absl::StatusOr<TrainingPlanPage> List(const std::string& community,
                                        const TrainingPlanFilter& filter,
                                        int64_t before_id, int limit);

 private:
  TrainingPlanRepository& repository_;
  Clock clock_;
};

}  // namespace steward::training

#endif  // STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_DESK_H_
