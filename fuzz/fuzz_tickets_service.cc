// Fuzz target: the tickets service's handlers
// (services/tickets/api/ticket_grpc_service.*) over the unit tests'
// in-memory repository (tests/unit/tickets/fake_ticket_repository.h), the
// default SLA policies and the shipped statutory calendar, called as every
// kind of caller through the real CallGate. The input is a program of calls
// (service_fuzz.h) to any unary RPC: creates, the twelve lifecycle
// mutations, reads, lists, SLA policies, calendars and the event feed.
//
// Beyond the status and audit contracts every call keeps (service_fuzz.h):
//   * a refused call changes nothing stored: tickets, writes, events,
//     policies, the holiday table and community calendars are as before;
//     a read changes nothing either;
//   * an OK Create stores one ticket (none when it replays one) that reads
//     back by Get equal to what Create answered (masked the same way), and a
//     retry answers the same ticket;
//   * an OK mutation answers the ticket it named, stores at most one change
//     and, when it changed something, the etag it was given plus one; the
//     ticket reads back equal;
//   * every ticket a caller is shown lies in its communities, and for owners
//     in their own households (tenancy);
//   * List is newest first, within the page size, matches its filters, and
//     a page token continues exactly the query and caller it was issued to;
//   * an OK policy, calendar or holiday-table change reads back equal.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/calendar/business_calendar.h"
#include "common/calendar/holiday_table.h"
#include "common/crypto/personal_data.h"
#include "fuzz/crud_service_fuzz.h"
#include "services/tickets/api/ticket_grpc_service.h"
#include "services/tickets/api/ticket_mapping.h"
#include "services/tickets/domain/sla.h"
#include "services/tickets/domain/ticket_desk.h"
#include "tests/unit/tickets/fake_ticket_repository.h"

namespace steward::fuzz {
namespace {

namespace v1 = ::steward::tickets::v1;
using tickets::FakeTicketRepository;
using tickets::TicketDesk;
using tickets::TicketGrpcService;
using Service = TicketGrpcService;

const calendar::BusinessCalendar& ShanghaiOffice() {
  static const calendar::BusinessCalendar* const kCalendar = [] {
    absl::TimeZone zone;
    FUZZ_CHECK(absl::LoadTimeZone("Asia/Shanghai", &zone), "install tzdata");
    auto table = calendar::LoadHolidayTableFile(STEWARD_CALENDAR_DATA);
    FUZZ_CHECK(table.ok(), table.status().ToString());
    auto c = calendar::BusinessCalendar::Create(
        zone, calendar::WeeklyHours::Default(), *std::move(table));
    FUZZ_CHECK(c.ok(), c.status().ToString());
    return new calendar::BusinessCalendar(*std::move(c));
  }();
  return *kCalendar;
}

// Everything a call could change in the fake repository, cheaply compared.
struct Snapshot {
  int tickets = 0;
  int writes = 0;
  int events = 0;
  std::string policies;
  std::string holidays;
  std::string calendars;

