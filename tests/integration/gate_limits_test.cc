// What the gate and the server answer before any handler runs, end to end
// against the steward-tickets binary: rate-limited calls carry a usable
// google.rpc.RetryInfo (per principal, and per peer address once its
// refused calls used up their bucket), and server reflection is served only
// with --reflection.
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "tests/support/service_harness.h"
#include "tests/support/status_details.h"

namespace steward::testing {
namespace {

using tickets::v1::TicketService;

grpc::Status GetTicket(TicketService::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  tickets::v1::GetTicketRequest request;
  request.set_name("communities/harbour-view/tickets/987654321987");
  tickets::v1::Ticket ticket;
  return stub.GetTicket(&context, request, &ticket);
}

// Opens grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo and
// asks it to list the services. The request is hand-encoded (field 7,
// list_services = "*"): Debian ships the plugin but not the proto. Returns
// the call's status; `reply` gets the first response's bytes.
grpc::Status ListServicesByReflection(const std::string& target,
                                      std::string* reply) {
  grpc::GenericStub stub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  auto call = stub.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  // One operation at a time, each awaited: tags need not be told apart.
  auto await = [&] {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    return ok;
  };
  call->StartCall(&cq);
  await();
  const std::string request("\x3a\x01*", 3);
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, &cq);
  await();
  call->WritesDone(&cq);
  await();
  grpc::ByteBuffer in;
  call->Read(&in, &cq);
  if (await()) {
    std::vector<grpc::Slice> slices;
    (void)in.Dump(&slices);
    for (const grpc::Slice& s : slices) {
      reply->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  grpc::Status status;
  call->Finish(&status, &cq);
  await();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

class GateLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(LoadTestEnv(&env_)); }

  ServiceUnderTest StartServing(const std::vector<std::string>& flags) {
    ServiceUnderTest s = StartService(env_, "tickets", env_.db_port, flags);
    EXPECT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
        << s.process->ReadLog();
    return s;
  }

  TestEnv env_;
};

TEST_F(GateLimitsTest, APrincipalOverItsBucketIsToldWhenToRetry) {
  // One call at once, one every two seconds.
  ServiceUnderTest s =
      StartServing({"--rate_limit_burst=1", "--rate_limit_per_second=0.5"});
  auto stub = TicketService::NewStub(s.Channel());
  EXPECT_EQ(GetTicket(*stub).error_code(), grpc::StatusCode::NOT_FOUND);
  const grpc::Status limited = GetTicket(*stub);
  ASSERT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << limited.error_message();
  const std::optional<absl::Duration> delay = RetryDelay(limited);
  ASSERT_TRUE(delay.has_value()) << "no google.rpc.RetryInfo in the details";
  // The token comes back 2 s after the first call took it; some of that
  // has passed already.
  EXPECT_GT(*delay, absl::ZeroDuration());
  EXPECT_LE(*delay, absl::Seconds(2));
  // Other callers have buckets of their own.
  auto other = TicketService::NewStub(s.ChannelAs(
      TokenFor(env_, "gate-limits-staff", auth::Role::kStaff, {"*"})));
  EXPECT_EQ(GetTicket(*other).error_code(), grpc::StatusCode::NOT_FOUND);
  // Waiting as told is enough.
  absl::SleepFor(*delay);
  EXPECT_EQ(GetTicket(*stub).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GateLimitsTest, AnAddressWhoseCallsKeepBeingRefusedIsCutOff) {
  ServiceUnderTest s = StartServing(
      {"--peer_rate_limit_burst=2", "--peer_rate_limit_per_second=0.5"});
  auto anonymous = TicketService::NewStub(s.ChannelAs(""));
  auto manager = TicketService::NewStub(s.Channel());
  // Admitted calls do not count ...
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(GetTicket(*manager).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  // ... refused ones do, and once they used up the address's bucket every
  // call from it waits, a good token's too.
  EXPECT_EQ(GetTicket(*anonymous).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(GetTicket(*anonymous).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const grpc::Status limited = GetTicket(*manager);
  ASSERT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << limited.error_message();
  const std::optional<absl::Duration> delay = RetryDelay(limited);
  ASSERT_TRUE(delay.has_value()) << "no google.rpc.RetryInfo in the details";
  EXPECT_GT(*delay, absl::ZeroDuration());
  EXPECT_LE(*delay, absl::Seconds(2));
  EXPECT_TRUE(absl::StrContains(
      HttpGet(s.metrics_port, "/metrics"),
      "steward_auth_decisions_total{decision=\"peer_rate_limited\"} 1"));
}

TEST_F(GateLimitsTest, ReflectionIsOffUnlessAskedFor) {
  ServiceUnderTest off = StartServing({});
  std::string reply;
  EXPECT_EQ(ListServicesByReflection(off.target(), &reply).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(reply, "");

  ServiceUnderTest on = StartServing({"--reflection"});
  const grpc::Status status = ListServicesByReflection(on.target(), &reply);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(absl::StrContains(reply, "steward.tickets.v1.TicketService"))
      << reply;
  EXPECT_TRUE(absl::StrContains(reply, "steward.common.v1.AuditService"));
}

}  // namespace
}  // namespace steward::testing
