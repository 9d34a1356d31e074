// Health follows the database: NOT_SERVING while MariaDB is down, SERVING
// again once it is back, without restarting the service. Uses a private
// MariaDB so stopping it disturbs no other test.
#include <gtest/gtest.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

grpc::Status CreateOne(tickets::v1::TicketService::Stub& stub,
                       const std::string& request_id) {
  tickets::v1::CreateTicketRequest request;
  request.set_parent("communities/health-check");
  request.set_request_id(request_id);
  auto* t = request.mutable_ticket();
  t->set_kind(tickets::v1::TICKET_KIND_INQUIRY);
  t->set_priority(tickets::v1::PRIORITY_ROUTINE);
  t->set_channel(tickets::v1::CHANNEL_APP);
  t->set_line(common::v1::LINE_CUSTOMER_SERVICE);
  t->set_description("Opening hours of the clubhouse?");
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  tickets::v1::Ticket out;
  return stub.CreateTicket(&context, request, &out);
}

TEST(HealthRecoveryTest, NotServingWhileDatabaseIsDownServingAfterItReturns) {
  TestEnv base;
  ASSERT_TRUE(LoadTestEnv(&base));
  ScratchMariaDb db(base);
  ASSERT_TRUE(db.Start());
  const TestEnv env = db.env();

  ServiceUnderTest s = StartService(env, "tickets", db.port());
  ASSERT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
      << s.process->ReadLog();
  auto stub = tickets::v1::TicketService::NewStub(s.Channel());
  ASSERT_TRUE(CreateOne(*stub, "before-crash").ok());
  const pid_t service_pid = s.process->pid();

  db.Kill9();
  EXPECT_TRUE(WaitForHealth(s.target(), "NOT_SERVING", absl::Seconds(10)));
  EXPECT_EQ(HealthStatus(s.target(), "steward.tickets.v1.TicketService"),
            "NOT_SERVING");
  const grpc::Status while_down = CreateOne(*stub, "while-down");
  EXPECT_EQ(while_down.error_code(), grpc::StatusCode::UNAVAILABLE)
      << while_down.error_message();
  EXPECT_TRUE(s.process->running());

  ASSERT_TRUE(db.Start());
  EXPECT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
      << s.process->ReadLog();
  EXPECT_EQ(HealthStatus(s.target(), "steward.tickets.v1.TicketService"),
            "SERVING");
  // The same process, and it serves writes again.
  EXPECT_TRUE(s.process->running());
  EXPECT_EQ(s.process->pid(), service_pid);
  grpc::Status after;
  for (int attempt = 0; attempt < 5; ++attempt) {
    after = CreateOne(*stub, "after-restart");
    if (after.ok()) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_TRUE(after.ok()) << after.error_message();
  // The row written before the crash survived it (durable commit).
  EXPECT_TRUE(CreateOne(*stub, "before-crash").ok());

  s.process->Signal(SIGTERM);
  EXPECT_EQ(s.process->Wait(absl::Seconds(20)), 0);
}

}  // namespace
}  // namespace steward::testing
