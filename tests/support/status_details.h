// Reading google.rpc error details back out of statuses in tests.
#ifndef STEWARD_TESTS_SUPPORT_STATUS_DETAILS_H_
#define STEWARD_TESTS_SUPPORT_STATUS_DETAILS_H_

#include <grpcpp/support/status.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace steward::testing {

// The field paths of the google.rpc.BadRequest carried by `status`, in
// order; empty when it carries none.
std::vector<std::string> ViolatedFields(const grpc::Status& status);
std::vector<std::string> ViolatedFields(const absl::Status& status);

// The violation types of a google.rpc.PreconditionFailure.
std::vector<std::string> BrokenRules(const grpc::Status& status);

// The retry_delay of a google.rpc.RetryInfo carried by `status`; nullopt
// when it carries none.
std::optional<absl::Duration> RetryDelay(const grpc::Status& status);

}  // namespace steward::testing

#endif  // STEWARD_TESTS_SUPPORT_STATUS_DETAILS_H_
