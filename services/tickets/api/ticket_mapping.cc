#include "services/tickets/api/ticket_mapping.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/rpc/errors.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"

namespace steward::tickets {
using rpc::OptionalEnum;
using rpc::RequiredEnum;

absl::StatusOr<TicketDraft> DraftFromRequest(
    const v1::CreateTicketRequest& request) {
  rpc::FieldErrors errors;
  TicketDraft draft;
  auto community = rpc::ParseCommunityParent(request.parent(), "parent");
  errors.Absorb(community.status());
  if (community.ok()) draft.community = *community;
  if (!request.has_ticket()) {
    errors.Add("ticket", "required");
    return errors.ToStatus();
  }
  const v1::Ticket& t = request.ticket();
  auto kind = RequiredEnum<TicketKind>(t.kind(), 6, "ticket.kind", errors);
  auto priority =
      RequiredEnum<Priority>(t.priority(), 3, "ticket.priority", errors);
  auto channel =
      RequiredEnum<Channel>(t.channel(), 7, "ticket.channel", errors);
  auto line = RequiredEnum<Line>(t.line(), 5, "ticket.line", errors);
  if (!errors.empty()) return errors.ToStatus();
  draft.kind = *kind;
  draft.priority = *priority;
  draft.channel = *channel;
  draft.line = *line;
  draft.location.building = t.location().building();
  draft.location.unit = t.location().unit();
  draft.location.room = t.location().room();
  draft.location.detail = t.location().detail();
  draft.description = t.description();
  return draft;
}

absl::StatusOr<TicketFilter> FilterFromRequest(
    const v1::ListTicketsRequest& request) {
  rpc::FieldErrors errors;
  TicketFilter filter;
  filter.state = OptionalEnum<TicketState>(request.state(), 9, "state", errors);
  filter.kind = OptionalEnum<TicketKind>(request.kind(), 6, "kind", errors);
  filter.priority =
      OptionalEnum<Priority>(request.priority(), 3, "priority", errors);
  if (!errors.empty()) return errors.ToStatus();
  return filter;
}

std::string TicketName(const std::string& community, int64_t id) {
  return absl::StrCat("communities/", community, "/tickets/", id);
}

void ToProto(const Ticket& ticket, v1::Ticket* out) {
  const TicketDraft& d = ticket.draft;
  out->set_name(TicketName(d.community, ticket.id));
  out->set_kind(static_cast<v1::TicketKind>(d.kind));
  out->set_priority(static_cast<v1::Priority>(d.priority));
  out->set_channel(static_cast<v1::Channel>(d.channel));
  out->set_line(static_cast<common::v1::Line>(d.line));
  auto* location = out->mutable_location();
  location->set_building(d.location.building);
  location->set_unit(d.location.unit);
  location->set_room(d.location.room);
  location->set_detail(d.location.detail);
  out->set_description(d.description);
  out->set_state(static_cast<v1::TicketState>(ticket.state));
  *out->mutable_create_time() = rpc::ToProtoTime(ticket.create_time);
  *out->mutable_update_time() = rpc::ToProtoTime(ticket.update_time);
  out->set_etag(rpc::FormatEtag(ticket.version));
}

void ToProto(const TicketEvent& event, v1::TicketEvent* out) {
  out->set_cursor(FormatEventCursor(event.id));
  out->set_ticket(TicketName(event.community, event.ticket_id));
  out->set_type(std::string(EventTypeName(event.type)));
  *out->mutable_time() = rpc::ToProtoTime(event.time);
  out->set_state(static_cast<v1::TicketState>(event.state));
  if (event.sla_target > 0 && v1::SlaTarget_IsValid(event.sla_target)) {
    const std::string name = absl::AsciiStrToLower(
        v1::SlaTarget_Name(static_cast<v1::SlaTarget>(event.sla_target)));
    out->set_sla_target(std::string(absl::StripPrefix(name, "sla_target_")));
  }
  static constexpr const char* kLevels[] = {"", "handler", "supervisor",
                                            "manager"};
  if (event.escalation_level > 0 && event.escalation_level <= 3) {
    out->set_escalation_level(kLevels[event.escalation_level]);
  }
}

std::string FormatEventCursor(int64_t id) { return absl::StrCat(id); }

absl::StatusOr<int64_t> ParseEventCursor(absl::string_view cursor) {
  if (cursor.empty()) return 0;
  return rpc::ParseRowId(cursor, "after_cursor");
}

}  // namespace steward::tickets
