#include "services/tickets/api/ticket_grpc_service.h"

#include <algorithm>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/rpc/errors.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/idempotency.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"
#include "services/tickets/api/sla_policy_mapping.h"
#include "services/tickets/api/ticket_mapping.h"

namespace steward::tickets {
namespace {

using auth::Principal;
using auth::Role;
using rpc::ToGrpcStatus;

constexpr int kDefaultEventPage = 100;
// The most households one owner's ticket list filters on at once (the
// repository's limit).
constexpr size_t kMaxOwnerHouseholdsListed = 8;
constexpr int kMaxEventPage = 1000;

// The filters a page token is bound to.
// What a page token is bound to besides its caller and community: every
// filter, free text length-prefixed and times marked present or absent, so
// two different filters never share a key.
std::string FilterKey(const v1::ListTicketsRequest& request) {
  auto text = [](const std::string& value) {
    return absl::StrCat(value.size(), ":", value);
  };
  auto time = [](bool present, const google::protobuf::Timestamp& t) {
    return present ? absl::StrCat(t.seconds(), ".", t.nanos()) : std::string("-");
  };
  return absl::StrCat(
      request.state(), "|", request.kind(), "|", request.priority(), "|",
      text(request.assignee()), "|", text(request.district()), "|",
      time(request.has_created_after(), request.created_after()), "|",
      time(request.has_created_before(), request.created_before()), "|",
      request.overdue_only(), "|", request.at_risk_only(), "|", request.line(),
      "|", text(request.household()), "|", text(request.contact_phone()));
}

absl::Status NoTicketAccess() {
  // Owners get this for tickets of other households and for ids that do
  // not exist alike, so it reveals nothing.
  return absl::PermissionDeniedError(
      "no access to this ticket: owners reach their own households' tickets "
      "and their own reports");
}

// Whether an owner reaches a ticket of `community`: one of their households',
// or one they filed themselves (a public-area report has no household).
bool OwnerReaches(const Principal& owner, const std::string& community,
                  const TicketDraft& draft) {
  return owner.OwnsHousehold(community, draft.household) ||
         (!draft.reporter.empty() && draft.reporter == owner.subject);
}

// A policy row is company-wide (no community) or one community's override.
absl::Status PolicyScopeAccess(const Principal& caller,
                               const std::string& community) {
  return community.empty() ? auth::CheckAllCommunities(caller)
                           : auth::CheckCommunity(caller, community);
}

// The actor a change is recorded under: the verified caller. System
// clients may act for a named staff member (`requested`).
Actor ActorOf(const Principal& caller, const std::string& requested) {
  switch (caller.role) {
    case Role::kOwner:
      return {ActorKind::kOwner, caller.subject};
    case Role::kSystem:
      return requested.empty() ? Actor{ActorKind::kSystem, caller.subject}
                               : Actor{ActorKind::kStaff, requested};
    default:
      return {ActorKind::kStaff, caller.subject};
  }
}

}  // namespace

absl::Status TicketGrpcService::TicketAccess(const Principal& caller,
                                             const std::string& community,
                                             int64_t id) const {
  if (absl::Status s = auth::CheckCommunity(caller, community); !s.ok())
    return s;
  if (caller.role != Role::kOwner) return absl::OkStatus();
  // The household and the reporter never change after registration, so
  // checking before the change's own transaction is race-free.
  auto view = desk_.Get(community, id);
  if (!view.ok()) {
    return view.status().code() == absl::StatusCode::kNotFound
               ? NoTicketAccess()
               : view.status();
  }
  if (!OwnerReaches(caller, community, view->ticket.draft)) {
    return NoTicketAccess();
  }
  return absl::OkStatus();
}

void TicketGrpcService::Reply(const Principal& caller, const TicketView& view,
                              v1::Ticket* out) const {
  ToProto(view, out);
  if (!caller.SeesPersonalData()) MaskPersonalData(out);
}

grpc::Status TicketGrpcService::CreateTicket(
    grpc::ServerContext* context, const v1::CreateTicketRequest* request,
    v1::Ticket* response) {
  return gate_.Run(
      context, kService, "CreateTicket",
      {request->parent(), request->request_id()}, [&](const Principal& caller) {
        if (absl::Status s = rpc::ValidateRequestId(request->request_id());
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto draft = DraftFromRequest(*request);
        if (!draft.ok()) return ToGrpcStatus(draft.status());
        if (absl::Status s = auth::CheckCommunity(caller, draft->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        if (caller.role == Role::kOwner && !draft->household.empty() &&
            !caller.OwnsHousehold(draft->community, draft->household)) {
          return ToGrpcStatus(absl::PermissionDeniedError(
              "owners report for their own households (or a public area)"));
        }
        // Who registered it is the caller, not the request: owners report
        // for themselves; staff register what they received. Only system
        // clients (a call-centre system) name the staff member.
        // Owners are recorded as the reporter, so they can follow the
        // ticket even when it has no household.
        draft->reporter.clear();
        if (caller.role == Role::kOwner) {
          draft->received_by.clear();
          draft->reporter = caller.subject;
        } else if (caller.role != Role::kSystem) {
          draft->received_by = caller.subject;
        }
        auto view = desk_.Register(*draft, request->request_id(),
                                   rpc::RequestFingerprint(*request));
        if (!view.ok()) return ToGrpcStatus(view.status());
        // A replay answers with the stored ticket, but only to its own
        // reporter: an owner who guessed another's request_id and body gets
        // the answer a reused request_id with another body gets.
        if (caller.role == Role::kOwner &&
            view->ticket.draft.reporter != caller.subject) {
          return ToGrpcStatus(rpc::InvalidField(
              "request_id",
              "already used for a different ticket; use a new request_id"));
        }
        Reply(caller, *view, response);
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::GetTicket(grpc::ServerContext* context,
                                          const v1::GetTicketRequest* request,
                                          v1::Ticket* response) {
  return gate_.Run(
      context, kService, "GetTicket", {request->name(), ""},
      [&](const Principal& caller) {
        auto name = rpc::ParseCommunityChild(request->name(), "tickets");
        if (!name.ok()) return ToGrpcStatus(name.status());
        if (absl::Status s = auth::CheckCommunity(caller, name->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto view = desk_.Get(name->community, name->id);
        if (caller.role == Role::kOwner &&
            (view.status().code() == absl::StatusCode::kNotFound ||
             (view.ok() &&
              !OwnerReaches(caller, name->community, view->ticket.draft)))) {
          return ToGrpcStatus(NoTicketAccess());
        }
        if (!view.ok()) return ToGrpcStatus(view.status());
        Reply(caller, *view, response);
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::ListTickets(
    grpc::ServerContext* context, const v1::ListTicketsRequest* request,
    v1::ListTicketsResponse* response) {
  return gate_.Run(
      context, kService, "ListTickets", {request->parent(), ""},
      [&](const Principal& caller) {
        auto filter = FilterFromRequest(*request);
        if (!filter.ok()) return ToGrpcStatus(filter.status());
        auto query = rpc::ParsePageQuery(
            request->parent(), request->page_size(), request->page_token(),
            "tickets", FilterKey(*request), caller.id());
        if (!query.ok()) return ToGrpcStatus(query.status());
        if (absl::Status s = auth::CheckCommunity(caller, query->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        if (!filter->contact_phone.empty() && !caller.SeesPersonalData()) {
          // A masked caller could otherwise test which numbers have tickets.
          return ToGrpcStatus(absl::PermissionDeniedError(
              "filtering by contact_phone needs access to personal data"));
        }
        if (!request->household().empty()) {
          filter->households = {request->household()};
        }
        if (caller.role == Role::kOwner) {
          if (request->household().empty()) {
            // Their households' tickets and their own reports.
            filter->households = caller.HouseholdsIn(query->community);
            filter->or_reported_by = caller.subject;
            if (filter->households.size() > kMaxOwnerHouseholdsListed) {
              return ToGrpcStatus(rpc::InvalidField(
                  "household",
                  absl::StrCat("you have more than ", kMaxOwnerHouseholdsListed,
                               " households here; name one")));
            }
          } else if (!caller.OwnsHousehold(query->community,
                                           request->household())) {
            return ToGrpcStatus(NoTicketAccess());
          }
        }
        auto page = desk_.List(query->community, *filter, query->after_id,
                               query->page_size);
        if (!page.ok()) return ToGrpcStatus(page.status());
        for (const Ticket& ticket : page->tickets) {
          Reply(caller, desk_.View(ticket), response->add_tickets());
        }
        response->set_next_page_token(
            rpc::NextPageToken(*query, page->next_after_id));
        return grpc::Status::OK;
      });
}

template <typename Request>
grpc::Status TicketGrpcService::Mutate(grpc::ServerContext* context,
                                       absl::string_view method,
                                       const Request& request,
                                       v1::Ticket* response) {
  return gate_.Run(
      context, kService, method,
      {request.header().name(), request.header().request_id()},
      [&](const Principal& caller) {
        absl::StatusOr<TicketMutation> mutation = MutationFromRequest(request);
        if (!mutation.ok()) return ToGrpcStatus(mutation.status());
        if (absl::Status s =
                TicketAccess(caller, mutation->community, mutation->id);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        mutation->command.actor = ActorOf(caller, mutation->command.actor.id);
        auto view = desk_.Act(mutation->community, mutation->id,
                              mutation->expected_version, mutation->request_id,
                              MutationFingerprint(request),
                              std::move(mutation->command));
        if (!view.ok()) return ToGrpcStatus(ToApiFieldPaths(view.status()));
        Reply(caller, *view, response);
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::AssignTicket(
    grpc::ServerContext* context, const v1::AssignTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "AssignTicket", *request, response);
}

grpc::Status TicketGrpcService::RespondTicket(
    grpc::ServerContext* context, const v1::RespondTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "RespondTicket", *request, response);
}

grpc::Status TicketGrpcService::StartTicketWork(
    grpc::ServerContext* context, const v1::StartTicketWorkRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "StartTicketWork", *request, response);
}

grpc::Status TicketGrpcService::PauseTicket(
    grpc::ServerContext* context, const v1::PauseTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "PauseTicket", *request, response);
}

grpc::Status TicketGrpcService::ResumeTicket(
    grpc::ServerContext* context, const v1::ResumeTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "ResumeTicket", *request, response);
}

grpc::Status TicketGrpcService::AddTicketProgress(
    grpc::ServerContext* context, const v1::AddTicketProgressRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "AddTicketProgress", *request, response);
}

grpc::Status TicketGrpcService::ResolveTicket(
    grpc::ServerContext* context, const v1::ResolveTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "ResolveTicket", *request, response);
}

grpc::Status TicketGrpcService::RecordTicketCallback(
    grpc::ServerContext* context,
    const v1::RecordTicketCallbackRequest* request, v1::Ticket* response) {
  return Mutate(context, "RecordTicketCallback", *request, response);
}

grpc::Status TicketGrpcService::CloseTicket(
    grpc::ServerContext* context, const v1::CloseTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "CloseTicket", *request, response);
}

grpc::Status TicketGrpcService::CancelTicket(
    grpc::ServerContext* context, const v1::CancelTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "CancelTicket", *request, response);
}

grpc::Status TicketGrpcService::ReopenTicket(
    grpc::ServerContext* context, const v1::ReopenTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(context, "ReopenTicket", *request, response);
}

grpc::Status TicketGrpcService::ChangeTicketPriority(
    grpc::ServerContext* context,
    const v1::ChangeTicketPriorityRequest* request, v1::Ticket* response) {
  return Mutate(context, "ChangeTicketPriority", *request, response);
}

grpc::Status TicketGrpcService::ListTicketTimeline(
    grpc::ServerContext* context, const v1::ListTicketTimelineRequest* request,
    v1::ListTicketTimelineResponse* response) {
  return gate_.Run(
      context, kService, "ListTicketTimeline", {request->name(), ""},
      [&](const Principal& caller) {
        auto name = rpc::ParseCommunityChild(request->name(), "tickets");
        if (!name.ok()) return ToGrpcStatus(name.status());
        if (absl::Status s = TicketAccess(caller, name->community, name->id);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto entries = desk_.Timeline(name->community, name->id);
        if (!entries.ok()) return ToGrpcStatus(entries.status());
        for (const TimelineEntry& entry : *entries) {
          ToProto(entry, response->add_entries());
        }
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::ListSlaPolicies(
    grpc::ServerContext* context, const v1::ListSlaPoliciesRequest* request,
    v1::ListSlaPoliciesResponse* response) {
  return gate_.Run(
      context, kService, "ListSlaPolicies", {"slaPolicies", ""},
      [&](const Principal& caller) {
        std::vector<SlaPolicy> policies = desk_.Policies();
        std::sort(
            policies.begin(), policies.end(),
            [](const SlaPolicy& a, const SlaPolicy& b) { return a.id < b.id; });
        // Company defaults and the caller's own communities' overrides.
        for (const SlaPolicy& p : policies) {
          if (p.community.empty() || caller.InCommunity(p.community)) {
            ToProto(p, response->add_policies());
          }
        }
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::CreateSlaPolicy(
    grpc::ServerContext* context, const v1::CreateSlaPolicyRequest* request,
    v1::SlaPolicy* response) {
  return gate_.Run(
      context, kService, "CreateSlaPolicy", {request->policy_id(), ""},
      [&](const Principal& caller) -> grpc::Status {
        if (!IsValidPolicyId(request->policy_id())) {
          return ToGrpcStatus(
              rpc::InvalidField("policy_id", "1-64 characters of [a-z0-9_-]"));
        }
        auto policy = PolicyFromProto(request->policy(), request->policy_id());
        if (!policy.ok()) return ToGrpcStatus(policy.status());
        if (absl::Status s = PolicyScopeAccess(caller, policy->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto saved = desk_.SavePolicy(*std::move(policy), std::nullopt);
        if (!saved.ok()) return ToGrpcStatus(saved.status());
        ToProto(*saved, response);
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::UpdateSlaPolicy(
    grpc::ServerContext* context, const v1::UpdateSlaPolicyRequest* request,
    v1::SlaPolicy* response) {
  return gate_.Run(
      context, kService, "UpdateSlaPolicy", {request->policy().name(), ""},
      [&](const Principal& caller) -> grpc::Status {
        rpc::FieldErrors errors;
        auto id = ParsePolicyName(request->policy().name(), "policy.name");
        errors.Absorb(id.status());
        auto version = rpc::ParseEtag(request->policy().etag(), "policy.etag");
        errors.Absorb(version.status());
        if (!errors.empty()) return ToGrpcStatus(errors.ToStatus());
        auto policy = PolicyFromProto(request->policy(), *id);
        if (!policy.ok()) return ToGrpcStatus(policy.status());
        policy->version = *version + 1;
        // Both the row as stored and as rewritten must be the caller's.
        for (const SlaPolicy& current : desk_.Policies()) {
          if (current.id != policy->id) continue;
          if (absl::Status s = PolicyScopeAccess(caller, current.community);
              !s.ok()) {
            return ToGrpcStatus(s);
          }
        }
        if (absl::Status s = PolicyScopeAccess(caller, policy->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto saved = desk_.SavePolicy(*std::move(policy), *version);
        if (!saved.ok()) return ToGrpcStatus(saved.status());
        ToProto(*saved, response);
        return grpc::Status::OK;
      });
}

namespace {

void ToProto(const TicketDesk::HolidayTableInfo& info, v1::HolidayTable* out) {
  out->set_content(info.text);
  out->set_calendar_version(info.calendar->fingerprint());
  for (int year : info.calendar->holidays().years()) out->add_years(year);
}

}  // namespace

namespace {

std::string FormatMinute(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

// "HH:MM" (00:00..24:00) → minutes after midnight.
std::optional<int> ParseMinute(absl::string_view text) {
  int hours = 0, minutes = 0;
  if (text.size() != 5 || text[2] != ':' ||
      !absl::SimpleAtoi(text.substr(0, 2), &hours) ||
      !absl::SimpleAtoi(text.substr(3, 2), &minutes) || minutes > 59 ||
      hours * 60 + minutes > 24 * 60) {
    return std::nullopt;
  }
  return hours * 60 + minutes;
}

void ToProto(const std::vector<calendar::OfficeInterval>& day,
             v1::BusinessCalendar::Day* out) {
  for (const calendar::OfficeInterval& i : day) {
    auto* interval = out->add_intervals();
    interval->set_open(FormatMinute(i.open_minute));
    interval->set_close(FormatMinute(i.close_minute));
  }
}

std::vector<calendar::OfficeInterval> FromProto(
    const v1::BusinessCalendar::Day& day, const std::string& field,
    rpc::FieldErrors& errors) {
  std::vector<calendar::OfficeInterval> out;
  for (int i = 0; i < day.intervals_size(); ++i) {
    auto open = ParseMinute(day.intervals(i).open());
    auto close = ParseMinute(day.intervals(i).close());
    if (!open.has_value() || !close.has_value()) {
      errors.Add(absl::StrCat(field, ".intervals[", i, "]"),
                 "open and close are HH:MM");
      continue;
    }
    out.push_back({*open, *close});
  }
  return out;
}

void ToProto(const std::string& community,
             const calendar::BusinessCalendar& calendar,
             v1::BusinessCalendar* out) {
  out->set_name(absl::StrCat("communities/", community, "/businessCalendar"));
  out->set_time_zone(calendar.time_zone().name());
  for (const auto& day : calendar.hours().days) {
    ToProto(day, out->add_weekly_hours());
  }
  if (calendar.hours().makeup_day.has_value()) {
    ToProto(*calendar.hours().makeup_day, out->mutable_makeup_day_hours());
  }
  out->set_calendar_version(calendar.fingerprint());
}

absl::StatusOr<std::string> ParseCalendarName(absl::string_view name) {
  absl::string_view rest = name;
  if (!absl::ConsumeSuffix(&rest, "/businessCalendar")) {
    return rpc::InvalidField(
        "name", "must look like communities/{id}/businessCalendar");
  }
  return rpc::ParseCommunityParent(rest, "name");
}

}  // namespace

grpc::Status TicketGrpcService::GetBusinessCalendar(
    grpc::ServerContext* context, const v1::GetBusinessCalendarRequest* request,
    v1::BusinessCalendar* response) {
  return gate_.Run(
      context, kService, "GetBusinessCalendar", {request->name(), ""},
      [&](const Principal& caller) -> grpc::Status {
        auto community = ParseCalendarName(request->name());
        if (!community.ok()) return ToGrpcStatus(community.status());
        if (absl::Status s = auth::CheckCommunity(caller, *community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        ToProto(*community, *desk_.CalendarFor(*community), response);
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::UpdateBusinessCalendar(
    grpc::ServerContext* context,
    const v1::UpdateBusinessCalendarRequest* request,
    v1::BusinessCalendar* response) {
  return gate_.Run(
      context, kService, "UpdateBusinessCalendar",
      {request->calendar().name(), ""},
      [&](const Principal& caller) -> grpc::Status {
        const v1::BusinessCalendar& in = request->calendar();
        rpc::FieldErrors errors;
        auto community = ParseCalendarName(in.name());
        if (!community.ok()) {
          errors.Add("calendar.name",
                     "must look like communities/{id}/businessCalendar");
        }
        errors.Check(in.weekly_hours_size() == 7, "calendar.weekly_hours",
                     "exactly seven days, Monday first");
        CommunityCalendar settings;
        settings.time_zone = in.time_zone();
        for (int d = 0; d < in.weekly_hours_size() && d < 7; ++d) {
          settings.hours.days[d] =
              FromProto(in.weekly_hours(d),
                        absl::StrCat("calendar.weekly_hours[", d, "]"), errors);
        }
        if (in.has_makeup_day_hours()) {
          settings.hours.makeup_day = FromProto(
              in.makeup_day_hours(), "calendar.makeup_day_hours", errors);
        }
        if (!errors.empty()) return ToGrpcStatus(errors.ToStatus());
        if (absl::Status s = auth::CheckCommunity(caller, *community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        settings.community = *community;
        auto saved = desk_.SaveCommunityCalendar(settings);
        if (!saved.ok()) return ToGrpcStatus(saved.status());
        ToProto(*community, **saved, response);
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::GetHolidayTable(
    grpc::ServerContext* context, const v1::GetHolidayTableRequest* request,
    v1::HolidayTable* response) {
  return gate_.Run(context, kService, "GetHolidayTable", {"holidayTable", ""},
                   [&](const Principal& caller) -> grpc::Status {
                     ToProto(desk_.Holidays(), response);
                     return grpc::Status::OK;
                   });
}

grpc::Status TicketGrpcService::ReplaceHolidayTable(
    grpc::ServerContext* context, const v1::ReplaceHolidayTableRequest* request,
    v1::HolidayTable* response) {
  return gate_.Run(
      context, kService, "ReplaceHolidayTable", {"holidayTable", ""},
      [&](const Principal& caller) -> grpc::Status {
        if (absl::Status s = auth::CheckAllCommunities(caller); !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto info = desk_.ReplaceHolidayTable(request->content());
        if (!info.ok()) return ToGrpcStatus(info.status());
        ToProto(*info, response);
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::GetComplaintStockTake(
    grpc::ServerContext* context,
    const v1::GetComplaintStockTakeRequest* request,
    v1::ComplaintStockTake* response) {
  return gate_.Run(
      context, kService, "GetComplaintStockTake", {request->parent(), ""},
      [&](const Principal& caller) -> grpc::Status {
        rpc::FieldErrors errors;
        auto community = rpc::ParseCommunityParent(request->parent(), "parent");
        errors.Absorb(community.status());
        absl::CivilDay date;
        errors.Check(request->date().size() == 10 &&
                         absl::ParseCivilTime(request->date(), &date),
                     "date", "must be a date, YYYY-MM-DD");
        if (!errors.empty()) return ToGrpcStatus(errors.ToStatus());
        if (absl::Status s = auth::CheckCommunity(caller, *community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto entries = desk_.StockTake(*community, date);
        if (!entries.ok()) return ToGrpcStatus(entries.status());
        response->set_parent(request->parent());
        response->set_date(request->date());
        int overdue = 0;
        for (const StockTakeEntry& entry : *entries) {
          auto* out = response->add_entries();
          Reply(caller, entry.view, out->mutable_ticket());
          out->set_age_hours(absl::ToDoubleHours(entry.age));
          out->set_responsible(entry.view.ticket.assignee);
          out->set_first_responder(entry.view.ticket.first_responder);
          out->set_root_cause(entry.root_cause);
          out->set_overdue(entry.overdue);
          overdue += entry.overdue ? 1 : 0;
        }
        response->set_overdue_count(overdue);
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::ListIncidents(
    grpc::ServerContext* context, const v1::ListIncidentsRequest* request,
    v1::ListIncidentsResponse* response) {
  return gate_.Run(
      context, kService, "ListIncidents", {request->parent(), ""},
      [&](const Principal& caller) -> grpc::Status {
        auto community = rpc::ParseCommunityParent(request->parent(), "parent");
        if (!community.ok()) return ToGrpcStatus(community.status());
        if (absl::Status s = auth::CheckCommunity(caller, *community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto incidents = desk_.ListIncidents(*community);
        if (!incidents.ok()) return ToGrpcStatus(incidents.status());
        for (const Incident& incident : *incidents) {
          v1::Incident* out = response->add_incidents();
          out->set_name(absl::StrCat("communities/", incident.community,
                                     "/incidents/", incident.id));
          out->set_building(incident.building);
          out->set_category(incident.category);
          *out->mutable_open_time() = rpc::ToProtoTime(incident.opened_at);
          for (int64_t id : incident.ticket_ids) {
            out->add_tickets(TicketName(incident.community, id));
          }
        }
        return grpc::Status::OK;
      });
}

void TicketGrpcService::Shutdown() {
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
}

absl::StatusOr<int64_t> TicketGrpcService::StartCursor(
    const std::string& after_cursor, bool start_at_end) {
  if (!start_at_end) return ParseEventCursor(after_cursor);
  if (!after_cursor.empty()) {
    return rpc::InvalidField("start_at_end",
                             "cannot be combined with after_cursor");
  }
  return desk_.EventFeedTail();
}

grpc::Status TicketGrpcService::ListTicketEvents(
    grpc::ServerContext* context, const v1::ListTicketEventsRequest* request,
    v1::ListTicketEventsResponse* response) {
  return gate_.Run(
      context, kService, "ListTicketEvents", {"ticketEvents", ""},
      [&](const Principal& caller) -> grpc::Status {
        // The feed spans every community.
        if (absl::Status s = auth::CheckAllCommunities(caller); !s.ok()) {
          return ToGrpcStatus(s);
        }
        if (request->page_size() < 0 || request->page_size() > kMaxEventPage) {
          return ToGrpcStatus(rpc::InvalidField(
              "page_size", absl::StrCat("must be 0..", kMaxEventPage)));
        }
        auto after =
            StartCursor(request->after_cursor(), request->start_at_end());
        if (!after.ok()) return ToGrpcStatus(after.status());
        if (request->start_at_end()) {
          response->set_next_cursor(*after == 0 ? ""
                                                : FormatEventCursor(*after));
          return grpc::Status::OK;
        }
        const int limit = request->page_size() == 0 ? kDefaultEventPage
                                                    : request->page_size();
        auto events = desk_.ListEvents(*after, limit);
        if (!events.ok()) return ToGrpcStatus(events.status());
        for (const TicketEvent& event : *events) {
          ToProto(event, response->add_events());
        }
        response->set_next_cursor(events->empty()
                                      ? request->after_cursor()
                                      : FormatEventCursor(events->back().id));
        return grpc::Status::OK;
      });
}

grpc::Status TicketGrpcService::WatchTicketEvents(
    grpc::ServerContext* context, const v1::WatchTicketEventsRequest* request,
    grpc::ServerWriter<v1::TicketEvent>* writer) {
  return gate_.Run(
      context, kService, "WatchTicketEvents", {"ticketEvents", ""},
      [&](const Principal& caller) -> grpc::Status {
        if (absl::Status s = auth::CheckAllCommunities(caller); !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto after =
            StartCursor(request->after_cursor(), request->start_at_end());
        if (!after.ok()) return ToGrpcStatus(after.status());
        if (watchers_.fetch_add(1) >= options_.max_watchers) {
          watchers_.fetch_sub(1);
          return ToGrpcStatus(rpc::Exhausted(
              "too many event watchers; poll ListTicketEvents instead",
              absl::Seconds(5)));
        }
        absl::Cleanup release = [this] { watchers_.fetch_sub(1); };
        int64_t cursor = *after;
        while (!context->IsCancelled()) {
          if (stopping_.HasBeenNotified()) {
            return grpc::Status(
                grpc::StatusCode::UNAVAILABLE,
                "server shutting down; resume from your last cursor");
          }
          auto events = desk_.ListEvents(cursor, kDefaultEventPage);
          if (!events.ok()) return ToGrpcStatus(events.status());
          for (const TicketEvent& event : *events) {
            v1::TicketEvent proto;
            ToProto(event, &proto);
            if (!writer->Write(proto)) return grpc::Status::CANCELLED;
            cursor = event.id;
          }
          if (events->empty()) {
            stopping_.WaitForNotificationWithTimeout(options_.watch_poll);
          }
        }
        return grpc::Status::CANCELLED;
      });
}

}  // namespace steward::tickets
