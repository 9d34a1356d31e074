// The google.rpc error details a grpc::Status carries (as
// rpc::ToGrpcStatus writes them), for the fuzz targets' error contracts.
#ifndef STEWARD_FUZZ_STATUS_DETAILS_H_
#define STEWARD_FUZZ_STATUS_DETAILS_H_

#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <vector>

#include "google/protobuf/stubs/logging.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace steward::fuzz {

// Fuzzed requests are often not valid UTF-8; protobuf logs every such
// parse. Silence it for the whole process (the targets check the parse
// result themselves).
inline const bool kProtobufLogsSilenced = [] {
  google::protobuf::SetLogHandler(nullptr);
  return true;
}();

// The google.rpc.BadRequest field names of `status` (INVALID_ARGUMENT), or
// nullopt when it carries none.
inline std::optional<std::vector<std::string>> BadRequestFields(
    const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.Is<google::rpc::BadRequest>() && any.UnpackTo(&bad)) {
      std::vector<std::string> fields;
      for (const auto& v : bad.field_violations()) fields.push_back(v.field());
      return fields;
    }
  }
  return std::nullopt;
}

inline bool HasPreconditionFailure(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return false;
  for (const auto& any : details.details()) {
    google::rpc::PreconditionFailure failure;
    if (any.Is<google::rpc::PreconditionFailure>() && any.UnpackTo(&failure) &&
        failure.violations_size() > 0) {
      return true;
    }
  }
  return false;
}

}  // namespace steward::fuzz

#endif  // STEWARD_FUZZ_STATUS_DETAILS_H_
