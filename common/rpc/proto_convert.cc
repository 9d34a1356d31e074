#include "common/rpc/proto_convert.h"

namespace steward::rpc {
namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, as protobuf defines them.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

}  // namespace

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rest * 1000));
  return out;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

bool CheckProtoTime(const google::protobuf::Timestamp& t,
                    absl::string_view field, FieldErrors& errors) {
  return errors.Check(t.seconds() >= kMinSeconds && t.seconds() <= kMaxSeconds &&
                          t.nanos() >= 0 && t.nanos() <= 999999999,
                      field, "not a valid timestamp");
}

}  // namespace steward::rpc
