// The ticket event feed against the real MariaDB: every committed change is
// delivered once in order, a consumer resuming from its stored cursor after a
// service restart sees no gap and no duplicate, and watch streams end
// promptly at shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

using tickets::v1::TicketService;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  return context;
}

std::string CreateTicket(TicketService::Stub& stub, const std::string& community) {
  static std::atomic<int> counter{0};
  tickets::v1::CreateTicketRequest request;
  request.set_parent("communities/" + community);
  request.set_request_id(absl::StrCat("feed-", ::getpid(), "-",
                                      absl::ToUnixMicros(absl::Now()), "-",
                                      counter++));
  auto* t = request.mutable_ticket();
  t->set_kind(tickets::v1::TICKET_KIND_INQUIRY);
  t->set_priority(tickets::v1::PRIORITY_ROUTINE);
  t->set_channel(tickets::v1::CHANNEL_APP);
  t->set_line(common::v1::LINE_CUSTOMER_SERVICE);
  t->set_description("When is the pool open?");
  tickets::v1::Ticket out;
  const grpc::Status status = stub.CreateTicket(Context().get(), request, &out);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return out.name();
}

// Reads the feed from `cursor` until `want` tickets of `community` were seen
// or `timeout` passes; returns the ticket names in delivery order and
// advances `cursor`.
std::vector<std::string> Drain(TicketService::Stub& stub, std::string& cursor,
                               const std::string& community, size_t want,
                               absl::Duration timeout) {
  std::vector<std::string> seen;
  const absl::Time give_up = absl::Now() + timeout;
  const std::string prefix = "communities/" + community + "/";
  while (seen.size() < want && absl::Now() < give_up) {
    tickets::v1::ListTicketEventsRequest request;
    request.set_after_cursor(cursor);
    request.set_page_size(50);
    tickets::v1::ListTicketEventsResponse response;
    const grpc::Status status =
        stub.ListTicketEvents(Context().get(), request, &response);
    if (!status.ok()) {
      ADD_FAILURE() << status.error_message();
      break;
    }
    for (const auto& e : response.events()) {
      if (e.ticket().rfind(prefix, 0) == 0 && e.type() == "created") {
        seen.push_back(e.ticket());
      }
    }
    cursor = response.next_cursor();
    if (response.events().empty()) absl::SleepFor(absl::Milliseconds(100));
  }
  return seen;
}

class TicketEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadTestEnv(&env_));
    community_ = absl::StrCat("feed-", ::getpid(), "-",
                              absl::ToUnixMicros(absl::Now()) % 1000000);
  }

  ServiceUnderTest StartServing() {
    ServiceUnderTest s = StartService(env_, "tickets", env_.db_port);
    EXPECT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
        << s.process->ReadLog();
    return s;
  }

  // The cursor at the current end of the feed (start_at_end), so a shared
  // database's history is not read.
  std::string EndCursor(TicketService::Stub& stub) {
    tickets::v1::ListTicketEventsRequest request;
    request.set_start_at_end(true);
    tickets::v1::ListTicketEventsResponse response;
    const grpc::Status status =
        stub.ListTicketEvents(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.events_size(), 0);
    return response.next_cursor();
  }

  TestEnv env_;
  std::string community_;
};

TEST_F(TicketEventsTest, ResumingFromAStoredCursorAfterARestartLosesAndRepeatsNothing) {
  std::vector<std::string> created;
  std::string cursor;
  std::vector<std::string> delivered;
  {
    ServiceUnderTest s = StartServing();
    auto stub = TicketService::NewStub(s.ChannelAs(SystemToken(env_)));
    cursor = EndCursor(*stub);
    for (int i = 0; i < 6; ++i) created.push_back(CreateTicket(*stub, community_));
    // The consumer processes the first half, stores its cursor...
    delivered = Drain(*stub, cursor, community_, 3, absl::Seconds(10));
    for (int i = 0; i < 4; ++i) created.push_back(CreateTicket(*stub, community_));
    s.process->Signal(SIGTERM);
    ASSERT_EQ(s.process->Wait(absl::Seconds(20)), 0);
  }
  // ...and resumes against a new process.
  ServiceUnderTest s = StartServing();
  auto stub = TicketService::NewStub(s.ChannelAs(SystemToken(env_)));
  std::vector<std::string> rest =
      Drain(*stub, cursor, community_, created.size() - delivered.size(),
            absl::Seconds(15));
  delivered.insert(delivered.end(), rest.begin(), rest.end());
  EXPECT_EQ(delivered, created);  // every one, once, in commit order

  // An invalid cursor is refused with the field named.
  tickets::v1::ListTicketEventsRequest bad;
  bad.set_after_cursor("not-a-cursor");
  tickets::v1::ListTicketEventsResponse ignored;
  const grpc::Status status = stub->ListTicketEvents(Context().get(), bad, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("after_cursor"), std::string::npos);
}

TEST_F(TicketEventsTest, WatchStreamsNewEventsAndEndsAtShutdown) {
  ServiceUnderTest s = StartServing();
  auto stub = TicketService::NewStub(s.ChannelAs(SystemToken(env_)));
  // The watch starts at the end of the feed itself. Tickets created just
  // after it are younger than the feed's settle time, so they follow the
  // tail whenever the server takes it.
  tickets::v1::WatchTicketEventsRequest request;
  request.set_start_at_end(true);
  grpc::ClientContext watch_context;
  auto reader = stub->WatchTicketEvents(&watch_context, request);

  std::vector<std::string> created;
  for (int i = 0; i < 3; ++i) created.push_back(CreateTicket(*stub, community_));
  std::vector<std::string> watched;
  tickets::v1::TicketEvent event;
  while (watched.size() < created.size() && reader->Read(&event)) {
    if (event.ticket().rfind("communities/" + community_ + "/", 0) == 0) {
      EXPECT_EQ(event.type(), "created");
      EXPECT_EQ(event.state(), tickets::v1::TICKET_STATE_REGISTERED);
      watched.push_back(event.ticket());
    }
  }
  EXPECT_EQ(watched, created);

  const absl::Time stop = absl::Now();
  s.process->Signal(SIGTERM);
  while (reader->Read(&event)) {
  }
  const grpc::Status end = reader->Finish();
  EXPECT_EQ(end.error_code(), grpc::StatusCode::UNAVAILABLE) << end.error_message();
  EXPECT_EQ(s.process->Wait(absl::Seconds(20)), 0);
  // The open stream did not hold shutdown for the whole grace period.
  EXPECT_LT(absl::Now() - stop, absl::Seconds(8));
}

}  // namespace
}  // namespace steward::testing
