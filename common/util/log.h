// Structured logging: one JSON object per line on stderr, so the container
// runtime and log shippers can parse it. Never pass personal data (owners'
// names, phone numbers, addresses) to these functions.
#ifndef STEWARD_COMMON_UTIL_LOG_H_
#define STEWARD_COMMON_UTIL_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace steward::log {

enum class Level { kDebug, kInfo, kWarning, kError };

// A key/value pair attached to a log line; values are written as JSON strings.
using Field = std::pair<absl::string_view, std::string>;

// Sets the service name written on every line (call once, before threads).
void SetService(absl::string_view service);
// Lines below `level` are dropped. Thread-safe.
void SetMinLevel(Level level);

// Writes one line atomically. Thread-safe.
void Write(Level level, absl::string_view message,
           std::initializer_list<Field> fields = {});

inline void Info(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warning(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kWarning, m, f);
}
inline void Error(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kError, m, f);
}

}  // namespace steward::log

#endif  // STEWARD_COMMON_UTIL_LOG_H_
