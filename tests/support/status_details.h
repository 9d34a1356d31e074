// Reading google.rpc error details back out of statuses in tests.
#ifndef STEWARD_TESTS_SUPPORT_STATUS_DETAILS_H_
#define STEWARD_TESTS_SUPPORT_STATUS_DETAILS_H_

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace steward::testing {

// The field paths of the google.rpc.BadRequest carried by `status`, in
// order; empty when it carries none.
std::vector<std::string> ViolatedFields(const grpc::Status& status);
std::vector<std::string> ViolatedFields(const absl::Status& status);

// The violation types of a google.rpc.PreconditionFailure.
std::vector<std::string> BrokenRules(const grpc::Status& status);

}  // namespace steward::testing

#endif  // STEWARD_TESTS_SUPPORT_STATUS_DETAILS_H_
