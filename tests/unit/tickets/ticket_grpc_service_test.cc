// The tickets API edge driven directly, with an in-memory repository, the
// default SLA policies, the Shanghai office calendar and a clock the tests
// move by hand. Calls pass the real CallGate as a company-wide manager (the
// event feed: as a company-wide system client); what other callers may do
// is ticket_grpc_security_test.cc's subject.
#include "services/tickets/api/ticket_grpc_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/tickets/api/ticket_mapping.h"
#include "services/tickets/domain/sla.h"
#include "services/tickets/domain/ticket_desk.h"
#include "tests/support/status_details.h"
#include "tests/unit/calendar/test_calendars.h"
#include "tests/unit/support/test_gate.h"
#include "tests/unit/tickets/fake_ticket_repository.h"

namespace steward::tickets {
namespace {

using ::steward::calendar::testing::At;
using ::steward::calendar::testing::ShanghaiOffice;
using ::steward::testing::BrokenRules;
using ::steward::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

using Fields = std::vector<std::string>;

// Tuesday 13 October 2026, 10:00 in Shanghai: an ordinary working day.
const absl::Time kT0 = At(2026, 10, 13, 10, 0);

int64_t Seconds(absl::Time t) { return absl::ToUnixSeconds(t); }

// The clock of `target` on `ticket`; fails the test when it is missing.
v1::SlaClock ClockOf(const v1::Ticket& ticket, v1::SlaTarget target) {
  for (const v1::SlaClock& clock : ticket.sla_clocks()) {
    if (clock.target() == target) return clock;
  }
  ADD_FAILURE() << "no clock " << v1::SlaTarget_Name(target);
  return {};
}

class TicketGrpcServiceTest : public ::testing::Test {
 protected:
  template <typename Request, typename Response>
  using Method = grpc::Status (TicketGrpcService::*)(grpc::ServerContext*,
                                                     const Request*, Response*);

  v1::CreateTicketRequest Request(const std::string& request_id) {
    v1::CreateTicketRequest r;
    r.set_parent("communities/harbour-view");
    r.set_request_id(request_id);
    auto* t = r.mutable_ticket();
    t->set_kind(v1::TICKET_KIND_COMPLAINT);
    t->set_priority(v1::PRIORITY_ROUTINE);
    t->set_channel(v1::CHANNEL_WECHAT);
    t->set_line(common::v1::LINE_CLEANING);
    t->set_description("Rubbish not collected on Tuesday");
    return r;
  }

  // An urgent in-home repair taken on the hotline by desk-li.
  v1::CreateTicketRequest RepairRequest(const std::string& request_id) {
    v1::CreateTicketRequest r = Request(request_id);
    auto* t = r.mutable_ticket();
    t->set_kind(v1::TICKET_KIND_HOUSEHOLD_REPAIR);
    t->set_priority(v1::PRIORITY_URGENT);
    t->set_channel(v1::CHANNEL_HOTLINE);
    t->set_line(common::v1::LINE_ENGINEERING);
    t->mutable_location()->set_building("3");
    t->mutable_location()->set_room("1201");
    t->set_description("Kitchen pipe leaking");
    t->set_received_by("desk-li");
    return r;
  }

  grpc::Status Create(const v1::CreateTicketRequest& r, v1::Ticket* out) {
    return Call(&TicketGrpcService::CreateTicket, r, out);
  }

  v1::Ticket MustCreate(const v1::CreateTicketRequest& r) {
    v1::Ticket t;
    const grpc::Status s = Create(r, &t);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return t;
  }

  grpc::Status List(const v1::ListTicketsRequest& r,
                    v1::ListTicketsResponse* out) {
    return Call(&TicketGrpcService::ListTickets, r, out);
  }

  v1::Ticket MustGet(const std::string& name) {
    v1::GetTicketRequest get;
    get.set_name(name);
    v1::Ticket t;
    EXPECT_TRUE(Call(&TicketGrpcService::GetTicket, get, &t).ok());
    return t;
  }

