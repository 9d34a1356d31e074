// Where training plans are kept. The MySQL implementation lives in storage/;
// tests use in-memory fakes.
#ifndef STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_PLAN_REPOSITORY_H_
#define STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_PLAN_REPOSITORY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/training/domain/training_plan.h"

namespace steward::training {

class TrainingPlanRepository {
 public:
  virtual ~TrainingPlanRepository() = default;

  // Stores a new plan created at `now` with version 1, unless
  // (draft.community, request_id) was used before: then returns the plan that
  // call created when `fingerprint` matches, and INVALID_ARGUMENT (field
  // request_id) when it does not. Safe under concurrent calls with the same
  // request_id: exactly one plan is created. `draft` must have passed
  // ValidateDraft. Times are stored, and returned, truncated to the
  // microsecond.
  virtual absl::StatusOr<TrainingPlan> Create(const TrainingPlanDraft& draft,
                                              const std::string& request_id,
                                              const std::string& fingerprint,
                                              absl::Time now) = 0;

  // NOT_FOUND when no plan `id` exists in `community`.
  virtual absl::StatusOr<TrainingPlan> Get(const std::string& community,
                                           int64_t id) = 0;

  // Plans of `community` matching `filter`, newest first, with ids below
  // `before_id` (0: from the newest), at most `limit` (> 0).
  virtual absl::StatusOr<TrainingPlanPage> List(
      const std::string& community, const TrainingPlanFilter& filter,
      int64_t before_id, int limit) = 0;
};

}  // namespace steward::training

#endif  // STEWARD_SERVICES_TRAINING_DOMAIN_TRAINING_PLAN_REPOSITORY_H_
