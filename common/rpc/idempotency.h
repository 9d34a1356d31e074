// What makes two mutation requests "the same request" for idempotency: every
// field but `request_id`, serialized deterministically and hashed.
#ifndef STEWARD_COMMON_RPC_IDEMPOTENCY_H_
#define STEWARD_COMMON_RPC_IDEMPOTENCY_H_

#include <string>

#include "google/protobuf/message.h"

namespace steward::rpc {

// SHA-256 (64 hex characters) of `request` without its `request_id` field.
// Stable across processes and releases as long as the message's fields keep
// their numbers.
std::string RequestFingerprint(const google::protobuf::Message& request);

}  // namespace steward::rpc

#endif  // STEWARD_COMMON_RPC_IDEMPOTENCY_H_
