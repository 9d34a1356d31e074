// Text checks shared by the services' validation rules.
#ifndef STEWARD_COMMON_UTIL_TEXT_H_
#define STEWARD_COMMON_UTIL_TEXT_H_

#include <cstddef>
#include <optional>
#include "absl/strings/string_view.h"

namespace steward {

// Number of Unicode code points in UTF-8 `text`, or nullopt when it is not
// well-formed UTF-8 (truncated sequences, stray continuation bytes, overlong
// lead bytes C0/C1, lead bytes above F4).
std::optional<size_t> Utf8Length(absl::string_view text);

}  // namespace steward

#endif  // STEWARD_COMMON_UTIL_TEXT_H_
