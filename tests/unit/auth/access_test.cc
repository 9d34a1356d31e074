// The access table's contract and the rate limiter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "common/auth/access_table.h"
#include "common/auth/rate_limiter.h"
#include "common/rpc/grpc_status.h"
#include "google/rpc/error_details.pb.h"

namespace steward::auth {
namespace {

using ::testing::HasSubstr;

Principal Make(Role role, std::vector<std::string> scopes = {}) {
  Principal p;
  p.role = role;
  p.subject = "x";
  p.communities = {"c1"};
  p.scopes = std::move(scopes);
  return p;
}

TEST(AccessTableTest, EachMethodAppearsOnceAndSomeoneMayCallIt) {
  std::set<std::string> seen;
  for (const MethodRule& rule : AccessRules()) {
    EXPECT_TRUE(seen.insert(std::string(rule.method)).second) << rule.method;
    EXPECT_NE(rule.roles, 0) << rule.method;
  }
}

TEST(AccessTableTest, DeniesUnknownMethodsToEveryone) {
  for (int r = 0; r < kRoleCount; ++r) {
    absl::Status s = Authorize(Make(static_cast<Role>(r), {"tickets.write"}),
                               "steward.tickets.v1.TicketService/DropTable");
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  }
}

TEST(AccessTableTest, FollowsTheTable) {
  const std::string close = "steward.tickets.v1.TicketService/CloseTicket";
  EXPECT_TRUE(Authorize(Make(Role::kStaff), close).ok());
  absl::Status owner = Authorize(Make(Role::kOwner), close);
  EXPECT_EQ(owner.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(owner.message(),
              HasSubstr("owner role may not call CloseTicket"));
  EXPECT_TRUE(Authorize(Make(Role::kManager),
                        "steward.tickets.v1.TicketService/CreateSlaPolicy")
                  .ok());
  EXPECT_FALSE(Authorize(Make(Role::kStaff),
                         "steward.tickets.v1.TicketService/CreateSlaPolicy")
                   .ok());
  EXPECT_TRUE(Authorize(Make(Role::kQuality),
                        "steward.common.v1.AuditService/ListAuditRecords")
                  .ok());
  EXPECT_FALSE(Authorize(Make(Role::kManager),
                         "steward.common.v1.AuditService/ListAuditRecords")
                   .ok());
}

TEST(AccessTableTest, SystemClientsNeedTheMethodsScope) {
  const std::string get = "steward.tickets.v1.TicketService/GetTicket";
  const std::string close = "steward.tickets.v1.TicketService/CloseTicket";
  EXPECT_TRUE(Authorize(Make(Role::kSystem, {"tickets.read"}), get).ok());
  absl::Status no_write =
      Authorize(Make(Role::kSystem, {"tickets.read"}), close);
  EXPECT_EQ(no_write.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(no_write.message(), HasSubstr("tickets.write"));
  EXPECT_TRUE(Authorize(Make(Role::kSystem, {"tickets.write"}), close).ok());
  // A scope for another service's area does not carry over.
  EXPECT_FALSE(Authorize(Make(Role::kSystem, {"kpi.read"}), get).ok());
  EXPECT_EQ(RequiredScope(
                *FindRule("steward.common.v1.AuditService/ListAuditRecords")),
            "audit.read");
}

TEST(RateLimiterTest, AllowsTheBurstThenRefusesWithRetryInfoThenRefills) {
  RateLimiter limiter(/*per_second=*/10, /*burst=*/5);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Admit("owner:a", t0).ok());
  absl::Status refused = limiter.Admit("owner:a", t0);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  grpc::Status wire = rpc::ToGrpcStatus(refused);
  EXPECT_THAT(wire.error_details(), HasSubstr("RetryInfo"));
  // Other callers have their own bucket.
  EXPECT_TRUE(limiter.Admit("owner:b", t0).ok());
  // 10/s: one token back after 100 ms, not before.
  EXPECT_FALSE(limiter.Admit("owner:a", t0 + absl::Milliseconds(50)).ok());
  EXPECT_TRUE(limiter.Admit("owner:a", t0 + absl::Milliseconds(160)).ok());
  EXPECT_FALSE(limiter.Admit("owner:a", t0 + absl::Milliseconds(160)).ok());
  // Refills up to the burst only.
  const absl::Time later = t0 + absl::Hours(1);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Admit("owner:a", later).ok());
  EXPECT_FALSE(limiter.Admit("owner:a", later).ok());
}

TEST(RateLimiterTest, CheckLooksWithoutTaking) {
  RateLimiter limiter(/*per_second=*/10, /*burst=*/2);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  // An unknown key's bucket is full, and looking creates nothing to take.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Check("peer:a", t0).ok());
  EXPECT_TRUE(limiter.Admit("peer:a", t0).ok());
  EXPECT_TRUE(limiter.Check("peer:a", t0).ok());
  EXPECT_TRUE(limiter.Admit("peer:a", t0).ok());
  absl::Status empty = limiter.Check("peer:a", t0);
  EXPECT_EQ(empty.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(rpc::ToGrpcStatus(empty).error_details(), HasSubstr("RetryInfo"));
  // Refills as Admit does: one token after 100 ms.
  EXPECT_FALSE(limiter.Check("peer:a", t0 + absl::Milliseconds(50)).ok());
  EXPECT_TRUE(limiter.Check("peer:a", t0 + absl::Milliseconds(110)).ok());
  EXPECT_TRUE(limiter.Admit("peer:a", t0 + absl::Milliseconds(110)).ok());
  EXPECT_FALSE(limiter.Check("peer:a", t0 + absl::Milliseconds(110)).ok());
}

TEST(RateLimiterTest, ManyCallersStayBounded) {
  RateLimiter limiter(1, 1);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  for (int i = 0; i < 200000; ++i) {
    ASSERT_TRUE(
        limiter.Admit("owner:" + std::to_string(i), t0 + absl::Seconds(i))
            .ok());
  }
  // An old caller's bucket was evicted when full again: it may call.
  EXPECT_TRUE(limiter.Admit("owner:1", t0 + absl::Seconds(200001)).ok());
}

TEST(PrincipalTest, MaskingFollowsTheRole) {
  EXPECT_TRUE(Make(Role::kOwner).SeesPersonalData());
  EXPECT_TRUE(Make(Role::kStaff).SeesPersonalData());
  EXPECT_FALSE(Make(Role::kQuality).SeesPersonalData());
  EXPECT_FALSE(Make(Role::kSystem, {"tickets.read"}).SeesPersonalData());
  EXPECT_TRUE(Make(Role::kSystem, {"pii.read"}).SeesPersonalData());
}

}  // namespace
}  // namespace steward::auth
