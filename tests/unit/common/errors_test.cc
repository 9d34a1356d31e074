#include "common/rpc/errors.h"

#include <gtest/gtest.h>

#include "common/rpc/grpc_status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace steward::rpc {
namespace {

TEST(FieldErrorsTest, OkWhenEmptyAndListsEveryViolation) {
  FieldErrors errors;
  EXPECT_TRUE(errors.ToStatus().ok());
  EXPECT_TRUE(errors.Check(true, "a", "fine"));
  EXPECT_FALSE(errors.Check(false, "ticket.kind", "required"));
  errors.Add("ticket.description", "at most 4000 characters");
  const absl::Status status = errors.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "ticket.kind: required; ticket.description: at most 4000 characters");
}

TEST(FieldErrorsTest, AbsorbTakesOverViolations) {
  FieldErrors inner;
  inner.Add("parent", "bad");
  FieldErrors outer;
  outer.Absorb(inner.ToStatus());
  outer.Absorb(absl::OkStatus());
  outer.Add("x", "y");
  EXPECT_EQ(outer.ToStatus().message(), "parent: bad; x: y");
}

TEST(GrpcStatusTest, CarriesBadRequestDetails) {
  const grpc::Status status =
      ToGrpcStatus(InvalidField("ticket.kind", "unknown value 42"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), 3);
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "ticket.kind");
  EXPECT_EQ(bad_request.field_violations(0).description(), "unknown value 42");
}

TEST(GrpcStatusTest, CarriesPreconditionFailure) {
  const grpc::Status status = ToGrpcStatus(
      BrokenRule("TICKET_STATE", "communities/c/tickets/1", "already closed"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "TICKET_STATE: already closed");
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  google::rpc::PreconditionFailure failure;
  ASSERT_TRUE(details.details(0).UnpackTo(&failure));
  EXPECT_EQ(failure.violations(0).type(), "TICKET_STATE");
  EXPECT_EQ(failure.violations(0).subject(), "communities/c/tickets/1");
}

TEST(GrpcStatusTest, CarriesRetryInfo) {
  const grpc::Status status =
      ToGrpcStatus(Exhausted("busy", absl::Milliseconds(1500)));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  google::rpc::RetryInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.retry_delay().seconds(), 1);
  EXPECT_EQ(info.retry_delay().nanos(), 500000000);
}

TEST(GrpcStatusTest, HidesInternalMessages) {
  const grpc::Status status =
      ToGrpcStatus(absl::InternalError("tickets_create: database error 1146"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message().find("1146"), std::string::npos);
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("no such ticket")).error_message(),
            "no such ticket");
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(GrpcStatusTest, RoundTripsThroughFromGrpcStatus) {
  const absl::Status original = InvalidField("parent", "bad");
  const absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), original.code());
  EXPECT_EQ(back.message(), original.message());
  FieldErrors errors;
  errors.Absorb(back);
  EXPECT_EQ(errors.ToStatus().message(), "parent: bad");
}

}  // namespace
}  // namespace steward::rpc