  bool operator==(const Snapshot&) const = default;
};

Snapshot Take(FakeTicketRepository& repository) {
  Snapshot s{repository.size(), repository.writes(), repository.event_count()};
  auto policies = repository.ListPolicies();
  FUZZ_CHECK(policies.ok());
  for (const tickets::SlaPolicy& p : *policies) {
    absl::StrAppend(&s.policies, p.id, "@", p.version, "/", p.community, ";");
  }
  auto holidays = repository.GetHolidayTable();
  FUZZ_CHECK(holidays.ok());
  s.holidays = holidays->has_value() ? "=" + **holidays : "none";
  auto calendars = repository.ListCommunityCalendars();
  FUZZ_CHECK(calendars.ok());
  for (const tickets::CommunityCalendar& c : *calendars) {
    absl::StrAppend(&s.calendars, c.community, "@", c.time_zone, ":");
    for (const auto& day : c.hours.days) {
      for (const auto& i : day) {
        absl::StrAppend(&s.calendars, i.open_minute, "-", i.close_minute, ",");
      }
      s.calendars += "|";
    }
    s.calendars += c.hours.makeup_day.has_value() ? "m" : "-";
  }
  return s;
}

// Tenancy: what each caller may be shown. Owners see their households'
// tickets and the ones they reported themselves (reported_by is their token's
// subject: "o-1" for kOwnerHere, "o-many" for kOwnerOfMany).
void CheckTenancy(Caller caller, const v1::Ticket& ticket) {
  auto name = SplitName(ticket.name(), "tickets");
  FUZZ_CHECK(name.has_value(), ticket.name());
  const std::string& community = name->first;
  const std::string what = absl::StrCat(ticket.name(), " shown to caller ",
                                        static_cast<int>(caller), " (",
                                        ticket.household(), ", reported by ",
                                        ticket.reported_by(), ")");
  switch (caller) {
    case Caller::kManagerHere:
    case Caller::kStaffHere:
    case Caller::kSystemWrite:
      FUZZ_CHECK(community == kCommunity, what);
      break;
    case Caller::kStaffElsewhere:
      FUZZ_CHECK(community == kOtherCommunity, what);
      break;
    case Caller::kOwnerHere:
      FUZZ_CHECK(community == kCommunity &&
                     (ticket.household() == "3-2-1201" ||
                      ticket.reported_by() == "o-1"),
                 what);
      break;
    case Caller::kOwnerOfMany:
      FUZZ_CHECK(community == kCommunity &&
                     ((absl::StartsWith(ticket.household(), "1-1-") &&
                       ticket.household().size() == 5 &&
                       ticket.household()[4] >= '1' &&
                       ticket.household()[4] <= '9') ||
                      ticket.reported_by() == "o-many"),
                 what);
      break;
    default:
      break;
  }
}

// A page token's query: the request minus its page size and token. A
// timestamp set to zero is a different query from an absent one (the filter
// key tells them apart).
std::string QueryOf(v1::ListTicketsRequest request) {
  request.clear_page_size();
  request.clear_page_token();
  return request.SerializeAsString();
}

bool MatchesFilter(const v1::Ticket& t, const v1::ListTicketsRequest& r) {
  return (r.state() == 0 || t.state() == r.state()) &&
         (r.kind() == 0 || t.kind() == r.kind()) &&
         (r.priority() == 0 || t.priority() == r.priority()) &&
         (r.line() == 0 || t.line() == r.line()) &&
         (r.assignee().empty() || t.assignee() == r.assignee()) &&
         (r.district().empty() || t.district() == r.district()) &&
         // Only callers who see contacts in full may filter by phone.
         (r.contact_phone().empty() ||
          crypto::NormalizePhone(t.contact_phone()) ==
              crypto::NormalizePhone(r.contact_phone()));
}

class TicketProgram {
 public:
  explicit TicketProgram(Callers& callers)
      : callers_(callers),
        desk_(repository_, [this] { return now_; },
              tickets::SlaRules{tickets::DefaultSlaPolicies(),
                                ShanghaiOffice()}),
        service_(desk_, callers.gate().gate()) {}

  void Run(const std::vector<Step>& steps) {
    for (size_t i = 0; i < steps.size(); ++i) {
      const Step& s = steps[i];
      now_ += absl::Minutes(s.advance);
      const Caller c = CallerOf(s.who);
      switch (s.op % 26) {
        case 0: Create(s, c, i); break;
        case 1: Get(s, c); break;
        case 2: List(s, c); break;
        case 3: Mutate(s, c, i, &Service::AssignTicket, "AssignTicket"); break;
        case 4: Mutate(s, c, i, &Service::RespondTicket, "RespondTicket"); break;
        case 5: Mutate(s, c, i, &Service::StartTicketWork, "StartTicketWork"); break;
        case 6: Mutate(s, c, i, &Service::PauseTicket, "PauseTicket"); break;
        case 7: Mutate(s, c, i, &Service::ResumeTicket, "ResumeTicket"); break;
        case 8: Mutate(s, c, i, &Service::AddTicketProgress, "AddTicketProgress"); break;
        case 9: Mutate(s, c, i, &Service::ResolveTicket, "ResolveTicket"); break;
        case 10: Mutate(s, c, i, &Service::RecordTicketCallback, "RecordTicketCallback"); break;
        case 11: Mutate(s, c, i, &Service::CloseTicket, "CloseTicket"); break;
        case 12: Mutate(s, c, i, &Service::CancelTicket, "CancelTicket"); break;
        case 13: Mutate(s, c, i, &Service::ReopenTicket, "ReopenTicket"); break;
        case 14: Mutate(s, c, i, &Service::ChangeTicketPriority, "ChangeTicketPriority"); break;
        case 15: Timeline(s, c); break;
        case 16: ListPolicies(s, c); break;
        case 17: SavePolicy<v1::CreateSlaPolicyRequest>(s, c, &Service::CreateSlaPolicy, "CreateSlaPolicy"); break;
        case 18: SavePolicy<v1::UpdateSlaPolicyRequest>(s, c, &Service::UpdateSlaPolicy, "UpdateSlaPolicy"); break;
        case 19: GetCalendar(s, c); break;
        case 20: UpdateCalendar(s, c); break;
        case 21: GetHolidays(s, c); break;
        case 22: ReplaceHolidays(s, c); break;
        case 23: StockTake(s, c); break;
        case 24: Incidents(s, c); break;
        case 25: Events(s, c); break;
      }
    }
  }

