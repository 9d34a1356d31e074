#include "services/tickets/api/ticket_grpc_service.h"

#include <algorithm>

#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/rpc/errors.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/idempotency.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"
#include "services/tickets/api/sla_policy_mapping.h"
#include "services/tickets/api/ticket_mapping.h"

namespace steward::tickets {
namespace {

using rpc::ToGrpcStatus;

constexpr int kDefaultEventPage = 100;
constexpr int kMaxEventPage = 1000;

// The filters a page token is bound to.
std::string FilterKey(const v1::ListTicketsRequest& request) {
  return absl::StrCat(
      request.state(), "|", request.kind(), "|", request.priority(), "|",
      request.assignee(), "|", request.district(), "|",
      request.created_after().seconds(), ".", request.created_after().nanos(),
      "|", request.created_before().seconds(), ".",
      request.created_before().nanos(), "|", request.overdue_only(), "|",
      request.at_risk_only(), "|", request.line());
}

}  // namespace

grpc::Status TicketGrpcService::CreateTicket(
    grpc::ServerContext* context, const v1::CreateTicketRequest* request,
    v1::Ticket* response) {
  if (absl::Status s = rpc::ValidateRequestId(request->request_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto draft = DraftFromRequest(*request);
  if (!draft.ok()) return ToGrpcStatus(draft.status());
  auto view = desk_.Register(*draft, request->request_id(),
                             rpc::RequestFingerprint(*request));
  if (!view.ok()) return ToGrpcStatus(view.status());
  ToProto(*view, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::GetTicket(grpc::ServerContext* context,
                                          const v1::GetTicketRequest* request,
                                          v1::Ticket* response) {
  auto name = rpc::ParseCommunityChild(request->name(), "tickets");
  if (!name.ok()) return ToGrpcStatus(name.status());
  auto view = desk_.Get(name->community, name->id);
  if (!view.ok()) return ToGrpcStatus(view.status());
  ToProto(*view, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::ListTickets(
    grpc::ServerContext* context, const v1::ListTicketsRequest* request,
    v1::ListTicketsResponse* response) {
  auto filter = FilterFromRequest(*request);
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  auto query = rpc::ParsePageQuery(request->parent(), request->page_size(),
                                   request->page_token(), "tickets",
                                   FilterKey(*request));
  if (!query.ok()) return ToGrpcStatus(query.status());
  auto page =
      desk_.List(query->community, *filter, query->after_id, query->page_size);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const Ticket& ticket : page->tickets) {
    ToProto(desk_.View(ticket), response->add_tickets());
  }
  response->set_next_page_token(
      rpc::NextPageToken(*query, page->next_after_id));
  return grpc::Status::OK;
}

template <typename Request>
grpc::Status TicketGrpcService::Mutate(const Request& request,
                                       v1::Ticket* response) {
  absl::StatusOr<TicketMutation> mutation = MutationFromRequest(request);
  if (!mutation.ok()) return ToGrpcStatus(mutation.status());
  auto view =
      desk_.Act(mutation->community, mutation->id, mutation->expected_version,
                mutation->request_id, MutationFingerprint(request),
                std::move(mutation->command));
  if (!view.ok()) return ToGrpcStatus(ToApiFieldPaths(view.status()));
  ToProto(*view, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::AssignTicket(
    grpc::ServerContext* context, const v1::AssignTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::RespondTicket(
    grpc::ServerContext* context, const v1::RespondTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::StartTicketWork(
    grpc::ServerContext* context, const v1::StartTicketWorkRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::PauseTicket(
    grpc::ServerContext* context, const v1::PauseTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::ResumeTicket(
    grpc::ServerContext* context, const v1::ResumeTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::AddTicketProgress(
    grpc::ServerContext* context, const v1::AddTicketProgressRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::ResolveTicket(
    grpc::ServerContext* context, const v1::ResolveTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::RecordTicketCallback(
    grpc::ServerContext* context,
    const v1::RecordTicketCallbackRequest* request, v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::CloseTicket(
    grpc::ServerContext* context, const v1::CloseTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::CancelTicket(
    grpc::ServerContext* context, const v1::CancelTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::ReopenTicket(
    grpc::ServerContext* context, const v1::ReopenTicketRequest* request,
    v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::ChangeTicketPriority(
    grpc::ServerContext* context,
    const v1::ChangeTicketPriorityRequest* request, v1::Ticket* response) {
  return Mutate(*request, response);
}

grpc::Status TicketGrpcService::ListTicketTimeline(
    grpc::ServerContext* context, const v1::ListTicketTimelineRequest* request,
    v1::ListTicketTimelineResponse* response) {
  auto name = rpc::ParseCommunityChild(request->name(), "tickets");
  if (!name.ok()) return ToGrpcStatus(name.status());
  auto entries = desk_.Timeline(name->community, name->id);
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  for (const TimelineEntry& entry : *entries) {
    ToProto(entry, response->add_entries());
  }
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::ListSlaPolicies(
    grpc::ServerContext* context, const v1::ListSlaPoliciesRequest* request,
    v1::ListSlaPoliciesResponse* response) {
  std::vector<SlaPolicy> policies = desk_.Policies();
  std::sort(policies.begin(), policies.end(),
            [](const SlaPolicy& a, const SlaPolicy& b) { return a.id < b.id; });
  for (const SlaPolicy& p : policies) ToProto(p, response->add_policies());
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::CreateSlaPolicy(
    grpc::ServerContext* context, const v1::CreateSlaPolicyRequest* request,
    v1::SlaPolicy* response) {
  if (!IsValidPolicyId(request->policy_id())) {
    return ToGrpcStatus(
        rpc::InvalidField("policy_id", "1-64 characters of [a-z0-9_-]"));
  }
  auto policy = PolicyFromProto(request->policy(), request->policy_id());
  if (!policy.ok()) return ToGrpcStatus(policy.status());
  auto saved = desk_.SavePolicy(*std::move(policy), std::nullopt);
  if (!saved.ok()) return ToGrpcStatus(saved.status());
  ToProto(*saved, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::UpdateSlaPolicy(
    grpc::ServerContext* context, const v1::UpdateSlaPolicyRequest* request,
    v1::SlaPolicy* response) {
  rpc::FieldErrors errors;
  auto id = ParsePolicyName(request->policy().name(), "policy.name");
  errors.Absorb(id.status());
  auto version = rpc::ParseEtag(request->policy().etag(), "policy.etag");
  errors.Absorb(version.status());
  if (!errors.empty()) return ToGrpcStatus(errors.ToStatus());
  auto policy = PolicyFromProto(request->policy(), *id);
  if (!policy.ok()) return ToGrpcStatus(policy.status());
  policy->version = *version + 1;
  auto saved = desk_.SavePolicy(*std::move(policy), *version);
  if (!saved.ok()) return ToGrpcStatus(saved.status());
  ToProto(*saved, response);
  return grpc::Status::OK;
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
    return rpc::InvalidField("name",
                             "must look like communities/{id}/businessCalendar");
  }
  return rpc::ParseCommunityParent(rest, "name");
}

}  // namespace

grpc::Status TicketGrpcService::GetBusinessCalendar(
    grpc::ServerContext* context, const v1::GetBusinessCalendarRequest* request,
    v1::BusinessCalendar* response) {
  auto community = ParseCalendarName(request->name());
  if (!community.ok()) return ToGrpcStatus(community.status());
  ToProto(*community, *desk_.CalendarFor(*community), response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::UpdateBusinessCalendar(
    grpc::ServerContext* context,
    const v1::UpdateBusinessCalendarRequest* request,
    v1::BusinessCalendar* response) {
  const v1::BusinessCalendar& in = request->calendar();
  rpc::FieldErrors errors;
  auto community = ParseCalendarName(in.name());
  if (!community.ok()) {
    errors.Add("calendar.name", "must look like communities/{id}/businessCalendar");
  }
  errors.Check(in.weekly_hours_size() == 7, "calendar.weekly_hours",
               "exactly seven days, Monday first");
  CommunityCalendar settings;
  settings.time_zone = in.time_zone();
  for (int d = 0; d < in.weekly_hours_size() && d < 7; ++d) {
    settings.hours.days[d] = FromProto(
        in.weekly_hours(d), absl::StrCat("calendar.weekly_hours[", d, "]"),
        errors);
  }
  if (in.has_makeup_day_hours()) {
    settings.hours.makeup_day =
        FromProto(in.makeup_day_hours(), "calendar.makeup_day_hours", errors);
  }
  if (!errors.empty()) return ToGrpcStatus(errors.ToStatus());
  settings.community = *community;
  auto saved = desk_.SaveCommunityCalendar(settings);
  if (!saved.ok()) return ToGrpcStatus(saved.status());
  ToProto(*community, **saved, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::GetHolidayTable(
    grpc::ServerContext* context, const v1::GetHolidayTableRequest* request,
    v1::HolidayTable* response) {
  ToProto(desk_.Holidays(), response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::ReplaceHolidayTable(
    grpc::ServerContext* context, const v1::ReplaceHolidayTableRequest* request,
    v1::HolidayTable* response) {
  auto info = desk_.ReplaceHolidayTable(request->content());
  if (!info.ok()) return ToGrpcStatus(info.status());
  ToProto(*info, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::GetComplaintStockTake(
    grpc::ServerContext* context,
    const v1::GetComplaintStockTakeRequest* request,
    v1::ComplaintStockTake* response) {
  rpc::FieldErrors errors;
  auto community = rpc::ParseCommunityParent(request->parent(), "parent");
  errors.Absorb(community.status());
  absl::CivilDay date;
  errors.Check(request->date().size() == 10 &&
                   absl::ParseCivilTime(request->date(), &date),
               "date", "must be a date, YYYY-MM-DD");
  if (!errors.empty()) return ToGrpcStatus(errors.ToStatus());
  auto entries = desk_.StockTake(*community, date);
  if (!entries.ok()) return ToGrpcStatus(entries.status());
  response->set_parent(request->parent());
  response->set_date(request->date());
  int overdue = 0;
  for (const StockTakeEntry& entry : *entries) {
    auto* out = response->add_entries();
    ToProto(entry.view, out->mutable_ticket());
    out->set_age_hours(absl::ToDoubleHours(entry.age));
    out->set_responsible(entry.view.ticket.assignee);
    out->set_first_responder(entry.view.ticket.first_responder);
    out->set_root_cause(entry.root_cause);
    out->set_overdue(entry.overdue);
    overdue += entry.overdue ? 1 : 0;
  }
  response->set_overdue_count(overdue);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::ListIncidents(
    grpc::ServerContext* context, const v1::ListIncidentsRequest* request,
    v1::ListIncidentsResponse* response) {
  auto community = rpc::ParseCommunityParent(request->parent(), "parent");
  if (!community.ok()) return ToGrpcStatus(community.status());
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
}

void TicketGrpcService::Shutdown() {
  if (!stopping_.HasBeenNotified()) stopping_.Notify();
}

grpc::Status TicketGrpcService::ListTicketEvents(
    grpc::ServerContext* context, const v1::ListTicketEventsRequest* request,
    v1::ListTicketEventsResponse* response) {
  auto after = ParseEventCursor(request->after_cursor());
  if (!after.ok()) return ToGrpcStatus(after.status());
  if (request->page_size() < 0 || request->page_size() > kMaxEventPage) {
    return ToGrpcStatus(rpc::InvalidField(
        "page_size", absl::StrCat("must be 0..", kMaxEventPage)));
  }
  const int limit =
      request->page_size() == 0 ? kDefaultEventPage : request->page_size();
  auto events = desk_.ListEvents(*after, limit);
  if (!events.ok()) return ToGrpcStatus(events.status());
  for (const TicketEvent& event : *events) {
    ToProto(event, response->add_events());
  }
  response->set_next_cursor(events->empty()
                                ? request->after_cursor()
                                : FormatEventCursor(events->back().id));
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::WatchTicketEvents(
    grpc::ServerContext* context, const v1::WatchTicketEventsRequest* request,
    grpc::ServerWriter<v1::TicketEvent>* writer) {
  auto after = ParseEventCursor(request->after_cursor());
  if (!after.ok()) return ToGrpcStatus(after.status());
  if (watchers_.fetch_add(1) >= options_.max_watchers) {
    watchers_.fetch_sub(1);
    return ToGrpcStatus(
        rpc::Exhausted("too many event watchers; poll ListTicketEvents instead",
                       absl::Seconds(5)));
  }
  absl::Cleanup release = [this] { watchers_.fetch_sub(1); };
  int64_t cursor = *after;
  while (!context->IsCancelled()) {
    if (stopping_.HasBeenNotified()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
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
}

}  // namespace steward::tickets
