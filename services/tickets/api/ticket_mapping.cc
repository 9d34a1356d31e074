#include "services/tickets/api/ticket_mapping.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/crypto/personal_data.h"
#include "common/rpc/errors.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"
#include "common/util/text.h"
#include "google/rpc/error_details.pb.h"

namespace steward::tickets {
namespace {

using rpc::OptionalEnum;
using rpc::RequiredEnum;

constexpr absl::string_view kCurrency = "CNY";

// Staff ids (actor, assignee, received_by): 1..kMaxPersonIdChars of
// [A-Za-z0-9_.:-]. Empty passes when `required` is false.
void CheckStaffId(absl::string_view id, bool required, absl::string_view field,
                  rpc::FieldErrors& errors) {
  if (id.empty()) {
    if (required) errors.Add(field, "required: a staff id");
    return;
  }
  if (id.size() > kMaxPersonIdChars) {
    errors.Add(field,
               absl::StrCat("at most ", kMaxPersonIdChars, " characters"));
    return;
  }
  for (char c : id) {
    if (!(absl::ascii_isalnum(c) || c == '_' || c == '.' || c == ':' ||
          c == '-')) {
      errors.Add(field, "only [A-Za-z0-9_.:-] allowed");
      return;
    }
  }
}

// Parses the header every lifecycle request carries into `m`, recording its
// violations under "header.*".
void ParseHeader(const v1::MutationHeader& header, TicketAction action,
                 TicketMutation& m, rpc::FieldErrors& errors) {
  auto name = rpc::ParseCommunityChild(header.name(), "tickets", "header.name");
  errors.Absorb(name.status());
  if (name.ok()) {
    m.community = std::move(name->community);
    m.id = name->id;
  }
  auto version = rpc::ParseEtag(header.etag(), "header.etag");
  errors.Absorb(version.status());
  if (version.ok()) m.expected_version = *version;
  errors.Absorb(
      rpc::ValidateRequestId(header.request_id(), "header.request_id"));
  m.request_id = header.request_id();
  CheckStaffId(header.actor(), /*required=*/false, "header.actor", errors);
  const std::optional<size_t> note_length = Utf8Length(header.note());
  if (!note_length.has_value()) {
    errors.Add("header.note", "must be valid UTF-8");
  } else if (*note_length > kMaxNoteChars) {
    errors.Add("header.note",
               absl::StrCat("at most ", kMaxNoteChars, " characters"));
  }
  m.command.action = action;
  m.command.actor = {ActorKind::kStaff, header.actor()};
  m.command.note = header.note();
}

// The parse every request shares: the header, then `fill` for the request's
// own fields; every violation reported at once.
template <typename Request, typename Fill>
absl::StatusOr<TicketMutation> Parse(const Request& request,
                                     TicketAction action, Fill fill) {
  rpc::FieldErrors errors;
  TicketMutation m;
  ParseHeader(request.header(), action, m, errors);
  fill(m.command, errors);
  if (!errors.empty()) return errors.ToStatus();
  return m;
}

template <typename Request>
absl::StatusOr<TicketMutation> ParseHeaderOnly(const Request& request,
                                               TicketAction action) {
  return Parse(request, action, [](TicketCommand&, rpc::FieldErrors&) {});
}

// TicketCommand (and repository) field names → lifecycle request paths. The
// one place the two vocabularies meet.
constexpr std::pair<absl::string_view, absl::string_view> kApiFieldPaths[] = {
    {"actor", "header.actor"},
    {"note", "header.note"},
    {"request_id", "header.request_id"},
    {"assignee", "assignee"},
    {"pause_reason", "reason"},
    {"cancel_reason", "reason"},
    {"resolution", "resolution"},
    {"charges_minor", "charges"},
    {"satisfaction", "rating"},
    {"comment", "comment"},
    {"summary", "summary"},
};

absl::string_view ApiFieldPath(absl::string_view domain_field) {
  for (const auto& [domain, api] : kApiFieldPaths) {
    if (domain == domain_field) return api;
  }
  return domain_field;
}

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  *out = rpc::ToProtoTime(t);
}

void ToProto(const ClockStatus& clock, v1::SlaClock* out) {
  out->set_target(static_cast<v1::SlaTarget>(clock.target));
  out->set_state(static_cast<v1::SlaClock::State>(clock.state));
  if (clock.state == ClockState::kNotStarted) return;
  SetTime(clock.start, out->mutable_start_time());
  SetTime(clock.due, out->mutable_due_time());
  if (clock.stop.has_value()) SetTime(*clock.stop, out->mutable_stop_time());
}

}  // namespace

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
  CheckStaffId(t.received_by(), /*required=*/false, "ticket.received_by",
               errors);
  std::optional<absl::CivilDay> warranty_end;
  if (!t.warranty_end_date().empty()) {
    absl::CivilDay day;
    if (t.warranty_end_date().size() != 10 ||
        !absl::ParseCivilTime(t.warranty_end_date(), &day)) {
      errors.Add("ticket.warranty_end_date", "must be a date, YYYY-MM-DD");
    } else {
      warranty_end = day;
    }
  }
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
  draft.received_by = t.received_by();
  draft.category = t.category();
  draft.district = t.district();
  draft.household = t.household();
  draft.contact_name = t.contact_name();
  draft.contact_phone = t.contact_phone();
  draft.photo_refs.assign(t.photo_refs().begin(), t.photo_refs().end());
  draft.warranty_end = warranty_end;
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
  filter.line = OptionalEnum<Line>(request.line(), 5, "line", errors);
  CheckStaffId(request.assignee(), /*required=*/false, "assignee", errors);
  errors.Check(request.district().size() <= kMaxPersonIdChars, "district",
               "at most 64 characters");
  filter.assignee = request.assignee();
  filter.district = request.district();
  if (request.has_created_after() &&
      rpc::CheckProtoTime(request.created_after(), "created_after", errors)) {
    filter.created_after = rpc::FromProtoTime(request.created_after());
  }
  if (request.has_created_before() &&
      rpc::CheckProtoTime(request.created_before(), "created_before", errors)) {
    filter.created_before = rpc::FromProtoTime(request.created_before());
  }
  filter.overdue_only = request.overdue_only();
  filter.at_risk_only = request.at_risk_only();
  if (!request.contact_phone().empty()) {
    errors.Check(IsPhoneShaped(request.contact_phone()), "contact_phone",
                 kPhoneShape);
    filter.contact_phone = request.contact_phone();
  }
  if (!errors.empty()) return errors.ToStatus();
  return filter;
}

