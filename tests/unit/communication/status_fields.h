// Reads back the google.rpc.BadRequest field names a Status carries, from an
// absl::Status (domain and mapping tests) or a grpc::Status (service tests).
#ifndef STEWARD_TESTS_UNIT_COMMUNICATION_STATUS_FIELDS_H_
#define STEWARD_TESTS_UNIT_COMMUNICATION_STATUS_FIELDS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace steward::communication::testing {

// Field names of the BadRequest payload, in order; empty when there is none.
inline std::vector<std::string> BadRequestFields(const absl::Status& status) {
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

// The same from the grpc-status-details-bin a handler returned.
inline std::vector<std::string> BadRequestFields(const grpc::Status& status) {
  google::rpc::Status details;
  std::vector<std::string> fields;
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

}  // namespace steward::communication::testing

#endif  // STEWARD_TESTS_UNIT_COMMUNICATION_STATUS_FIELDS_H_
