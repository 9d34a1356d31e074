// Early-return helpers for absl::Status / absl::StatusOr, which Abseil
// 20220623 does not provide. The one pair every Steward target uses.
#ifndef STEWARD_COMMON_UTIL_STATUS_MACROS_H_
#define STEWARD_COMMON_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define STEWARD_CONCAT_INNER_(a, b) a##b
#define STEWARD_CONCAT_(a, b) STEWARD_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define STEWARD_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status steward_status_ = (expr);           \
    if (!steward_status_.ok()) return steward_status_; \
  } while (false)

// `STEWARD_ASSIGN_OR_RETURN(auto x, Foo());` declares/assigns `x` from a
// StatusOr, or returns its status from the enclosing function.
#define STEWARD_ASSIGN_OR_RETURN(lhs, expr) \
  STEWARD_ASSIGN_OR_RETURN_IMPL_(           \
      STEWARD_CONCAT_(steward_statusor_, __LINE__), lhs, expr)

#define STEWARD_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // STEWARD_COMMON_UTIL_STATUS_MACROS_H_