  std::vector<v1::TimelineEntry> Timeline(const std::string& name) {
    v1::ListTicketTimelineRequest r;
    r.set_name(name);
    v1::ListTicketTimelineResponse out;
    const grpc::Status s =
        Call(&TicketGrpcService::ListTicketTimeline, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {out.entries().begin(), out.entries().end()};
  }

  // Calls `method` as `caller_`.
  template <typename Request, typename Response>
  grpc::Status Call(Method<Request, Response> method, const Request& r,
                    Response* out) {
    return CallAs(caller_, method, r, out);
  }
  // Calls `method` as the holder of `token`.
  template <typename Request, typename Response>
  grpc::Status CallAs(const std::string& token,
                      Method<Request, Response> method, const Request& r,
                      Response* out) {
    return ::steward::testing::CallAs(service_, method, token, r, out);
  }

  // A lifecycle request acting on `ticket` as last read.
  template <typename Request>
  static Request On(const v1::Ticket& ticket, const std::string& request_id,
                    const std::string& actor = "desk-li") {
    Request r;
    r.mutable_header()->set_name(ticket.name());
    r.mutable_header()->set_etag(ticket.etag());
    r.mutable_header()->set_request_id(request_id);
    r.mutable_header()->set_actor(actor);
    return r;
  }

  // Runs a lifecycle call that must succeed and returns the ticket after it.
  template <typename Request>
  v1::Ticket Must(Method<Request, v1::Ticket> method, const Request& r) {
    v1::Ticket out;
    const grpc::Status s = Call(method, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    return out;
  }

  // Moves a new inquiry (no callback needed) to kClosed.
  v1::Ticket ClosedInquiry() {
    v1::CreateTicketRequest create = Request("inq");
    create.mutable_ticket()->set_kind(v1::TICKET_KIND_INQUIRY);
    v1::Ticket t = MustCreate(create);
    t = Must(&TicketGrpcService::RespondTicket,
             On<v1::RespondTicketRequest>(t, "inq-1"));
    auto resolve = On<v1::ResolveTicketRequest>(t, "inq-2");
    resolve.set_resolution("Told the owner the pool opens in May");
    t = Must(&TicketGrpcService::ResolveTicket, resolve);
    return Must(&TicketGrpcService::CloseTicket,
                On<v1::CloseTicketRequest>(t, "inq-3"));
  }

  // Moves a new complaint to kResolved.
  v1::Ticket ResolvedComplaint() {
    v1::Ticket t = MustCreate(Request("cmp"));
    t = Must(&TicketGrpcService::RespondTicket,
             On<v1::RespondTicketRequest>(t, "cmp-1"));
    auto resolve = On<v1::ResolveTicketRequest>(t, "cmp-2");
    resolve.set_resolution("Extra collection arranged; schedule posted");
    return Must(&TicketGrpcService::ResolveTicket, resolve);
  }

  absl::Time now_ = kT0;
  FakeTicketRepository repository_;
  TicketDesk desk_{repository_, [this] { return now_; },
                   SlaRules{DefaultSlaPolicies(), ShanghaiOffice()}};
  ::steward::testing::TestGate gate_;
  TicketGrpcService service_{desk_, gate_.gate()};
  // A manager of every community: may call every method these tests use
  // but the event feed.
  // Who the calls come from; a manager of every community unless a test
  // says otherwise.
  std::string caller_ = gate_.Manager();
  // The event feed is for company-wide system clients.
  const std::string feed_reader_ = gate_.System({"tickets.read"});
};

TEST_F(TicketGrpcServiceTest, CreateReturnsTheRegisteredTicket) {
  v1::Ticket t;
  ASSERT_TRUE(Create(Request("r1"), &t).ok());
  EXPECT_EQ(t.name(), "communities/harbour-view/tickets/1");
  EXPECT_EQ(t.state(), v1::TICKET_STATE_REGISTERED);
  EXPECT_EQ(t.kind(), v1::TICKET_KIND_COMPLAINT);
  EXPECT_EQ(t.line(), common::v1::LINE_CLEANING);
  EXPECT_EQ(t.create_time().seconds(), Seconds(kT0));
  EXPECT_EQ(t.etag(), "W/1");
  // Staff (here a manager) who register a ticket received it.
  EXPECT_EQ(t.received_by(), "m-1");
  EXPECT_EQ(t.first_responder(), "m-1");
  EXPECT_EQ(t.sla_policy(), "default-complaint-routine@v1");
  EXPECT_EQ(t.calendar_version(), ShanghaiOffice().fingerprint());
  EXPECT_EQ(t.charges().currency_code(), "CNY");
  EXPECT_EQ(t.charges().minor_units(), 0);
  EXPECT_FALSE(t.has_respond_time());
  // A complaint: first response, feedback, progress and callback clocks.
  ASSERT_EQ(t.sla_clocks_size(), 4);
  const v1::SlaClock feedback = ClockOf(t, v1::SLA_TARGET_COMPLAINT_FEEDBACK);
  EXPECT_EQ(feedback.state(), v1::SlaClock::STATE_RUNNING);
  EXPECT_EQ(feedback.start_time().seconds(), Seconds(kT0));
  EXPECT_EQ(feedback.due_time().seconds(), Seconds(kT0 + absl::Hours(24)));
  EXPECT_FALSE(feedback.has_stop_time());
  const v1::SlaClock callback = ClockOf(t, v1::SLA_TARGET_CALLBACK);
  EXPECT_EQ(callback.state(), v1::SlaClock::STATE_NOT_STARTED);
  EXPECT_FALSE(callback.has_start_time());
  EXPECT_FALSE(callback.has_due_time());
}

TEST_F(TicketGrpcServiceTest, ReceivedByBecomesTheFirstResponder) {
  // Staff register what they received: the token's subject, whatever the
  // request says.
  caller_ = gate_.Staff({"harbour-view"}, "desk-wu");
  const v1::Ticket by_staff = MustCreate(RepairRequest("r0"));
  EXPECT_EQ(by_staff.received_by(), "desk-wu");
  EXPECT_EQ(by_staff.first_responder(), "desk-wu");
  // A call-centre system names the clerk.
  caller_ = gate_.System({"tickets.read", "tickets.write"});
  const v1::Ticket t = MustCreate(RepairRequest("r1"));
  EXPECT_EQ(t.received_by(), "desk-li");
  EXPECT_EQ(t.first_responder(), "desk-li");
  EXPECT_EQ(t.sla_policy(), "default-household_repair-urgent@v1");

  v1::CreateTicketRequest bad = RepairRequest("r2");
  bad.mutable_ticket()->set_received_by("desk li");
  v1::Ticket out;
  const grpc::Status status = Create(bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), Fields{"ticket.received_by"});
  EXPECT_EQ(repository_.size(), 2);
}

TEST_F(TicketGrpcServiceTest,
       RetryIsIdempotentAndReuseWithAnotherBodyIsRejected) {
  v1::Ticket first, second;
  ASSERT_TRUE(Create(Request("r1"), &first).ok());
  ASSERT_TRUE(Create(Request("r1"), &second).ok());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(repository_.size(), 1);
  v1::CreateTicketRequest changed = Request("r1");
  changed.mutable_ticket()->set_priority(v1::PRIORITY_EMERGENCY);
  const grpc::Status status = Create(changed, &second);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), Fields{"request_id"});
  EXPECT_EQ(repository_.size(), 1);
}

TEST_F(TicketGrpcServiceTest, ReportsEveryBadFieldAtOnceAndStoresNothing) {
  v1::CreateTicketRequest r = Request("r1");
  r.set_parent("tickets");
  r.mutable_ticket()->clear_kind();
  r.mutable_ticket()->set_priority(static_cast<v1::Priority>(9));
  r.mutable_ticket()->set_line(static_cast<common::v1::Line>(-1));
  v1::Ticket t;
  const grpc::Status status = Create(r, &t);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (Fields{"parent", "ticket.kind",
                                            "ticket.priority", "ticket.line"}));
  EXPECT_EQ(repository_.size(), 0);

  r = Request("r1");
  r.clear_ticket();
  EXPECT_EQ(ViolatedFields(Create(r, &t)), Fields{"ticket"});
  r = Request("has space");
  EXPECT_EQ(ViolatedFields(Create(r, &t)), Fields{"request_id"});
  EXPECT_EQ(repository_.size(), 0);
}

TEST_F(TicketGrpcServiceTest, GetChecksTheNameAndTheCommunity) {
  v1::Ticket created, fetched;
  ASSERT_TRUE(Create(Request("r1"), &created).ok());
  v1::GetTicketRequest get;
  get.set_name(created.name());
  ASSERT_TRUE(Call(&TicketGrpcService::GetTicket, get, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), created.SerializeAsString());
  get.set_name("communities/other/tickets/1");
  EXPECT_EQ(Call(&TicketGrpcService::GetTicket, get, &fetched).error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_name("communities/harbour-view/tickets/one");
  const grpc::Status bad = Call(&TicketGrpcService::GetTicket, get, &fetched);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad), Fields{"name"});
}

TEST_F(TicketGrpcServiceTest, GetShowsTheClocksAsOfNow) {
  const v1::Ticket created = MustCreate(RepairRequest("r1"));
  EXPECT_EQ(ClockOf(created, v1::SLA_TARGET_FIRST_RESPONSE).state(),
            v1::SlaClock::STATE_RUNNING);
  now_ = kT0 + absl::Minutes(31);  // Urgent: 30 minutes, round the clock.
  const v1::Ticket later = MustGet(created.name());
  EXPECT_EQ(ClockOf(later, v1::SLA_TARGET_FIRST_RESPONSE).state(),
            v1::SlaClock::STATE_BREACHED);
  EXPECT_EQ(later.etag(), created.etag());
}

