// Reads the google.rpc.BadRequest field names a Status carries, so tests can
// assert which fields an INVALID_ARGUMENT named.
#ifndef STEWARD_TESTS_UNIT_TRAINING_FIELD_VIOLATIONS_H_
#define STEWARD_TESTS_UNIT_TRAINING_FIELD_VIOLATIONS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace steward::training::testing {

// Field names of the BadRequest payload of `status`, in order; empty when it
// has none.
inline std::vector<std::string> ViolationFields(const absl::Status& status) {
  google::rpc::BadRequest bad_request;
  auto payload = status.GetPayload(
      absl::StrCat("type.googleapis.com/", bad_request.GetTypeName()));
  std::vector<std::string> fields;
  if (!payload.has_value() ||
      !bad_request.ParseFromString(std::string(*payload))) {
    return fields;
  }
  for (const auto& v : bad_request.field_violations()) {
    fields.push_back(v.field());
  }
  return fields;
}

// The same for a status as it travels on the wire: the BadRequest inside the
// google.rpc.Status of error_details.
inline std::vector<std::string> ViolationFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return fields;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      fields.push_back(v.field());
    }
  }
  return fields;
}

}  // namespace steward::training::testing

#endif  // STEWARD_TESTS_UNIT_TRAINING_FIELD_VIOLATIONS_H_
