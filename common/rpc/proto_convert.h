// Small proto ↔ domain helpers every API layer uses: timestamps and enum
// fields checked against the domain's known values.
#ifndef STEWARD_COMMON_RPC_PROTO_CONVERT_H_
#define STEWARD_COMMON_RPC_PROTO_CONVERT_H_

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/rpc/errors.h"
#include "google/protobuf/timestamp.pb.h"

namespace steward::rpc {

google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& t);
// A timestamp within 0001-01-01..9999-12-31 with nanos in range; otherwise a
// violation on `field`.
bool CheckProtoTime(const google::protobuf::Timestamp& t,
                    absl::string_view field, FieldErrors& errors);

// An enum field that must be set (non-zero) and within 1..max: the domain
// enum with the same numbering, or nullopt after recording a violation.
template <typename DomainEnum, typename ProtoEnum>
std::optional<DomainEnum> RequiredEnum(ProtoEnum value, int max,
                                       absl::string_view field,
                                       FieldErrors& errors) {
  const int v = static_cast<int>(value);
  if (v == 0) {
    errors.Add(field, "required");
    return std::nullopt;
  }
  if (v < 0 || v > max) {
    errors.Add(field, absl::StrCat("unknown value ", v));
    return std::nullopt;
  }
  return static_cast<DomainEnum>(v);
}

// The same for an optional filter: zero means "not set".
template <typename DomainEnum, typename ProtoEnum>
std::optional<DomainEnum> OptionalEnum(ProtoEnum value, int max,
                                       absl::string_view field,
                                       FieldErrors& errors) {
  if (static_cast<int>(value) == 0) return std::nullopt;
  return RequiredEnum<DomainEnum>(value, max, field, errors);
}

}  // namespace steward::rpc

#endif  // STEWARD_COMMON_RPC_PROTO_CONVERT_H_