TEST_F(TicketGrpcServiceTest, ListPagesNewestFirstWithFilterBoundTokens) {
  for (int i = 0; i < 5; ++i) {
    v1::Ticket t;
    v1::CreateTicketRequest r = Request("r" + std::to_string(i));
    if (i % 2 == 0) r.mutable_ticket()->set_kind(v1::TICKET_KIND_INQUIRY);
    ASSERT_TRUE(Create(r, &t).ok());
  }
  v1::ListTicketsRequest list;
  list.set_parent("communities/harbour-view");
  list.set_page_size(2);
  list.set_kind(v1::TICKET_KIND_INQUIRY);
  v1::ListTicketsResponse page;
  ASSERT_TRUE(List(list, &page).ok());
  ASSERT_EQ(page.tickets_size(), 2);
  EXPECT_EQ(page.tickets(0).name(), "communities/harbour-view/tickets/5");
  EXPECT_EQ(page.tickets(1).name(), "communities/harbour-view/tickets/3");
  // Listed tickets carry their clocks too (inquiries: first response only).
  ASSERT_EQ(page.tickets(0).sla_clocks_size(), 1);
  EXPECT_EQ(page.tickets(0).sla_clocks(0).target(),
            v1::SLA_TARGET_FIRST_RESPONSE);
  EXPECT_EQ(page.tickets(0).sla_policy(), "default-inquiry-routine@v1");
  ASSERT_FALSE(page.next_page_token().empty());

  v1::ListTicketsRequest next = list;
  next.set_page_token(page.next_page_token());
  v1::ListTicketsResponse page2;
  ASSERT_TRUE(List(next, &page2).ok());
  ASSERT_EQ(page2.tickets_size(), 1);
  EXPECT_EQ(page2.tickets(0).name(), "communities/harbour-view/tickets/1");
  EXPECT_TRUE(page2.next_page_token().empty());

  next.set_kind(v1::TICKET_KIND_COMPLAINT);
  const grpc::Status replay = List(next, &page2);
  EXPECT_EQ(replay.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(replay), Fields{"page_token"});

  // An absent time and the epoch used to share a key.
  v1::ListTicketsRequest epoch = list;
  epoch.set_page_token(page.next_page_token());
  epoch.mutable_created_after()->set_seconds(0);
  EXPECT_EQ(ViolatedFields(List(epoch, &page2)), Fields{"page_token"});

  v1::ListTicketsRequest bad = list;
  bad.set_state(static_cast<v1::TicketState>(77));
  bad.set_page_size(-3);
  EXPECT_EQ(List(bad, &page2).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// One repair through every step, with the clock moving between them.
TEST_F(TicketGrpcServiceTest, FullJourneyOfARepair) {
  // A dispatch system acting for the clerk who took the call and the fitter
  // who does the work: only system clients may name who acts.
  caller_ = gate_.System({"tickets.read", "tickets.write", "pii.read"});
  using S = TicketGrpcService;
  std::vector<std::string> etags;
  v1::Ticket t = MustCreate(RepairRequest("c"));
  etags.push_back(t.etag());
  auto step = [&](absl::Duration after_t0, auto method, const auto& request) {
    now_ = kT0 + after_t0;
    v1::Ticket next = Must(method, request);
    EXPECT_THAT(etags, ::testing::Not(::testing::Contains(next.etag())))
        << "etag not renewed by " << next.DebugString();
    etags.push_back(next.etag());
    EXPECT_EQ(next.update_time().seconds(), Seconds(now_));
    return next;
  };

  auto assign = On<v1::AssignTicketRequest>(t, "s1");
  assign.set_assignee("fitter-wang");
  t = step(absl::Minutes(5), &S::AssignTicket, assign);
  EXPECT_EQ(t.state(), v1::TICKET_STATE_ASSIGNED);
  EXPECT_EQ(t.assignee(), "fitter-wang");
  EXPECT_EQ(t.first_responder(), "desk-li");

  t = step(absl::Minutes(10), &S::RespondTicket,
           On<v1::RespondTicketRequest>(t, "s2", "fitter-wang"));
  EXPECT_EQ(t.state(), v1::TICKET_STATE_RESPONDED);
  EXPECT_EQ(t.respond_time().seconds(), Seconds(kT0 + absl::Minutes(10)));
  const v1::SlaClock first = ClockOf(t, v1::SLA_TARGET_FIRST_RESPONSE);
  EXPECT_EQ(first.state(), v1::SlaClock::STATE_MET);
  EXPECT_EQ(first.start_time().seconds(), Seconds(kT0));
  EXPECT_EQ(first.due_time().seconds(), Seconds(kT0 + absl::Minutes(30)));
  EXPECT_EQ(first.stop_time().seconds(), Seconds(kT0 + absl::Minutes(10)));

  t = step(absl::Minutes(20), &S::StartTicketWork,
           On<v1::StartTicketWorkRequest>(t, "s3", "fitter-wang"));
  EXPECT_EQ(t.state(), v1::TICKET_STATE_IN_PROGRESS);
  EXPECT_EQ(ClockOf(t, v1::SLA_TARGET_ON_SITE).state(),
            v1::SlaClock::STATE_MET);

  auto pause = On<v1::PauseTicketRequest>(t, "s4", "fitter-wang");
  pause.set_reason(v1::PauseTicketRequest::REASON_WAITING_FOR_PARTS);
  pause.mutable_header()->set_note("valve on order");
  t = step(absl::Minutes(30), &S::PauseTicket, pause);
  EXPECT_EQ(t.state(), v1::TICKET_STATE_PAUSED);
  EXPECT_EQ(ClockOf(t, v1::SLA_TARGET_RESOLUTION).state(),
            v1::SlaClock::STATE_PAUSED);

  t = step(absl::Minutes(150), &S::ResumeTicket,
           On<v1::ResumeTicketRequest>(t, "s5", "fitter-wang"));
  EXPECT_EQ(t.state(), v1::TICKET_STATE_IN_PROGRESS);
  // Two hours of pause move the 48-hour natural-time resolution target.
  const v1::SlaClock resolution = ClockOf(t, v1::SLA_TARGET_RESOLUTION);
  EXPECT_EQ(resolution.state(), v1::SlaClock::STATE_RUNNING);
  EXPECT_EQ(resolution.due_time().seconds(), Seconds(kT0 + absl::Hours(50)));
  EXPECT_EQ(ClockOf(t, v1::SLA_TARGET_CALLBACK).state(),
            v1::SlaClock::STATE_NOT_STARTED);

  auto resolve = On<v1::ResolveTicketRequest>(t, "s6", "fitter-wang");
  resolve.set_resolution("Replaced the valve");
  resolve.mutable_charges()->set_currency_code("CNY");
  resolve.mutable_charges()->set_minor_units(8000);
  t = step(absl::Hours(3), &S::ResolveTicket, resolve);
  EXPECT_EQ(t.state(), v1::TICKET_STATE_RESOLVED);
  EXPECT_EQ(t.resolution(), "Replaced the valve");
  EXPECT_EQ(t.charges().minor_units(), 8000);
  EXPECT_EQ(t.charges().currency_code(), "CNY");
  EXPECT_EQ(t.resolve_time().seconds(), Seconds(kT0 + absl::Hours(3)));
  EXPECT_EQ(ClockOf(t, v1::SLA_TARGET_RESOLUTION).state(),
            v1::SlaClock::STATE_MET);
  // The callback clock starts at the resolution: 1 working day, so 13:00
  // on Wednesday.
  v1::SlaClock callback = ClockOf(t, v1::SLA_TARGET_CALLBACK);
  EXPECT_EQ(callback.state(), v1::SlaClock::STATE_RUNNING);
  EXPECT_EQ(callback.start_time().seconds(), Seconds(kT0 + absl::Hours(3)));
  EXPECT_EQ(callback.due_time().seconds(), Seconds(At(2026, 10, 14, 13, 0)));

  auto unhappy = On<v1::RecordTicketCallbackRequest>(t, "s7", "cs-zhao");
  unhappy.set_satisfied(false);
  unhappy.set_rating(2);
  unhappy.set_comment("Still drips at night");
  t = step(absl::Hours(4), &S::RecordTicketCallback, unhappy);
  EXPECT_EQ(t.state(), v1::TICKET_STATE_IN_PROGRESS);
  EXPECT_EQ(t.rework_count(), 1);
  EXPECT_EQ(t.satisfaction_rating(), 2);
  EXPECT_EQ(t.callback_comment(), "Still drips at night");
  EXPECT_FALSE(t.has_resolve_time());
  EXPECT_EQ(ClockOf(t, v1::SLA_TARGET_CALLBACK).state(),
            v1::SlaClock::STATE_NOT_STARTED);
  // Rework restarts the resolution clock.
  EXPECT_EQ(ClockOf(t, v1::SLA_TARGET_RESOLUTION).start_time().seconds(),
            Seconds(kT0 + absl::Hours(4)));

  auto again = On<v1::ResolveTicketRequest>(t, "s8", "fitter-wang");
  again.set_resolution("Replaced the seal as well");
  again.mutable_charges()->set_minor_units(1500);  // "" means CNY
  t = step(absl::Hours(5), &S::ResolveTicket, again);
  EXPECT_EQ(t.state(), v1::TICKET_STATE_RESOLVED);
  EXPECT_EQ(t.charges().minor_units(), 9500);
  callback = ClockOf(t, v1::SLA_TARGET_CALLBACK);
  EXPECT_EQ(callback.start_time().seconds(), Seconds(kT0 + absl::Hours(5)));

  auto happy = On<v1::RecordTicketCallbackRequest>(t, "s9", "cs-zhao");
  happy.set_satisfied(true);
  happy.set_rating(5);
  t = step(absl::Hours(6), &S::RecordTicketCallback, happy);
  EXPECT_EQ(t.state(), v1::TICKET_STATE_CALLED_BACK);
  EXPECT_EQ(t.rework_count(), 1);
  EXPECT_EQ(t.satisfaction_rating(), 5);
  callback = ClockOf(t, v1::SLA_TARGET_CALLBACK);
  EXPECT_EQ(callback.state(), v1::SlaClock::STATE_MET);
  EXPECT_EQ(callback.stop_time().seconds(), Seconds(kT0 + absl::Hours(6)));

  t = step(absl::Hours(7), &S::CloseTicket,
           On<v1::CloseTicketRequest>(t, "s10", "cs-zhao"));
  EXPECT_EQ(t.state(), v1::TICKET_STATE_CLOSED);
  EXPECT_EQ(t.close_time().seconds(), Seconds(kT0 + absl::Hours(7)));
  EXPECT_EQ(t.first_responder(), "desk-li");
  EXPECT_EQ(t.assignee(), "fitter-wang");
  EXPECT_EQ(t.SerializeAsString(), MustGet(t.name()).SerializeAsString());

  const std::vector<v1::TimelineEntry> timeline = Timeline(t.name());
  ASSERT_EQ(timeline.size(), 11u);
  struct Expected {
    absl::Duration at;
    std::string actor;
    std::string action;
    v1::TicketState from;
    v1::TicketState to;
  };
  using enum v1::TicketState;
  const Expected expected[] = {
      {absl::ZeroDuration(), "desk-li", "register",
       TICKET_STATE_REGISTERED, TICKET_STATE_REGISTERED},
      {absl::Minutes(5), "desk-li", "assign", TICKET_STATE_REGISTERED,
       TICKET_STATE_ASSIGNED},
      {absl::Minutes(10), "fitter-wang", "respond", TICKET_STATE_ASSIGNED,
       TICKET_STATE_RESPONDED},
      {absl::Minutes(20), "fitter-wang", "start_work", TICKET_STATE_RESPONDED,
       TICKET_STATE_IN_PROGRESS},
      {absl::Minutes(30), "fitter-wang", "pause", TICKET_STATE_IN_PROGRESS,
       TICKET_STATE_PAUSED},
      {absl::Minutes(150), "fitter-wang", "resume", TICKET_STATE_PAUSED,
       TICKET_STATE_IN_PROGRESS},
      {absl::Hours(3), "fitter-wang", "resolve", TICKET_STATE_IN_PROGRESS,
       TICKET_STATE_RESOLVED},
      {absl::Hours(4), "cs-zhao", "callback_unsatisfied", TICKET_STATE_RESOLVED,
       TICKET_STATE_IN_PROGRESS},
      {absl::Hours(5), "fitter-wang", "resolve", TICKET_STATE_IN_PROGRESS,
       TICKET_STATE_RESOLVED},
      {absl::Hours(6), "cs-zhao", "callback_satisfied", TICKET_STATE_RESOLVED,
       TICKET_STATE_CALLED_BACK},
      {absl::Hours(7), "cs-zhao", "close", TICKET_STATE_CALLED_BACK,
       TICKET_STATE_CLOSED},
  };
  for (size_t i = 0; i < timeline.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(timeline[i].time().seconds(), Seconds(kT0 + expected[i].at));
    EXPECT_EQ(timeline[i].actor(), expected[i].actor);
    EXPECT_EQ(timeline[i].action(), expected[i].action);
    EXPECT_EQ(timeline[i].from_state(), expected[i].from);
    EXPECT_EQ(timeline[i].to_state(), expected[i].to);
  }
  EXPECT_EQ(timeline[0].detail(), "registered");
  EXPECT_EQ(timeline[1].detail(), "assignee: - -> fitter-wang");
  EXPECT_EQ(timeline[4].note(), "valve on order");

  // Every change also went to the event feed, in order.
  v1::ListTicketEventsRequest feed;
  v1::ListTicketEventsResponse events;
  ASSERT_TRUE(CallAs(feed_reader_, &S::ListTicketEvents, feed, &events).ok());
  std::vector<std::string> types;
  for (const v1::TicketEvent& e : events.events()) types.push_back(e.type());
  EXPECT_THAT(types,
              ElementsAre("created", "assigned", "responded", "work_started",
                          "paused", "resumed", "resolved", "rework_started",
                          "resolved", "called_back", "closed"));
}

TEST_F(TicketGrpcServiceTest, StaleEtagIsAbortedAndChangesNothing) {
  const v1::Ticket created = MustCreate(RepairRequest("c"));
  auto assign = On<v1::AssignTicketRequest>(created, "a1");
  assign.set_assignee("fitter-wang");
  const v1::Ticket assigned = Must(&TicketGrpcService::AssignTicket, assign);
  ASSERT_NE(assigned.etag(), created.etag());
  const int writes = repository_.writes();
  const int events = repository_.event_count();

  // Acting on the version read before the assignment.
  v1::Ticket out;
  const grpc::Status status =
      Call(&TicketGrpcService::RespondTicket,
           On<v1::RespondTicketRequest>(created, "a2"), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);

  const v1::Ticket now = MustGet(created.name());
  EXPECT_EQ(now.state(), v1::TICKET_STATE_ASSIGNED);
  EXPECT_EQ(now.etag(), assigned.etag());
  EXPECT_FALSE(now.has_respond_time());
  EXPECT_EQ(Timeline(created.name()).size(), 2u);
  EXPECT_EQ(repository_.writes(), writes);
  EXPECT_EQ(repository_.event_count(), events);

  // With the current etag it goes through.
  EXPECT_EQ(Must(&TicketGrpcService::RespondTicket,
                 On<v1::RespondTicketRequest>(assigned, "a2"))
                .state(),
            v1::TICKET_STATE_RESPONDED);
}

TEST_F(TicketGrpcServiceTest, RetriedMutationReturnsTheSameTicketOnce) {
  const v1::Ticket created = MustCreate(RepairRequest("c"));
  auto assign = On<v1::AssignTicketRequest>(created, "a1");
  assign.set_assignee("fitter-wang");
  const v1::Ticket first = Must(&TicketGrpcService::AssignTicket, assign);
  const int writes = repository_.writes();
  const int events = repository_.event_count();

  now_ += absl::Minutes(1);  // The retry comes later, with the old etag.
  const v1::Ticket retry = Must(&TicketGrpcService::AssignTicket, assign);
  EXPECT_EQ(retry.name(), first.name());
  EXPECT_EQ(retry.etag(), first.etag());
  EXPECT_EQ(retry.state(), v1::TICKET_STATE_ASSIGNED);
  EXPECT_EQ(retry.update_time().seconds(), first.update_time().seconds());
  EXPECT_EQ(repository_.writes(), writes);
  EXPECT_EQ(repository_.event_count(), events);
  EXPECT_EQ(Timeline(created.name()).size(), 2u);
}

TEST_F(TicketGrpcServiceTest, RequestIdReusedWithAnotherBodyIsRejected) {
  const v1::Ticket created = MustCreate(RepairRequest("c"));
  auto assign = On<v1::AssignTicketRequest>(created, "a1");
  assign.set_assignee("fitter-wang");
  const v1::Ticket assigned = Must(&TicketGrpcService::AssignTicket, assign);
  const int writes = repository_.writes();

  auto other = On<v1::AssignTicketRequest>(assigned, "a1");
  other.set_assignee("fitter-zhou");
  v1::Ticket out;
  const grpc::Status status =
      Call(&TicketGrpcService::AssignTicket, other, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), Fields{"header.request_id"});
  EXPECT_EQ(repository_.writes(), writes);
  EXPECT_EQ(MustGet(created.name()).assignee(), "fitter-wang");

  // Another action under a used request_id is another body too.
  const grpc::Status respond =
      Call(&TicketGrpcService::RespondTicket,
           On<v1::RespondTicketRequest>(assigned, "a1"), &out);
  EXPECT_EQ(ViolatedFields(respond), Fields{"header.request_id"});
  EXPECT_EQ(repository_.writes(), writes);
}

TEST_F(TicketGrpcServiceTest, PauseOnAClosedTicketBreaksTheStateRule) {
  const v1::Ticket closed = ClosedInquiry();
  ASSERT_EQ(closed.state(), v1::TICKET_STATE_CLOSED);
  const int writes = repository_.writes();
  auto pause = On<v1::PauseTicketRequest>(closed, "p1");
  pause.set_reason(v1::PauseTicketRequest::REASON_WAITING_FOR_OWNER);
  v1::Ticket out;
  const grpc::Status status =
      Call(&TicketGrpcService::PauseTicket, pause, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(BrokenRules(status), Fields{"TICKET_STATE"});
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("closed"));
  EXPECT_EQ(repository_.writes(), writes);
  EXPECT_EQ(MustGet(closed.name()).state(), v1::TICKET_STATE_CLOSED);
}

TEST_F(TicketGrpcServiceTest, CallbackBeforeResolutionIsRefused) {
  v1::Ticket t = MustCreate(RepairRequest("c"));
  t = Must(&TicketGrpcService::RespondTicket,
           On<v1::RespondTicketRequest>(t, "r1"));
  auto callback = On<v1::RecordTicketCallbackRequest>(t, "r2");
  callback.set_satisfied(true);
  callback.set_rating(5);
  v1::Ticket out;
  const grpc::Status status =
      Call(&TicketGrpcService::RecordTicketCallback, callback, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(BrokenRules(status), Fields{"TICKET_STATE"});
  const v1::Ticket now = MustGet(t.name());
  EXPECT_EQ(now.state(), v1::TICKET_STATE_RESPONDED);
  EXPECT_EQ(now.satisfaction_rating(), 0);
  EXPECT_EQ(now.etag(), t.etag());
}

TEST_F(TicketGrpcServiceTest, ClosingAComplaintNeedsASummary) {
  v1::Ticket t = ResolvedComplaint();
  auto callback = On<v1::RecordTicketCallbackRequest>(t, "cb");
  callback.set_satisfied(true);
  callback.set_rating(4);
  t = Must(&TicketGrpcService::RecordTicketCallback, callback);
  ASSERT_EQ(t.state(), v1::TICKET_STATE_CALLED_BACK);

  v1::Ticket out;
  const grpc::Status status =
      Call(&TicketGrpcService::CloseTicket,
           On<v1::CloseTicketRequest>(t, "close"), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(BrokenRules(status), Fields{"COMPLAINT_SUMMARY_REQUIRED"});
  EXPECT_EQ(MustGet(t.name()).state(), v1::TICKET_STATE_CALLED_BACK);

  auto close = On<v1::CloseTicketRequest>(t, "close-2");
  close.set_summary("Contractor missed Tuesdays; rota fixed, checked weekly");
  const v1::Ticket closed = Must(&TicketGrpcService::CloseTicket, close);
  EXPECT_EQ(closed.state(), v1::TICKET_STATE_CLOSED);
  EXPECT_EQ(closed.summary(), close.summary());
}

TEST_F(TicketGrpcServiceTest, RatingOutOfRangeNamesRating) {
  const v1::Ticket t = ResolvedComplaint();
  const int writes = repository_.writes();
  for (int rating : {9, 0}) {
    SCOPED_TRACE(rating);
    auto callback =
        On<v1::RecordTicketCallbackRequest>(t, "cb" + std::to_string(rating));
    callback.set_satisfied(false);
    callback.set_rating(rating);
    v1::Ticket out;
    const grpc::Status status =
        Call(&TicketGrpcService::RecordTicketCallback, callback, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), Fields{"rating"});
  }
  EXPECT_EQ(repository_.writes(), writes);
  EXPECT_EQ(MustGet(t.name()).state(), v1::TICKET_STATE_RESOLVED);
}

TEST_F(TicketGrpcServiceTest, MissingHeaderFieldsAreNamedAtOnce) {
  v1::AssignTicketRequest empty;
  v1::Ticket out;
  const grpc::Status status =
      Call(&TicketGrpcService::AssignTicket, empty, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            (Fields{"header.name", "header.etag", "header.request_id",
                    "assignee"}));

  const v1::Ticket t = MustCreate(RepairRequest("c"));
  auto malformed = On<v1::AssignTicketRequest>(t, "has space", "li lei");
  malformed.mutable_header()->set_name("communities/harbour-view/tickets/x");
  malformed.mutable_header()->set_etag("7");
  malformed.mutable_header()->set_note(std::string(kMaxNoteChars + 1, 'n'));
  malformed.set_assignee("fitter-wang");
  EXPECT_EQ(
      ViolatedFields(Call(&TicketGrpcService::AssignTicket, malformed, &out)),
      (Fields{"header.name", "header.etag", "header.request_id", "header.actor",
              "header.note"}));
  EXPECT_EQ(repository_.writes(), 1);
}

TEST_F(TicketGrpcServiceTest, RequestFieldsAreNamedByTheirProtoPaths) {
  v1::Ticket t = MustCreate(RepairRequest("c"));
  t = Must(&TicketGrpcService::RespondTicket,
           On<v1::RespondTicketRequest>(t, "r1"));
  v1::Ticket out;

  // Checked at the edge.
  auto pause = On<v1::PauseTicketRequest>(t, "r2");
  EXPECT_EQ(ViolatedFields(Call(&TicketGrpcService::PauseTicket, pause, &out)),
            Fields{"reason"});
  auto cancel = On<v1::CancelTicketRequest>(t, "r3");
  cancel.set_reason(static_cast<v1::CancelTicketRequest::Reason>(7));
  EXPECT_EQ(
      ViolatedFields(Call(&TicketGrpcService::CancelTicket, cancel, &out)),
      Fields{"reason"});
  auto dollars = On<v1::ResolveTicketRequest>(t, "r4");
  dollars.set_resolution("done");
  dollars.mutable_charges()->set_currency_code("USD");
  dollars.mutable_charges()->set_minor_units(100);
  EXPECT_EQ(
      ViolatedFields(Call(&TicketGrpcService::ResolveTicket, dollars, &out)),
      Fields{"charges.currency_code"});

  // Checked by the domain, under TicketCommand names, renamed at the edge.
  auto resolve = On<v1::ResolveTicketRequest>(t, "r5");
  resolve.mutable_charges()->set_minor_units(-1);
  EXPECT_THAT(
      ViolatedFields(Call(&TicketGrpcService::ResolveTicket, resolve, &out)),
      UnorderedElementsAre("resolution", "charges"));
  EXPECT_EQ(
      ViolatedFields(Call(&TicketGrpcService::AddTicketProgress,
                          On<v1::AddTicketProgressRequest>(t, "r6"), &out)),
      Fields{"header.note"});
  EXPECT_EQ(repository_.writes(), 2);
  EXPECT_EQ(MustGet(t.name()).state(), v1::TICKET_STATE_RESPONDED);
}

TEST_F(TicketGrpcServiceTest, UnknownTicketIsNotFound) {
  v1::Ticket t = MustCreate(RepairRequest("c"));
  auto respond = On<v1::RespondTicketRequest>(t, "r1");
  respond.mutable_header()->set_name("communities/harbour-view/tickets/99");
  v1::Ticket out;
  EXPECT_EQ(Call(&TicketGrpcService::RespondTicket, respond, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  respond.mutable_header()->set_name("communities/other/tickets/1");
  EXPECT_EQ(Call(&TicketGrpcService::RespondTicket, respond, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListTicketTimelineRequest timeline;
  v1::ListTicketTimelineResponse entries;
  timeline.set_name("communities/harbour-view/tickets/99");
  EXPECT_EQ(Call(&TicketGrpcService::ListTicketTimeline, timeline, &entries)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
  timeline.set_name("tickets/1");
  const grpc::Status bad =
      Call(&TicketGrpcService::ListTicketTimeline, timeline, &entries);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad), Fields{"name"});
}

TEST_F(TicketGrpcServiceTest, CancelAndReopenRecordTheirReasons) {
  v1::Ticket t = MustCreate(RepairRequest("c"));
  auto cancel = On<v1::CancelTicketRequest>(t, "x1");
  cancel.set_reason(v1::CancelTicketRequest::REASON_DUPLICATE);
  t = Must(&TicketGrpcService::CancelTicket, cancel);
  EXPECT_EQ(t.state(), v1::TICKET_STATE_CANCELLED);
  // Clocks that were running stop without an outcome.
  const v1::SlaClock first = ClockOf(t, v1::SLA_TARGET_FIRST_RESPONSE);
  EXPECT_EQ(first.state(), v1::SlaClock::STATE_CANCELLED);
  EXPECT_EQ(first.stop_time().seconds(), Seconds(kT0));
  EXPECT_EQ(Timeline(t.name()).back().detail(), "duplicate");

  const v1::Ticket closed = ClosedInquiry();
  auto reopen = On<v1::ReopenTicketRequest>(closed, "x2");
  reopen.mutable_header()->set_note("Owner called again");
  const v1::Ticket reopened = Must(&TicketGrpcService::ReopenTicket, reopen);
  EXPECT_EQ(reopened.state(), v1::TICKET_STATE_IN_PROGRESS);
  EXPECT_EQ(reopened.rework_count(), 1);
  EXPECT_FALSE(reopened.has_close_time());
  EXPECT_EQ(Timeline(closed.name()).back().note(), "Owner called again");
}

TEST(MutationFingerprintTest, CoversEverythingButTheRequestId) {
  v1::PauseTicketRequest a;
  a.mutable_header()->set_name("communities/harbour-view/tickets/1");
  a.mutable_header()->set_etag("W/3");
  a.mutable_header()->set_request_id("p1");
  a.mutable_header()->set_actor("fitter-wang");
  a.set_reason(v1::PauseTicketRequest::REASON_WAITING_FOR_PARTS);
  v1::PauseTicketRequest b = a;
  b.mutable_header()->set_request_id("p2");
  EXPECT_EQ(MutationFingerprint(a), MutationFingerprint(b));
  b.mutable_header()->set_etag("W/4");
  EXPECT_NE(MutationFingerprint(a), MutationFingerprint(b));
  b = a;
  b.set_reason(v1::PauseTicketRequest::REASON_WAITING_FOR_OWNER);
  EXPECT_NE(MutationFingerprint(a), MutationFingerprint(b));
}

// The fake's escalation index, read through the desk and the event feed.
TEST_F(TicketGrpcServiceTest, EscalationsFollowTheStoredClocks) {
  v1::Ticket t = MustCreate(RepairRequest("c"));
  // Urgent first response: 30 minutes, first warning at 50 %.
  auto next = desk_.NextEscalationTime();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, kT0 + absl::Minutes(15));

  now_ = kT0 + absl::Minutes(16);
  auto fired = desk_.FireDueEscalations(10);
  ASSERT_TRUE(fired.ok());
  ASSERT_EQ(fired->size(), 1u);
  v1::ListTicketEventsRequest feed;
  feed.set_after_cursor("1");  // after "created"
  v1::ListTicketEventsResponse events;
  ASSERT_TRUE(
      CallAs(feed_reader_, &TicketGrpcService::ListTicketEvents, feed, &events)
          .ok());
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_EQ(events.events(0).type(), "sla_warning");
  EXPECT_EQ(events.events(0).sla_target(), "first_response");
  EXPECT_EQ(events.events(0).escalation_level(), "handler");
  EXPECT_EQ(events.events(0).ticket(), t.name());
  // Fired once: nothing more is due now.
  ASSERT_TRUE(desk_.FireDueEscalations(10).ok());
  EXPECT_EQ(repository_.event_count(), 2);

  // Responding stops that clock; on-site (24 h) warns next, at 12 h.
  Must(&TicketGrpcService::RespondTicket, On<v1::RespondTicketRequest>(t, "r"));
  next = desk_.NextEscalationTime();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, kT0 + absl::Hours(12));
}

}  // namespace
}  // namespace steward::tickets

namespace steward::tickets {
namespace {

TEST_F(TicketGrpcServiceTest, ChangingThePriorityRecomputesTheDeadlines) {
  // An urgent repair: first response within 30 minutes, round the clock.
  const v1::Ticket created = MustCreate(RepairRequest("c"));
  auto due_of = [](const v1::Ticket& t, v1::SlaTarget target) {
    for (const auto& clock : t.sla_clocks()) {
      if (clock.target() == target) return clock.due_time().seconds();
    }
    return int64_t{-1};
  };
  const int64_t created_at = created.create_time().seconds();
  EXPECT_EQ(due_of(created, v1::SLA_TARGET_FIRST_RESPONSE), created_at + 1800);

  now_ += absl::Minutes(2);
  auto change = On<v1::ChangeTicketPriorityRequest>(created, "p1");
  change.set_priority(v1::PRIORITY_EMERGENCY);
  const v1::Ticket changed =
      Must(&TicketGrpcService::ChangeTicketPriority, change);
  EXPECT_EQ(changed.priority(), v1::PRIORITY_EMERGENCY);
  EXPECT_NE(changed.etag(), created.etag());
  // Emergency: 15 minutes from registration, not from the change.
  EXPECT_EQ(due_of(changed, v1::SLA_TARGET_FIRST_RESPONSE), created_at + 900);
  EXPECT_EQ(changed.sla_policy().find("emergency") != std::string::npos, true)
      << changed.sla_policy();

  auto bad = On<v1::ChangeTicketPriorityRequest>(changed, "p2");
  v1::Ticket out;
  const grpc::Status status =
      Call(&TicketGrpcService::ChangeTicketPriority, bad, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), Fields{"priority"});
}

}  // namespace
}  // namespace steward::tickets

