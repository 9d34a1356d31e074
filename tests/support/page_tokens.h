// Checks that a List RPC's page tokens are bound to the caller and the
// parent they were issued for (common/rpc/resources.h, ParsePageQuery):
// another caller, or the same caller in another community, is refused with
// INVALID_ARGUMENT naming page_token instead of continuing the list.
#ifndef STEWARD_TESTS_SUPPORT_PAGE_TOKENS_H_
#define STEWARD_TESTS_SUPPORT_PAGE_TOKENS_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"

namespace steward::testing {

template <typename Stub, typename Request, typename Response>
using ListRpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&,
                                       Response*);

// `request` lists `parent` (at least two items there for `issuer`);
// `issuer` may also list `other_parent`, `other` may list `parent`.
// The token `issuer` got continues `issuer`'s list and nothing else.
template <typename Stub, typename Request, typename Response>
void ExpectPageTokenBound(ListRpc<Stub, Request, Response> rpc, Stub& issuer,
                          Stub& other, Request request,
                          const std::string& parent,
                          const std::string& other_parent) {
  auto call = [&](Stub& stub, const Request& r, Response* out) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return (stub.*rpc)(&context, r, out);
  };
  auto refused = [](const grpc::Status& s) {
    return s.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
           absl::StrContains(s.error_message(), "page_token");
  };
  request.set_parent(parent);
  request.set_page_size(1);
  Response first;
  const grpc::Status listed = call(issuer, request, &first);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_FALSE(first.next_page_token().empty()) << "need two items to page";

  Request next = request;
  next.set_page_token(first.next_page_token());
  Response page;
  // The token continues its own list...
  const grpc::Status own = call(issuer, next, &page);
  EXPECT_TRUE(own.ok()) << own.error_message();
  // ...not another caller's, though they may list here themselves...
  Response theirs;
  EXPECT_TRUE(call(other, request, &theirs).ok());
  const grpc::Status reused = call(other, next, &page);
  EXPECT_TRUE(refused(reused))
      << reused.error_code() << " " << reused.error_message();
  // ...nor the issuer's list of another community they may list.
  Request elsewhere = request;
  elsewhere.set_parent(other_parent);
  EXPECT_TRUE(call(issuer, elsewhere, &theirs).ok());
  elsewhere.set_page_token(first.next_page_token());
  const grpc::Status moved = call(issuer, elsewhere, &page);
  EXPECT_TRUE(refused(moved))
      << moved.error_code() << " " << moved.error_message();
}

}  // namespace steward::testing

#endif  // STEWARD_TESTS_SUPPORT_PAGE_TOKENS_H_
