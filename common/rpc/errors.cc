#include "common/rpc/errors.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/rpc/error_details.pb.h"

namespace steward::rpc {

absl::Status InvalidField(absl::string_view field,
                          absl::string_view description) {
  FieldErrors errors;
  errors.Add(field, description);
  return errors.ToStatus();
}

absl::Status BrokenRule(absl::string_view type, absl::string_view subject,
                        absl::string_view description) {
  google::rpc::PreconditionFailure failure;
  auto* violation = failure.add_violations();
  violation->set_type(std::string(type));
  violation->set_subject(std::string(subject));
  violation->set_description(std::string(description));
  absl::Status status = absl::FailedPreconditionError(
      absl::StrCat(type, ": ", description));
  status.SetPayload(
      absl::StrCat("type.googleapis.com/", failure.GetTypeName()),
      absl::Cord(failure.SerializeAsString()));
  return status;
}

absl::Status Exhausted(absl::string_view message, absl::Duration retry_after) {
  google::rpc::RetryInfo info;
  const int64_t nanos = absl::ToInt64Nanoseconds(retry_after);
  info.mutable_retry_delay()->set_seconds(nanos / 1000000000);
  info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  absl::Status status = absl::ResourceExhaustedError(message);
  status.SetPayload(absl::StrCat("type.googleapis.com/", info.GetTypeName()),
                    absl::Cord(info.SerializeAsString()));
  return status;
}

bool FieldErrors::Check(bool ok, absl::string_view field,
                        absl::string_view description) {
  if (!ok) Add(field, description);
  return ok;
}

void FieldErrors::Add(absl::string_view field, absl::string_view description) {
  violations_.emplace_back(std::string(field), std::string(description));
}

void FieldErrors::Absorb(const absl::Status& status) {
  if (status.ok()) return;
  google::rpc::BadRequest bad_request;
  auto payload = status.GetPayload(
      absl::StrCat("type.googleapis.com/", bad_request.GetTypeName()));
  if (!payload.has_value() ||
      !bad_request.ParseFromString(std::string(*payload))) {
    Add("", status.message());
    return;
  }
  for (const auto& v : bad_request.field_violations()) {
    Add(v.field(), v.description());
  }
}

absl::Status FieldErrors::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  google::rpc::BadRequest bad_request;
  for (const auto& [field, description] : violations_) {
    auto* violation = bad_request.add_field_violations();
    violation->set_field(field);
    violation->set_description(description);
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrJoin(
      violations_, "; ", [](std::string* out, const auto& v) {
        absl::StrAppend(out, v.first, ": ", v.second);
      }));
  status.SetPayload(
      absl::StrCat("type.googleapis.com/", bad_request.GetTypeName()),
      absl::Cord(bad_request.SerializeAsString()));
  return status;
}

}  // namespace steward::rpc