namespace steward::tickets {
namespace {

TEST_F(TicketGrpcServiceTest, ComplaintStockTakeListsOpenComplaintsOfTheDay) {
  // kT0 is 2026-10-13 10:00 in Shanghai.
  const v1::Ticket open = MustCreate(Request("s1"));
  auto note = On<v1::AddTicketProgressRequest>(open, "s1-note");
  note.mutable_header()->set_note("Root cause: contractor skipped building 3");
  Must(&TicketGrpcService::AddTicketProgress, note);
  const v1::Ticket withdrawn = MustCreate(Request("s2"));
  auto cancel = On<v1::CancelTicketRequest>(withdrawn, "s2-cancel");
  cancel.set_reason(v1::CancelTicketRequest::REASON_WITHDRAWN);
  Must(&TicketGrpcService::CancelTicket, cancel);
  MustCreate(RepairRequest("s3"));  // not a complaint
  now_ = kT0 + absl::Hours(30);     // past the 24 h feedback target

  v1::GetComplaintStockTakeRequest request;
  request.set_parent("communities/harbour-view");
  request.set_date("2026-10-14");
  v1::ComplaintStockTake take;
  ASSERT_TRUE(Call(&TicketGrpcService::GetComplaintStockTake, request, &take).ok());
  ASSERT_EQ(take.entries_size(), 1);
  const auto& entry = take.entries(0);
  EXPECT_EQ(entry.ticket().name(), open.name());
  EXPECT_EQ(entry.root_cause(), "Root cause: contractor skipped building 3");
  EXPECT_DOUBLE_EQ(entry.age_hours(), 30);  // now is before the day's end
  EXPECT_TRUE(entry.overdue());
  EXPECT_EQ(take.overdue_count(), 1);

  // The day before registration holds nothing; the future is refused.
  request.set_date("2026-10-12");
  v1::ComplaintStockTake earlier;
  ASSERT_TRUE(
      Call(&TicketGrpcService::GetComplaintStockTake, request, &earlier).ok());
  EXPECT_EQ(earlier.entries_size(), 0);
  request.set_date("2026-10-20");
  EXPECT_EQ(ViolatedFields(Call(&TicketGrpcService::GetComplaintStockTake,
                                request, &take)),
            Fields{"date"});
  request.set_date("14/10/2026");
  EXPECT_EQ(ViolatedFields(Call(&TicketGrpcService::GetComplaintStockTake,
                                request, &take)),
            Fields{"date"});
}

}  // namespace
}  // namespace steward::tickets

