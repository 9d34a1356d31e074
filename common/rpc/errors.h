// Building absl::Status values that carry google.rpc error details
// (BadRequest, PreconditionFailure, RetryInfo) as payloads, and turning them
// into grpc::Status at the API edge. Domain code uses the builders only and
// never sees protobuf.
#ifndef STEWARD_COMMON_RPC_ERRORS_H_
#define STEWARD_COMMON_RPC_ERRORS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace steward::rpc {

// INVALID_ARGUMENT for one field, e.g. InvalidField("ticket.kind", "required").
// The message reads "ticket.kind: required"; a BadRequest detail names it.
absl::Status InvalidField(absl::string_view field,
                          absl::string_view description);

// FAILED_PRECONDITION naming a broken rule: `type` is a stable rule id such as
// "TICKET_STATE", `subject` what it applies to, `description` a sentence.
absl::Status BrokenRule(absl::string_view type, absl::string_view subject,
                        absl::string_view description);

// RESOURCE_EXHAUSTED with a RetryInfo detail saying when to try again.
absl::Status Exhausted(absl::string_view message, absl::Duration retry_after);

// Collects every field violation of a request, so a caller learns about all
// of them at once. Not thread-safe.
class FieldErrors {
 public:
  // Records a violation when `ok` is false; returns `ok`.
  bool Check(bool ok, absl::string_view field, absl::string_view description);
  void Add(absl::string_view field, absl::string_view description);
  // Takes over the field violations of an INVALID_ARGUMENT built by this
  // file (no-op for OK).
  void Absorb(const absl::Status& status);
  bool empty() const { return violations_.empty(); }
  // OK when nothing was recorded, else INVALID_ARGUMENT with every violation.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

}  // namespace steward::rpc

#endif  // STEWARD_COMMON_RPC_ERRORS_H_
