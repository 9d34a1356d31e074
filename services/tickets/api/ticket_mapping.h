// Proto ↔ domain conversions of the tickets API. Pure functions: they check
// the shape of requests (INVALID_ARGUMENT naming proto field paths) and leave
// every rule about state to the domain (lifecycle.h).
#ifndef STEWARD_SERVICES_TICKETS_API_TICKET_MAPPING_H_
#define STEWARD_SERVICES_TICKETS_API_TICKET_MAPPING_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/rpc/idempotency.h"
#include "services/tickets/domain/lifecycle.h"
#include "services/tickets/domain/ticket.h"
#include "services/tickets/domain/ticket_desk.h"
#include "services/tickets/domain/ticket_event.h"
#include "steward/tickets/v1/tickets.pb.h"

namespace steward::tickets {

// The draft a CreateTicketRequest describes; INVALID_ARGUMENT naming every
// missing or unknown enum, a malformed parent and a malformed received_by.
// Content rules (lengths, household location) are ValidateDraft()'s.
absl::StatusOr<TicketDraft> DraftFromRequest(
    const v1::CreateTicketRequest& request);

// Optional List filters; unknown enum values are INVALID_ARGUMENT.
absl::StatusOr<TicketFilter> FilterFromRequest(
    const v1::ListTicketsRequest& request);

// "communities/{community}/tickets/{id}".
std::string TicketName(const std::string& community, int64_t id);

// The ticket with its SLA clocks, every field of v1::Ticket. Charges are in
// CNY fen; sla_policy reads "<policy id>@v<version>"; calendar_version is
// the calendar fingerprint that produced the deadlines.
void ToProto(const TicketView& view, v1::Ticket* out);
// Masks the reporter's name and phone and the household's room in place
// (138****1234, 张*, 3-*-****) for callers who may not see personal data.
void MaskPersonalData(v1::Ticket* ticket);
void ToProto(const TicketEvent& event, v1::TicketEvent* out);
// action is ActionName() ("assign", "callback_unsatisfied", ...), actor the
// actor's id.
void ToProto(const TimelineEntry& entry, v1::TimelineEntry* out);

// Event cursors are the decimal event id; "" is the start of the feed (0).
std::string FormatEventCursor(int64_t id);
absl::StatusOr<int64_t> ParseEventCursor(absl::string_view cursor);

// A lifecycle request, parsed: which ticket, at which version, under which
// idempotency key, and the command to apply. command.at is left for the desk
// to set.
struct TicketMutation {
  std::string community;
  int64_t id = 0;
  int64_t expected_version = 0;
  std::string request_id;
  TicketCommand command;
};

// One parser per lifecycle request. Each checks the MutationHeader (name,
// etag, request_id, actor 1..64 of [A-Za-z0-9_.:-], note up to
// kMaxNoteChars) and the request's own fields, and reports every shape
// violation at once as INVALID_ARGUMENT with proto field paths
// ("header.etag", "reason", "assignee", "charges.currency_code"). Content
// rules the domain owns (a required resolution, the rating's range, text
// lengths) are left to ApplyAction(); see ToApiFieldPaths().
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::AssignTicketRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::RespondTicketRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::StartTicketWorkRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::PauseTicketRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::ResumeTicketRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::AddTicketProgressRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::ResolveTicketRequest& request);
// satisfied → kCallbackSatisfied, otherwise kCallbackUnsatisfied (rework).
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::RecordTicketCallbackRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::CloseTicketRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::CancelTicketRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::ReopenTicketRequest& request);
absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::ChangeTicketPriorityRequest& request);

// What makes two lifecycle requests "the same request": the whole request
// but header.request_id, hashed as rpc::RequestFingerprint does (which only
// clears a top-level request_id). `Request` is any message with a
// MutationHeader `header`.
template <typename Request>
std::string MutationFingerprint(Request request) {
  if (request.has_header()) request.mutable_header()->clear_request_id();
  return rpc::RequestFingerprint(request);
}

// The domain and the repository name fields as TicketCommand does
// ("satisfaction", "charges_minor", "pause_reason", "request_id", ...).
// Returns `status` with those names rewritten to the lifecycle requests'
// proto field paths ("rating", "charges", "reason", "header.request_id",
// ...), in its message and its google.rpc.BadRequest detail. Any other
// status is returned unchanged.
absl::Status ToApiFieldPaths(const absl::Status& status);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_API_TICKET_MAPPING_H_