namespace steward::tickets {
namespace {

v1::SlaPolicy FastComplaintPolicy(const std::string& community) {
  v1::SlaPolicy p;
  p.set_kind(v1::TICKET_KIND_COMPLAINT);
  p.set_priority(v1::PRIORITY_ROUTINE);
  p.set_community(community);
  auto* first = p.add_targets();
  first->set_target(v1::SLA_TARGET_FIRST_RESPONSE);
  first->set_clock(v1::SlaPolicy::Target::CLOCK_NATURAL);
  first->mutable_duration()->set_seconds(600);
  auto* callback = p.add_targets();
  callback->set_target(v1::SLA_TARGET_CALLBACK);
  callback->set_clock(v1::SlaPolicy::Target::CLOCK_WORKING);
  callback->set_working_days(1);
  return p;
}

TEST_F(TicketGrpcServiceTest, SlaPoliciesAreDataAndAChangeMovesOpenDeadlines) {
  ASSERT_TRUE(desk_.LoadPolicies().ok());
  v1::ListSlaPoliciesResponse listed;
  ASSERT_TRUE(Call(&TicketGrpcService::ListSlaPolicies,
                   v1::ListSlaPoliciesRequest(), &listed)
                  .ok());
  EXPECT_EQ(listed.policies_size(), 18);  // seeded company defaults

  const v1::Ticket open = MustCreate(Request("open"));  // routine complaint
  const int64_t id = std::stoll(open.name().substr(open.name().rfind('/') + 1));
  auto first_due = [](const TicketDeadlines& d) {
    return d.Find(SlaTarget::kFirstResponse)->due;
  };
  EXPECT_EQ(first_due(repository_.StoredDeadlines(id)),
            kT0 + absl::Minutes(30));

  v1::CreateSlaPolicyRequest create;
  create.set_policy_id("harbour-view-complaints");
  *create.mutable_policy() = FastComplaintPolicy("harbour-view");
  v1::SlaPolicy created;
  ASSERT_TRUE(Call(&TicketGrpcService::CreateSlaPolicy, create, &created).ok());
  EXPECT_EQ(created.name(), "slaPolicies/harbour-view-complaints");
  EXPECT_EQ(created.etag(), "W/1");
  EXPECT_EQ(Call(&TicketGrpcService::CreateSlaPolicy, create, &created)
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  // The open complaint is recomputed from its registration time.
  ASSERT_EQ(*desk_.RecomputeMarked(100), 1);
  EXPECT_EQ(first_due(repository_.StoredDeadlines(id)),
            kT0 + absl::Minutes(10));
  EXPECT_EQ(repository_.StoredDeadlines(id).policy_id,
            "harbour-view-complaints");
  // New complaints get the row at once.
  EXPECT_EQ(MustCreate(Request("new")).sla_policy(),
            "harbour-view-complaints@v1");

  // Updating needs the etag read; a stale one is refused.
  v1::UpdateSlaPolicyRequest update;
  *update.mutable_policy() = created;
  update.mutable_policy()->mutable_targets(0)->mutable_duration()->set_seconds(
      1200);
  v1::SlaPolicy updated;
  ASSERT_TRUE(Call(&TicketGrpcService::UpdateSlaPolicy, update, &updated).ok());
  EXPECT_EQ(updated.etag(), "W/2");
  EXPECT_EQ(Call(&TicketGrpcService::UpdateSlaPolicy, update, &updated)
                .error_code(),
            grpc::StatusCode::ABORTED);

  // Shape errors name the field.
  v1::CreateSlaPolicyRequest bad;
  bad.set_policy_id("Bad Id");
  EXPECT_EQ(ViolatedFields(Call(&TicketGrpcService::CreateSlaPolicy, bad,
                                &updated)),
            Fields{"policy_id"});
  bad.set_policy_id("ok-id");
  *bad.mutable_policy() = FastComplaintPolicy("");
  bad.mutable_policy()->mutable_targets(1)->set_clock(
      v1::SlaPolicy::Target::CLOCK_NATURAL);
  EXPECT_EQ(ViolatedFields(Call(&TicketGrpcService::CreateSlaPolicy, bad,
                                &updated)),
            Fields{"policy.targets[1].working_days"});
}

}  // namespace
}  // namespace steward::tickets

namespace steward::tickets {
namespace {

TEST_F(TicketGrpcServiceTest, ReplacingTheHolidayTableMovesOpenWorkingDeadlines) {
  // Resolved at 17:50 on Friday 9 October 2026: the 1-working-day callback
  // falls due on Saturday 10 October, a make-up working day (调休).
  now_ = At(2026, 10, 9, 17, 0);
  v1::Ticket t = MustCreate(RepairRequest("h"));
  const int64_t id = std::stoll(t.name().substr(t.name().rfind('/') + 1));
  t = Must(&TicketGrpcService::RespondTicket, On<v1::RespondTicketRequest>(t, "h1"));
  now_ = At(2026, 10, 9, 17, 50);
  auto resolve = On<v1::ResolveTicketRequest>(t, "h2");
  resolve.set_resolution("Replaced the seal");
  Must(&TicketGrpcService::ResolveTicket, resolve);
  auto callback_due = [&] {
    return repository_.StoredDeadlines(id).Find(SlaTarget::kCallback)->due;
  };
  EXPECT_EQ(callback_due(), At(2026, 10, 10, 17, 50));

  // A table without that make-up day (as if the State Council had not
  // announced it) moves the open ticket's callback to Monday.
  v1::ReplaceHolidayTableRequest replace;
  replace.set_content(
      "year 2026\n2026-10-01..2026-10-07 holiday National Day\n");
  v1::HolidayTable table;
  ASSERT_TRUE(Call(&TicketGrpcService::ReplaceHolidayTable, replace, &table).ok());
  EXPECT_EQ(table.years_size(), 1);
  ASSERT_GE(*desk_.RecomputeMarked(100), 1);
  EXPECT_EQ(callback_due(), At(2026, 10, 12, 17, 50));
  v1::HolidayTable current;
  ASSERT_TRUE(Call(&TicketGrpcService::GetHolidayTable,
                   v1::GetHolidayTableRequest(), &current)
                  .ok());
  EXPECT_EQ(current.content(), replace.content());
  EXPECT_EQ(current.calendar_version(), table.calendar_version());
  EXPECT_EQ(MustGet(t.name()).calendar_version(), table.calendar_version());

  // A malformed table is refused naming the field, and changes nothing.
  replace.set_content("2026-13-01 holiday Nonsense\n");
  EXPECT_EQ(ViolatedFields(Call(&TicketGrpcService::ReplaceHolidayTable,
                                replace, &table)),
            Fields{"content"});
  EXPECT_EQ(desk_.Holidays().calendar->fingerprint(), current.calendar_version());
}

}  // namespace
}  // namespace steward::tickets

namespace steward::tickets {
namespace {

TEST_F(TicketGrpcServiceTest, ACommunityCalendarMovesItsWorkingTimeDeadlines) {
  // A routine inquiry registered at 10:00 on Saturday 17 October 2026: the
  // 30-minute working-time first response waits for Monday 09:30 under the
  // company's Monday-to-Friday hours.
  now_ = At(2026, 10, 17, 10, 0);
  v1::CreateTicketRequest create = Request("cal");
  create.mutable_ticket()->set_kind(v1::TICKET_KIND_INQUIRY);
  const v1::Ticket t = MustCreate(create);
  const int64_t id = std::stoll(t.name().substr(t.name().rfind('/') + 1));
  auto first_due = [&] {
    return repository_.StoredDeadlines(id).Find(SlaTarget::kFirstResponse)->due;
  };
  EXPECT_EQ(first_due(), At(2026, 10, 19, 9, 30));

  v1::GetBusinessCalendarRequest get;
  get.set_name("communities/harbour-view/businessCalendar");
  v1::BusinessCalendar calendar;
  ASSERT_TRUE(Call(&TicketGrpcService::GetBusinessCalendar, get, &calendar).ok());
  ASSERT_EQ(calendar.weekly_hours_size(), 7);
  EXPECT_EQ(calendar.weekly_hours(5).intervals_size(), 0);  // Saturday closed

  // The community's centre is open every day, 08:00-20:00.
  v1::UpdateBusinessCalendarRequest update;
  v1::BusinessCalendar* c = update.mutable_calendar();
  c->set_name("communities/harbour-view/businessCalendar");
  c->set_time_zone("Asia/Shanghai");
  for (int d = 0; d < 7; ++d) {
    auto* interval = c->add_weekly_hours()->add_intervals();
    interval->set_open("08:00");
    interval->set_close("20:00");
  }
  v1::BusinessCalendar saved;
  ASSERT_TRUE(
      Call(&TicketGrpcService::UpdateBusinessCalendar, update, &saved).ok());
  EXPECT_EQ(saved.weekly_hours(5).intervals(0).close(), "20:00");
  EXPECT_NE(saved.calendar_version(), calendar.calendar_version());
  ASSERT_EQ(*desk_.RecomputeMarked(100), 1);
  EXPECT_EQ(first_due(), At(2026, 10, 17, 10, 30));
  // Another community keeps the company calendar.
  get.set_name("communities/elsewhere/businessCalendar");
  v1::BusinessCalendar other;
  ASSERT_TRUE(Call(&TicketGrpcService::GetBusinessCalendar, get, &other).ok());
  EXPECT_EQ(other.calendar_version(), calendar.calendar_version());

  // Bad settings name the field and change nothing.
  c->set_time_zone("Mars/Olympus_Mons");
  EXPECT_EQ(ViolatedFields(Call(&TicketGrpcService::UpdateBusinessCalendar,
                                update, &saved)),
            Fields{"calendar.time_zone"});
  c->set_time_zone("Asia/Shanghai");
  c->mutable_weekly_hours()->RemoveLast();
  EXPECT_EQ(ViolatedFields(Call(&TicketGrpcService::UpdateBusinessCalendar,
                                update, &saved)),
            Fields{"calendar.weekly_hours"});
}

}  // namespace
}  // namespace steward::tickets
