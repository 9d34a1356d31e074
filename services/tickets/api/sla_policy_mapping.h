// Proto ↔ domain conversions of SLA policy rows. Pure functions.
#ifndef STEWARD_SERVICES_TICKETS_API_SLA_POLICY_MAPPING_H_
#define STEWARD_SERVICES_TICKETS_API_SLA_POLICY_MAPPING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/tickets/domain/sla.h"
#include "steward/tickets/v1/tickets.pb.h"

namespace steward::tickets {

// The row `proto` describes under id `id` (version left at 1). Shape errors
// are INVALID_ARGUMENT naming proto field paths under `field` ("policy"):
// unknown enums, a target given twice, working days on a natural clock, a
// bad community or id. Content rules (limits, warning order) are checked by
// ValidateSlaPolicy.
absl::StatusOr<SlaPolicy> PolicyFromProto(const v1::SlaPolicy& proto,
                                          absl::string_view id);

// "slaPolicies/{id}" → id; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> ParsePolicyName(absl::string_view name,
                                            absl::string_view field);
bool IsValidPolicyId(absl::string_view id);

void ToProto(const SlaPolicy& policy, v1::SlaPolicy* out);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_API_SLA_POLICY_MAPPING_H_