 private:
  template <typename M>
  static bool Parse(const Step& step, M* message) {
    if (!message->ParseFromString(step.body)) return false;
    message->DiscardUnknownFields();
    return true;
  }

  // Calls `method` as `caller`; on a refusal (or a read) checks that
  // nothing stored changed.
  template <typename Request, typename Response>
  grpc::Status Invoke(grpc::Status (Service::*method)(grpc::ServerContext*,
                                                      const Request*,
                                                      Response*),
                      absl::string_view name, Caller caller,
                      const Request& request, Response* response,
                      bool reads_only = false) {
    const Snapshot before = Take(repository_);
    const grpc::Status status =
        Call(callers_, service_, method, name, caller, request, response);
    if (!status.ok() || reads_only) {
      FUZZ_CHECK(Take(repository_) == before,
                 absl::StrCat(name, " changed stored state although it ",
                              status.ok() ? "only reads" : "was refused: ",
                              status.error_message()));
    }
    return status;
  }

  // Get as a company-wide manager equals `ticket` as `caller` was shown it.
  void ReadsBack(const v1::Ticket& ticket) {
    v1::GetTicketRequest get;
    get.set_name(ticket.name());
    v1::Ticket read;
    const grpc::Status status = Invoke(&Service::GetTicket, "GetTicket",
                                       Caller::kManagerAll, get, &read, true);
    FUZZ_CHECK(status.ok(), "a ticket does not read back: " +
                                status.error_message());
    if (SameMessage(read, ticket)) return;
    tickets::MaskPersonalData(&read);
    FUZZ_CHECK(SameMessage(read, ticket),
               "read back:\n" + read.DebugString() + "answered:\n" +
                   ticket.DebugString());
  }

  void Create(const Step& step, Caller caller, size_t index) {
    v1::CreateTicketRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name()) request.set_parent(absl::StrCat("communities/", kCommunity));
    if (step.fix_etag()) request.mutable_ticket()->set_household("3-2-1201");
    if (step.fix_request_id()) request.set_request_id(absl::StrCat("fz-", index));
    const Snapshot before = Take(repository_);
    v1::Ticket created;
    const grpc::Status status = Invoke(&Service::CreateTicket, "CreateTicket",
                                       caller, request, &created);
    if (!status.ok()) return;
    CheckTenancy(caller, created);
    FUZZ_CHECK(absl::StartsWith(created.name(), request.parent() + "/tickets/"),
               created.name());
    const bool replay = known_.Contains(created.name());
    FUZZ_CHECK(repository_.size() == before.tickets + (replay ? 0 : 1),
               "an OK Create stored the wrong number of tickets");
    known_.Saw(created.name(), created.etag());
    ReadsBack(created);
    v1::Ticket again;
    const grpc::Status retry = Invoke(&Service::CreateTicket, "CreateTicket",
                                      caller, request, &again);
    FUZZ_CHECK(retry.ok(), "a retried Create failed: " + retry.error_message());
    FUZZ_CHECK(again.name() == created.name(), again.name());
    FUZZ_CHECK(repository_.size() == before.tickets + (replay ? 0 : 1),
               "a retried Create stored again");
  }

