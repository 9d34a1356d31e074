// The one conversion between absl::Status and grpc::Status, used at the API
// edge of every service and by every client wrapper.
#ifndef STEWARD_COMMON_RPC_GRPC_STATUS_H_
#define STEWARD_COMMON_RPC_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace steward::rpc {

// Maps the code one to one and sends the status payloads as google.rpc.Status
// details (grpc-status-details-bin). INTERNAL and UNKNOWN messages are
// replaced by a generic text: their causes belong in the log, not on the
// wire.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for clients: keeps code, message and details payloads.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace steward::rpc

#endif  // STEWARD_COMMON_RPC_GRPC_STATUS_H_
