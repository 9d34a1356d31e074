// One repair's whole journey through the steward-tickets binary and the real
// MariaDB: every lifecycle RPC, the timeline, the event feed and the SLA
// metrics it leaves behind.
#include <gtest/gtest.h>
#include <signal.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

using namespace tickets::v1;  // NOLINT: test brevity

class TicketJourneyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadTestEnv(&env_));
    service_ = StartService(env_, "tickets", env_.db_port);
    ASSERT_TRUE(WaitForHealth(service_.target(), "SERVING", absl::Seconds(30)))
        << service_.process->ReadLog();
    // The front-desk clerk who registers and works the ticket: the token's
    // subject is who the timeline records.
    auth::TokenRequest desk;
    desk.subject = "desk-li";
    desk.role = auth::Role::kStaff;
    desk.communities = {"*"};
    stub_ = TicketService::NewStub(service_.ChannelAs(MintTestToken(env_, desk)));
    prefix_ = absl::StrCat("journey-", ::getpid(), "-",
                           absl::ToUnixMicros(absl::Now()));
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    return c;
  }

  template <typename Request>
  Request On(const Ticket& t, const std::string& step) {
    Request r;
    r.mutable_header()->set_name(t.name());
    r.mutable_header()->set_etag(t.etag());
    r.mutable_header()->set_request_id(absl::StrCat(prefix_, "-", step));
    r.mutable_header()->set_actor("fitter-wang");
    return r;
  }

  // Runs one step, which must succeed and change the etag.
  template <typename Request>
  Ticket Step(grpc::Status (TicketService::Stub::*rpc)(grpc::ClientContext*,
                                                        const Request&, Ticket*),
              const Request& request, const Ticket& before) {
    Ticket after;
    const grpc::Status s = ((*stub_).*rpc)(Context().get(), request, &after);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    EXPECT_NE(after.etag(), before.etag());
    return after;
  }

  TestEnv env_;
  ServiceUnderTest service_;
  std::unique_ptr<TicketService::Stub> stub_;
  std::string prefix_;
};

TEST_F(TicketJourneyTest, RepairFromRegistrationToClose) {
  CreateTicketRequest create;
  create.set_parent("communities/harbour-view");
  create.set_request_id(prefix_ + "-create");
  Ticket* d = create.mutable_ticket();
  d->set_kind(TICKET_KIND_HOUSEHOLD_REPAIR);
  d->set_priority(PRIORITY_URGENT);
  d->set_channel(CHANNEL_HOTLINE);
  d->set_line(common::v1::LINE_ENGINEERING);
  d->mutable_location()->set_building("3");
  d->mutable_location()->set_room("1201");
  d->set_description("Kitchen pipe leaking under the sink");
  d->set_received_by("desk-li");
  d->set_category("water_leak");
  Ticket t;
  ASSERT_TRUE(stub_->CreateTicket(Context().get(), create, &t).ok());
  EXPECT_EQ(t.first_responder(), "desk-li");
  EXPECT_GE(t.sla_clocks_size(), 3);

  auto assign = On<AssignTicketRequest>(t, "assign");
  assign.set_assignee("fitter-wang");
  t = Step(&TicketService::Stub::AssignTicket, assign, t);
  EXPECT_EQ(t.state(), TICKET_STATE_ASSIGNED);
  const Ticket assigned = t;
  t = Step(&TicketService::Stub::RespondTicket,
           On<RespondTicketRequest>(t, "respond"), t);
  // A second handler acting on the old etag loses.
  Ticket stale;
  EXPECT_EQ(stub_->StartTicketWork(Context().get(),
                                   On<StartTicketWorkRequest>(assigned, "x"),
                                   &stale)
                .error_code(),
            grpc::StatusCode::ABORTED);
  t = Step(&TicketService::Stub::StartTicketWork,
           On<StartTicketWorkRequest>(t, "start"), t);
  auto pause = On<PauseTicketRequest>(t, "pause");
  pause.set_reason(PauseTicketRequest::REASON_WAITING_FOR_PARTS);
  t = Step(&TicketService::Stub::PauseTicket, pause, t);
  EXPECT_EQ(t.state(), TICKET_STATE_PAUSED);
  t = Step(&TicketService::Stub::ResumeTicket,
           On<ResumeTicketRequest>(t, "resume"), t);
  EXPECT_EQ(t.state(), TICKET_STATE_IN_PROGRESS);
  auto resolve = On<ResolveTicketRequest>(t, "resolve-1");
  resolve.set_resolution("Replaced the trap seal");
  resolve.mutable_charges()->set_minor_units(3500);
  t = Step(&TicketService::Stub::ResolveTicket, resolve, t);
  auto unhappy = On<RecordTicketCallbackRequest>(t, "callback-1");
  unhappy.set_satisfied(false);
  unhappy.set_rating(2);
  unhappy.set_comment("Still dripping at night");
  t = Step(&TicketService::Stub::RecordTicketCallback, unhappy, t);
  EXPECT_EQ(t.state(), TICKET_STATE_IN_PROGRESS);
  EXPECT_EQ(t.rework_count(), 1);
  resolve = On<ResolveTicketRequest>(t, "resolve-2");
  resolve.set_resolution("Replaced the whole trap");
  t = Step(&TicketService::Stub::ResolveTicket, resolve, t);
  auto happy = On<RecordTicketCallbackRequest>(t, "callback-2");
  happy.set_satisfied(true);
  happy.set_rating(5);
  t = Step(&TicketService::Stub::RecordTicketCallback, happy, t);
  t = Step(&TicketService::Stub::CloseTicket, On<CloseTicketRequest>(t, "close"),
           t);
  EXPECT_EQ(t.state(), TICKET_STATE_CLOSED);
  EXPECT_EQ(t.charges().minor_units(), 3500);
  EXPECT_EQ(t.satisfaction_rating(), 5);
  EXPECT_EQ(t.first_responder(), "desk-li");
  EXPECT_TRUE(t.has_close_time());

  // Pausing a closed ticket is refused with the rule named.
  auto late_pause = On<PauseTicketRequest>(t, "pause-2");
  late_pause.set_reason(PauseTicketRequest::REASON_WAITING_FOR_OWNER);
  Ticket ignored;
  const grpc::Status refused =
      stub_->PauseTicket(Context().get(), late_pause, &ignored);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(refused.error_message(), "TICKET_STATE"));

  ListTicketTimelineRequest timeline_request;
  timeline_request.set_name(t.name());
  ListTicketTimelineResponse timeline;
  ASSERT_TRUE(
      stub_->ListTicketTimeline(Context().get(), timeline_request, &timeline).ok());
  ASSERT_EQ(timeline.entries_size(), 11);  // registration + 10 steps
  EXPECT_EQ(timeline.entries(1).action(), "assign");
  EXPECT_EQ(timeline.entries(10).to_state(), TICKET_STATE_CLOSED);

  // The SLA metrics saw the first response and the clocks it settled.
  const std::string page = HttpGet(service_.metrics_port, "/metrics");
  EXPECT_TRUE(absl::StrContains(
      page, "steward_ticket_first_response_seconds_count{kind=\"household_repair\","
            "priority=\"urgent\"} 1"))
      << page;
  EXPECT_TRUE(absl::StrContains(page, "steward_ticket_sla_total{"));
  EXPECT_TRUE(absl::StrContains(
      page, "steward_ticket_resolution_seconds_count{kind=\"household_repair\","
            "priority=\"urgent\"} 2"));
  service_.process->Signal(SIGTERM);
  EXPECT_EQ(service_.process->Wait(absl::Seconds(20)), 0);
}

}  // namespace
}  // namespace steward::testing
