// Proto ↔ domain conversions of the notices API. Pure functions.
#ifndef STEWARD_SERVICES_COMMUNICATION_API_NOTICE_MAPPING_H_
#define STEWARD_SERVICES_COMMUNICATION_API_NOTICE_MAPPING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/communication/domain/notice.h"
#include "steward/communication/v1/communication.pb.h"

namespace steward::communication {

// The draft a CreateNoticeRequest describes; INVALID_ARGUMENT naming every
// shape error: a malformed parent, a missing notice, a missing or unknown
// kind, an event_time that is not a valid timestamp. Content rules (lengths,
// event_time required by kind) are the domain's: see ValidateDraft.
absl::StatusOr<NoticeDraft> DraftFromRequest(
    const v1::CreateNoticeRequest& request);

// Optional List filter; an unknown kind is INVALID_ARGUMENT naming "kind".
absl::StatusOr<NoticeFilter> FilterFromRequest(
    const v1::ListNoticesRequest& request);

// "communities/{community}/notices/{id}".
std::string NoticeName(const std::string& community, int64_t id);

// Fills every field of `out`; event_time stays unset when the notice has
// none.
void ToProto(const Notice& notice, v1::Notice* out);

}  // namespace steward::communication

#endif  // STEWARD_SERVICES_COMMUNICATION_API_NOTICE_MAPPING_H_
