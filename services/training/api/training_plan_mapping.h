// Proto ↔ domain conversions of the training API's training plans. Pure
// functions.
#ifndef STEWARD_SERVICES_TRAINING_API_TRAINING_PLAN_MAPPING_H_
#define STEWARD_SERVICES_TRAINING_API_TRAINING_PLAN_MAPPING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/training/domain/training_plan.h"
#include "steward/training/v1/training.pb.h"

namespace steward::training {

// The draft a CreateTrainingPlanRequest describes. Checks shape only:
// INVALID_ARGUMENT naming every malformed parent, missing training_plan,
// enum value outside the known range and out-of-range timestamp. Unset
// fields come through unset (kUnspecified, nullopt, 0), so that
// ValidateDraft reports them together with the content rules.
absl::StatusOr<TrainingPlanDraft> DraftFromRequest(
    const v1::CreateTrainingPlanRequest& request);

// Optional List filters; an unknown line is INVALID_ARGUMENT on "line".
absl::StatusOr<TrainingPlanFilter> FilterFromRequest(
    const v1::ListTrainingPlansRequest& request);

// "communities/{community}/trainingPlans/{id}".
std::string TrainingPlanName(const std::string& community, int64_t id);

// Fills every field of `out`, including the output-only ones.
void ToProto(const TrainingPlan& plan, v1::TrainingPlan* out);

}  // namespace steward::training

#endif  // STEWARD_SERVICES_TRAINING_API_TRAINING_PLAN_MAPPING_H_
