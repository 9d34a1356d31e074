#include "common/rpc/idempotency.h"

#include <gtest/gtest.h>

#include "steward/tickets/v1/tickets.pb.h"

namespace steward::rpc {
namespace {

using tickets::v1::CreateTicketRequest;

CreateTicketRequest Request() {
  CreateTicketRequest r;
  r.set_parent("communities/c1");
  r.set_request_id("r1");
  r.mutable_ticket()->set_description("leak");
  r.mutable_ticket()->set_kind(tickets::v1::TICKET_KIND_INQUIRY);
  return r;
}

TEST(RequestFingerprintTest, IgnoresTheRequestIdOnly) {
  CreateTicketRequest a = Request();
  CreateTicketRequest b = Request();
  b.set_request_id("another");
  EXPECT_EQ(RequestFingerprint(a), RequestFingerprint(b));
  EXPECT_EQ(RequestFingerprint(a).size(), 64u);
  b.mutable_ticket()->set_description("leak!");
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(b));
  b = Request();
  b.set_parent("communities/c2");
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(b));
  // The caller's message is left as it was.
  EXPECT_EQ(a.request_id(), "r1");
}

}  // namespace
}  // namespace steward::rpc