std::string TicketName(const std::string& community, int64_t id) {
  return absl::StrCat("communities/", community, "/tickets/", id);
}

void ToProto(const TicketView& view, v1::Ticket* out) {
  const Ticket& ticket = view.ticket;
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
  out->set_received_by(d.received_by);
  out->set_reported_by(d.reporter);
  out->set_category(d.category);
  out->set_district(d.district);
  out->set_household(d.household);
  out->set_contact_name(d.contact_name);
  out->set_contact_phone(d.contact_phone);
  for (const std::string& ref : d.photo_refs) out->add_photo_refs(ref);
  if (d.warranty_end.has_value()) {
    out->set_warranty_end_date(absl::FormatCivilTime(*d.warranty_end));
  }
  out->set_state(static_cast<v1::TicketState>(ticket.state));
  SetTime(ticket.create_time, out->mutable_create_time());
  SetTime(ticket.update_time, out->mutable_update_time());
  out->set_etag(rpc::FormatEtag(ticket.version));

  out->set_assignee(ticket.assignee);
  out->set_first_responder(ticket.first_responder);
  out->set_rework_count(ticket.rework_count);
  out->set_resolution(ticket.resolution);
  out->mutable_charges()->set_currency_code(std::string(kCurrency));
  out->mutable_charges()->set_minor_units(ticket.charges_minor);
  out->set_satisfaction_rating(ticket.satisfaction);
  out->set_callback_comment(ticket.callback_comment);
  out->set_summary(ticket.summary);
  if (ticket.responded_at.has_value()) {
    SetTime(*ticket.responded_at, out->mutable_respond_time());
  }
  if (ticket.resolved_at.has_value()) {
    SetTime(*ticket.resolved_at, out->mutable_resolve_time());
  }
  if (ticket.closed_at.has_value()) {
    SetTime(*ticket.closed_at, out->mutable_close_time());
  }

  const TicketDeadlines& deadlines = view.deadlines;
  for (const ClockStatus& clock : deadlines.clocks) {
    ToProto(clock, out->add_sla_clocks());
  }
  if (!deadlines.policy_id.empty()) {
    out->set_sla_policy(
        absl::StrCat(deadlines.policy_id, "@v", deadlines.policy_version));
  }
  out->set_calendar_version(deadlines.calendar_fingerprint);
}

void MaskPersonalData(v1::Ticket* ticket) {
  ticket->set_contact_name(crypto::MaskName(ticket->contact_name()));
  ticket->set_contact_phone(crypto::MaskPhone(ticket->contact_phone()));
  ticket->set_household(crypto::MaskAddress(ticket->household()));
  if (!ticket->location().room().empty()) {
    ticket->mutable_location()->set_room("****");
  }
}

