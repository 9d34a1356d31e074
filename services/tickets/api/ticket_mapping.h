// Proto ↔ domain conversions of the tickets API. Pure functions.
#ifndef STEWARD_SERVICES_TICKETS_API_TICKET_MAPPING_H_
#define STEWARD_SERVICES_TICKETS_API_TICKET_MAPPING_H_

#include "absl/status/statusor.h"
#include "services/tickets/domain/ticket.h"
#include "services/tickets/domain/ticket_event.h"
#include "steward/tickets/v1/tickets.pb.h"

namespace steward::tickets {

// The draft a CreateTicketRequest describes; INVALID_ARGUMENT naming every
// missing or unknown enum and a malformed parent.
absl::StatusOr<TicketDraft> DraftFromRequest(
    const v1::CreateTicketRequest& request);

// Optional List filters; unknown enum values are INVALID_ARGUMENT.
absl::StatusOr<TicketFilter> FilterFromRequest(
    const v1::ListTicketsRequest& request);

// "communities/{community}/tickets/{id}".
std::string TicketName(const std::string& community, int64_t id);

void ToProto(const Ticket& ticket, v1::Ticket* out);
void ToProto(const TicketEvent& event, v1::TicketEvent* out);

// Event cursors are the decimal event id; "" is the start of the feed (0).
std::string FormatEventCursor(int64_t id);
absl::StatusOr<int64_t> ParseEventCursor(absl::string_view cursor);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_API_TICKET_MAPPING_H_
