// Proto ↔ domain conversions of the KPI scorecard API. Pure functions.
#ifndef STEWARD_SERVICES_KPI_API_SCORECARD_MAPPING_H_
#define STEWARD_SERVICES_KPI_API_SCORECARD_MAPPING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/kpi/domain/scorecard.h"
#include "steward/kpi/v1/kpi.pb.h"

namespace steward::kpi {

// The draft a CreateScorecardRequest describes: INVALID_ARGUMENT naming
// every malformed parent, missing scorecard, missing or unknown subject_type
// and malformed period. Content rules (subject_id, the current month) are
// ValidateDraft's. Output-only fields are ignored.
absl::StatusOr<ScorecardDraft> DraftFromRequest(
    const v1::CreateScorecardRequest& request);

// Optional List filters: an empty period means any month; a malformed one is
// INVALID_ARGUMENT naming "period".
absl::StatusOr<ScorecardFilter> FilterFromRequest(
    const v1::ListScorecardsRequest& request);

// "communities/{community}/scorecards/{id}".
std::string ScorecardName(const std::string& community, int64_t id);

void ToProto(const Scorecard& scorecard, v1::Scorecard* out);

}  // namespace steward::kpi

#endif  // STEWARD_SERVICES_KPI_API_SCORECARD_MAPPING_H_