void ToProto(const TicketEvent& event, v1::TicketEvent* out) {
  out->set_cursor(FormatEventCursor(event.id));
  out->set_ticket(TicketName(event.community, event.ticket_id));
  out->set_type(std::string(EventTypeName(event.type)));
  SetTime(event.time, out->mutable_time());
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

void ToProto(const TimelineEntry& entry, v1::TimelineEntry* out) {
  SetTime(entry.time, out->mutable_time());
  out->set_actor(entry.actor.id);
  out->set_action(std::string(ActionName(entry.action)));
  out->set_from_state(static_cast<v1::TicketState>(entry.from_state));
  out->set_to_state(static_cast<v1::TicketState>(entry.to_state));
  out->set_note(entry.note);
  out->set_detail(entry.detail);
}

std::string FormatEventCursor(int64_t id) { return absl::StrCat(id); }

absl::StatusOr<int64_t> ParseEventCursor(absl::string_view cursor) {
  if (cursor.empty()) return 0;
  return rpc::ParseRowId(cursor, "after_cursor");
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::AssignTicketRequest& request) {
  return Parse(request, TicketAction::kAssign,
               [&](TicketCommand& c, rpc::FieldErrors& errors) {
                 CheckStaffId(request.assignee(), /*required=*/true, "assignee",
                              errors);
                 c.assignee = request.assignee();
               });
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::RespondTicketRequest& request) {
  return ParseHeaderOnly(request, TicketAction::kRespond);
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::StartTicketWorkRequest& request) {
  return ParseHeaderOnly(request, TicketAction::kStartWork);
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::PauseTicketRequest& request) {
  return Parse(request, TicketAction::kPause,
               [&](TicketCommand& c, rpc::FieldErrors& errors) {
                 c.pause_reason = RequiredEnum<PauseReason>(request.reason(), 2,
                                                            "reason", errors);
               });
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::ResumeTicketRequest& request) {
  return ParseHeaderOnly(request, TicketAction::kResume);
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::AddTicketProgressRequest& request) {
  return ParseHeaderOnly(request, TicketAction::kUpdateProgress);
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::ResolveTicketRequest& request) {
  return Parse(request, TicketAction::kResolve,
               [&](TicketCommand& c, rpc::FieldErrors& errors) {
                 c.resolution = request.resolution();
                 const common::v1::Money& charges = request.charges();
                 errors.Check(charges.currency_code().empty() ||
                                  charges.currency_code() == kCurrency,
                              "charges.currency_code", "only CNY is supported");
                 c.charges_minor = charges.minor_units();
               });
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::RecordTicketCallbackRequest& request) {
  return Parse(request,
               request.satisfied() ? TicketAction::kCallbackSatisfied
                                   : TicketAction::kCallbackUnsatisfied,
               [&](TicketCommand& c, rpc::FieldErrors&) {
                 c.satisfaction = request.rating();
                 c.comment = request.comment();
               });
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::CloseTicketRequest& request) {
  return Parse(request, TicketAction::kClose,
               [&](TicketCommand& c, rpc::FieldErrors&) {
                 c.summary = request.summary();
               });
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::CancelTicketRequest& request) {
  return Parse(request, TicketAction::kCancel,
               [&](TicketCommand& c, rpc::FieldErrors& errors) {
                 c.cancel_reason = RequiredEnum<CancelReason>(
                     request.reason(), 2, "reason", errors);
               });
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::ReopenTicketRequest& request) {
  return ParseHeaderOnly(request, TicketAction::kReopen);
}

absl::StatusOr<TicketMutation> MutationFromRequest(
    const v1::ChangeTicketPriorityRequest& request) {
  return Parse(request, TicketAction::kChangePriority,
               [&](TicketCommand& c, rpc::FieldErrors& errors) {
                 c.priority = RequiredEnum<Priority>(request.priority(), 3,
                                                     "priority", errors);
               });
}

absl::Status ToApiFieldPaths(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  google::rpc::BadRequest bad_request;
  const auto payload = status.GetPayload(
      absl::StrCat("type.googleapis.com/", bad_request.GetTypeName()));
  if (!payload.has_value() ||
      !bad_request.ParseFromString(std::string(*payload))) {
    return status;
  }
  rpc::FieldErrors errors;
  for (const auto& v : bad_request.field_violations()) {
    errors.Add(ApiFieldPath(v.field()), v.description());
  }
  return errors.ToStatus();
}

}  // namespace steward::tickets