  void Get(const Step& step, Caller caller) {
    v1::GetTicketRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name() && !known_.empty()) {
      request.set_name(known_.Name(step.pick()));
    }
    v1::Ticket read;
    const grpc::Status status = Invoke(&Service::GetTicket, "GetTicket",
                                       caller, request, &read, true);
    if (!status.ok()) return;
    FUZZ_CHECK(read.name() == request.name() && known_.Contains(read.name()),
               read.name());
    CheckTenancy(caller, read);
  }

  void List(const Step& step, Caller caller) {
    v1::ListTicketsRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name()) request.set_parent(absl::StrCat("communities/", kCommunity));
    std::optional<IssuedToken> replayed;
    if (step.fix_page_token() && issued_.has_value()) {
      request.set_page_token(issued_->token);
      replayed = issued_;
    }
    v1::ListTicketsResponse response;
    const grpc::Status status = Invoke(&Service::ListTickets, "ListTickets",
                                       caller, request, &response, true);
    const std::string query = QueryOf(request);
    const std::string principal = PrincipalIdOf(caller);
    if (replayed.has_value()) {
      const bool same =
          replayed->query == query && replayed->principal == principal;
      if (same && request.page_size() >= 0) {
        FUZZ_CHECK(status.ok(), "a page token was refused for its own query: " +
                                    status.error_message());
      }
      if (!same) {
        FUZZ_CHECK(!status.ok(),
                   "a page token was accepted for another query or caller");
      }
    }
    if (!status.ok()) return;
    const int limit = request.page_size() == 0
                          ? rpc::kDefaultPageSize
                          : std::min(request.page_size(), rpc::kMaxPageSize);
    FUZZ_CHECK(response.tickets_size() <= limit);
    int64_t previous = replayed.has_value() ? replayed->last_id : INT64_MAX;
    for (const v1::Ticket& t : response.tickets()) {
      auto name = SplitName(t.name(), "tickets");
      FUZZ_CHECK(name.has_value() && known_.Contains(t.name()), t.name());
      FUZZ_CHECK("communities/" + name->first == request.parent(), t.name());
      FUZZ_CHECK(name->second < previous,
                 "List is not newest first, or a later page repeats a ticket");
      previous = name->second;
      FUZZ_CHECK(MatchesFilter(t, request), t.DebugString());
      CheckTenancy(caller, t);
    }
    if (!response.next_page_token().empty()) {
      FUZZ_CHECK(response.tickets_size() == limit,
                 "a next page after a short page");
      issued_ = IssuedToken{query, principal, response.next_page_token(),
                            previous};
    }
  }

  template <typename Request>
  void Mutate(const Step& step, Caller caller, size_t index,
              grpc::Status (Service::*method)(grpc::ServerContext*,
                                              const Request*, v1::Ticket*),
              absl::string_view name) {
    Request request;
    if (!Parse(step, &request)) return;
    v1::MutationHeader* header = request.mutable_header();
    if (step.fix_name() && !known_.empty()) {
      header->set_name(known_.Name(step.pick()));
    }
    if (step.fix_etag() && known_.Contains(header->name())) {
      header->set_etag(known_.Etag(header->name()));
    }
    if (step.fix_request_id()) header->set_request_id(absl::StrCat("fz-", index));
    const Snapshot before = Take(repository_);
    v1::Ticket after;
    const grpc::Status status =
        Invoke(method, name, caller, request, &after);
    if (!status.ok()) return;
    FUZZ_CHECK(after.name() == header->name() && known_.Contains(after.name()),
               after.name());
    CheckTenancy(caller, after);
    const int writes = repository_.writes();
    FUZZ_CHECK(repository_.size() == before.tickets);
    FUZZ_CHECK(writes == before.writes || writes == before.writes + 1,
               "a mutation stored more than one change");
    if (writes == before.writes + 1) {
      auto version = rpc::ParseEtag(header->etag());
      FUZZ_CHECK(version.ok() && after.etag() == rpc::FormatEtag(*version + 1),
                 absl::StrCat(name, ": etag ", header->etag(), " became ",
                              after.etag()));
    }
    known_.Saw(after.name(), after.etag());
    ReadsBack(after);
  }

  void Timeline(const Step& step, Caller caller) {
    v1::ListTicketTimelineRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name() && !known_.empty()) {
      request.set_name(known_.Name(step.pick()));
    }
    v1::ListTicketTimelineResponse response;
    const grpc::Status status =
        Invoke(&Service::ListTicketTimeline, "ListTicketTimeline", caller,
               request, &response, true);
    if (!status.ok()) return;
    FUZZ_CHECK(known_.Contains(request.name()), request.name());
    // Every stored change appends one entry: a ticket has at least its
    // registration.
    FUZZ_CHECK(response.entries_size() >= 1);
  }

  void ListPolicies(const Step& step, Caller caller) {
    v1::ListSlaPoliciesRequest request;
    if (!Parse(step, &request)) return;
    v1::ListSlaPoliciesResponse response;
    const grpc::Status status = Invoke(&Service::ListSlaPolicies,
                                       "ListSlaPolicies", caller, request,
                                       &response, true);
    if (!status.ok()) return;
    for (const v1::SlaPolicy& p : response.policies()) {
      policies_.Saw(p.name(), p.etag());
    }
  }

  // The policy named `name` as ListSlaPolicies shows it to a company-wide
  // manager, or nullopt.
  std::optional<v1::SlaPolicy> ListedPolicy(const std::string& name) {
    v1::ListSlaPoliciesRequest request;
    v1::ListSlaPoliciesResponse response;
    FUZZ_CHECK(Invoke(&Service::ListSlaPolicies, "ListSlaPolicies",
                      Caller::kManagerAll, request, &response, true)
                   .ok());
    for (const v1::SlaPolicy& p : response.policies()) {
      if (p.name() == name) return p;
    }
    return std::nullopt;
  }

  template <typename Request>
  void SavePolicy(const Step& step, Caller caller,
                  grpc::Status (Service::*method)(grpc::ServerContext*,
                                                  const Request*,
                                                  v1::SlaPolicy*),
                  absl::string_view name) {
    Request request;
    if (!Parse(step, &request)) return;
    v1::SlaPolicy* policy = request.mutable_policy();
    if constexpr (std::is_same_v<Request, v1::UpdateSlaPolicyRequest>) {
      if (step.fix_name()) {
        policy->set_name(policies_.empty()
                             ? "slaPolicies/default-complaint-routine"
                             : policies_.Name(step.pick()));
      }
      if (step.fix_etag() && policies_.Contains(policy->name())) {
        policy->set_etag(policies_.Etag(policy->name()));
      }
    }
    v1::SlaPolicy saved;
    const grpc::Status status = Invoke(method, name, caller, request, &saved);
    if (!status.ok()) return;
    policies_.Saw(saved.name(), saved.etag());
    auto listed = ListedPolicy(saved.name());
    FUZZ_CHECK(listed.has_value() && SameMessage(*listed, saved),
               absl::StrCat(name, " does not read back: ", saved.DebugString()));
  }

  void GetCalendar(const Step& step, Caller caller) {
    v1::GetBusinessCalendarRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name()) {
      request.set_name(absl::StrCat("communities/", kCommunity, "/businessCalendar"));
    }
    v1::BusinessCalendar response;
    const grpc::Status status =
        Invoke(&Service::GetBusinessCalendar, "GetBusinessCalendar", caller,
               request, &response, true);
    if (!status.ok()) return;
    FUZZ_CHECK(response.name() == request.name(), response.name());
    FUZZ_CHECK(response.weekly_hours_size() == 7);
  }

  void UpdateCalendar(const Step& step, Caller caller) {
    v1::UpdateBusinessCalendarRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name()) {
      request.mutable_calendar()->set_name(
          absl::StrCat("communities/", kCommunity, "/businessCalendar"));
    }
    v1::BusinessCalendar saved;
    const grpc::Status status =
        Invoke(&Service::UpdateBusinessCalendar, "UpdateBusinessCalendar",
               caller, request, &saved);
    if (!status.ok()) return;
    FUZZ_CHECK(saved.name() == request.calendar().name(), saved.name());
    FUZZ_CHECK(saved.time_zone() == request.calendar().time_zone(),
               saved.time_zone());
    FUZZ_CHECK(saved.weekly_hours_size() == 7);
    v1::GetBusinessCalendarRequest get;
    get.set_name(saved.name());
    v1::BusinessCalendar read;
    FUZZ_CHECK(Invoke(&Service::GetBusinessCalendar, "GetBusinessCalendar",
                      Caller::kManagerAll, get, &read, true)
                   .ok());
    FUZZ_CHECK(SameMessage(read, saved), "calendar read back:\n" +
                                             read.DebugString() + "saved:\n" +
                                             saved.DebugString());
  }

  void GetHolidays(const Step& step, Caller caller) {
    v1::GetHolidayTableRequest request;
    if (!Parse(step, &request)) return;
    v1::HolidayTable response;
    Invoke(&Service::GetHolidayTable, "GetHolidayTable", caller, request,
           &response, true);
  }

  void ReplaceHolidays(const Step& step, Caller caller) {
    v1::ReplaceHolidayTableRequest request;
    if (!Parse(step, &request)) return;
    v1::HolidayTable saved;
    const grpc::Status status =
        Invoke(&Service::ReplaceHolidayTable, "ReplaceHolidayTable", caller,
               request, &saved);
    // The handler accepts exactly what the parser accepts.
    const bool parses = calendar::ParseHolidayTable(request.content()).ok();
    if (status.ok() || status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      FUZZ_CHECK(status.ok() == parses, status.error_message());
    }
    if (!status.ok()) return;
    FUZZ_CHECK(saved.content() == request.content());
    v1::GetHolidayTableRequest get;
    v1::HolidayTable read;
    FUZZ_CHECK(Invoke(&Service::GetHolidayTable, "GetHolidayTable",
                      Caller::kManagerAll, get, &read, true)
                   .ok());
    FUZZ_CHECK(SameMessage(read, saved), "holiday table does not read back");
  }

  void StockTake(const Step& step, Caller caller) {
    v1::GetComplaintStockTakeRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name()) request.set_parent(absl::StrCat("communities/", kCommunity));
    v1::ComplaintStockTake response;
    const grpc::Status status =
        Invoke(&Service::GetComplaintStockTake, "GetComplaintStockTake",
               caller, request, &response, true);
    if (!status.ok()) return;
    int overdue = 0;
    for (const auto& entry : response.entries()) {
      FUZZ_CHECK(known_.Contains(entry.ticket().name()), entry.ticket().name());
      FUZZ_CHECK(entry.ticket().kind() == v1::TICKET_KIND_COMPLAINT);
      CheckTenancy(caller, entry.ticket());
      overdue += entry.overdue() ? 1 : 0;
    }
    FUZZ_CHECK(response.overdue_count() == overdue);
  }

  void Incidents(const Step& step, Caller caller) {
    v1::ListIncidentsRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name()) request.set_parent(absl::StrCat("communities/", kCommunity));
    v1::ListIncidentsResponse response;
    Invoke(&Service::ListIncidents, "ListIncidents", caller, request,
           &response, true);
  }

  void Events(const Step& step, Caller caller) {
    v1::ListTicketEventsRequest request;
    if (!Parse(step, &request)) return;
    v1::ListTicketEventsResponse response;
    const grpc::Status status =
        Invoke(&Service::ListTicketEvents, "ListTicketEvents", caller, request,
               &response, true);
    if (!status.ok()) return;
    const int limit = request.page_size() == 0 ? 100 : request.page_size();
    FUZZ_CHECK(response.events_size() <= limit);
    for (const v1::TicketEvent& e : response.events()) {
      FUZZ_CHECK(known_.Contains(e.ticket()), e.ticket());
    }
  }

  Callers& callers_;
  absl::Time now_ = absl::FromUnixSeconds(1792029600);  // 2026-10-13 10:00 +08
  FakeTicketRepository repository_;
  TicketDesk desk_;
  TicketGrpcService service_;
  Known known_;
  Known policies_;
  std::optional<IssuedToken> issued_;
};

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace steward::fuzz;
  static Callers* const callers = new Callers("tickets");
  TicketProgram program(*callers);
  program.Run(ReadSteps(data, size));
  return 0;
}
