// The call gate's rate limits: refused calls drain a per-peer bucket that is
// checked before any token work, a verified caller's refused calls count
// against its own bucket, and calls turned away by their peer's bucket leave
// no audit row (a verified caller over its own limit does).
#include "common/auth/call_gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/time/time.h"
#include "tests/support/status_details.h"
#include "tests/unit/support/test_gate.h"

namespace steward::auth {
namespace {

using ::steward::testing::CallContext;
using ::steward::testing::RetryDelay;
using ::steward::testing::TestGate;
using ::testing::Optional;

constexpr char kService[] = "steward.tickets.v1.TicketService";
// Owners may not assign tickets; managers may. Both are writes (audited).
constexpr char kManagersOnlyWrite[] = "AssignTicket";

class CallGateLimitTest : public ::testing::Test {
 protected:
  // A write call as the holder of `token` ("" = none); counts body runs.
  grpc::Status Call(TestGate& gate, const std::string& token,
                    const char* method = kManagersOnlyWrite) {
    CallContext context(token);
    return gate.gate().Run(context.get(), kService, method,
                           {"communities/c1/tickets/1", "r-1"},
                           [&](const Principal&) {
                             ++bodies_;
                             return grpc::Status::OK;
                           });
  }
  int bodies_ = 0;
};

TEST(PeerAddressTest, DropsThePortOnly) {
  EXPECT_EQ(PeerAddressOf("ipv4:10.0.0.7:53124"), "ipv4:10.0.0.7");
  EXPECT_EQ(PeerAddressOf("ipv6:[fd00::7]:53124"), "ipv6:[fd00::7]");
  EXPECT_EQ(PeerAddressOf("ipv6:%5B::1%5D:50051"), "ipv6:%5B::1%5D");
  // Without a port there is nothing to drop.
  EXPECT_EQ(PeerAddressOf("ipv6:[fd00::7]"), "ipv6:[fd00::7]");
  EXPECT_EQ(PeerAddressOf("unix:/run/steward.sock"), "unix:/run/steward.sock");
  EXPECT_EQ(PeerAddressOf(""), "");
}

TEST_F(CallGateLimitTest, AnonymousFloodIsCutOffBeforeTokensAndAudit) {
  TestGate gate(TestGate::Limits{.peer_per_second = 0.001, .peer_burst = 3});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call(gate, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_EQ(Call(gate, "not-a-jwt").error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Once the address is cut off, even a good token from it is turned away
  // before it is looked at, with when to come back.
  const grpc::Status limited = Call(gate, gate.Manager());
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(RetryDelay(limited), Optional(::testing::Gt(absl::Seconds(1))));
  EXPECT_EQ(bodies_, 0);
  // Only the refusals within the burst cost an audit row.
  EXPECT_EQ(gate.audit().rows().size(), 3u);
}

TEST_F(CallGateLimitTest, AdmittedCallsDoNotDrainThePeersBucket) {
  TestGate gate(TestGate::Limits{.peer_per_second = 0.001, .peer_burst = 2});
  const std::string manager = gate.Manager();
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(Call(gate, manager).ok());
  EXPECT_EQ(bodies_, 10);
  // Refusals by the access table count like missing tokens.
  const std::string owner = gate.Owner({"communities/c1/households/1-1-101"});
  EXPECT_EQ(Call(gate, owner).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(gate, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(gate, manager).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(bodies_, 10);
}

TEST_F(CallGateLimitTest, RefusedCallsCountAgainstTheirPrincipal) {
  TestGate gate(TestGate::Limits{.per_second = 0.001, .burst = 2});
  const std::string owner =
      gate.Owner({"communities/c1/households/1-1-101"}, "o-flood");
  EXPECT_EQ(Call(gate, owner).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(gate, owner).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status limited = Call(gate, owner);
  EXPECT_EQ(limited.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(RetryDelay(limited), Optional(::testing::Gt(absl::Seconds(1))));
  // The limit is the principal's, whatever it calls ...
  EXPECT_EQ(Call(gate, owner, "CreateTicket").error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // ... and no one else's.
  EXPECT_TRUE(Call(gate, gate.Manager()).ok());
  // Every write call of a verified caller is audited, the limited ones with
  // the answer they got.
  ASSERT_EQ(gate.audit().rows().size(), 5u);
  EXPECT_FALSE(gate.audit().rows()[0].allowed);
  EXPECT_FALSE(gate.audit().rows()[2].allowed);
  EXPECT_EQ(gate.audit().rows()[2].principal, "owner:o-flood");
  EXPECT_EQ(gate.audit().rows()[2].status_code,
            static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_TRUE(gate.audit().rows()[4].allowed);
}

}  // namespace
}  // namespace steward::auth
