// Structured logging: one JSON object per line on stderr, so the container
// runtime and log shippers can parse it. Never pass personal data (owners'
// names, phone numbers, addresses) to these functions.
#ifndef STEWARD_COMMON_UTIL_LOG_H_
#define STEWARD_COMMON_UTIL_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

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

// Decides which of many lines with the same key get written: the first, then
// at most one per `interval`, each telling how many were held back since the
// last one. Keys are fixed message texts (never data), so the table stays
// small. Thread-safe.
class Throttle {
 public:
  explicit Throttle(absl::Duration interval) : interval_(interval) {}
  // Whether a line with `key` at `now` is written; if so, `*suppressed` is
  // how many lines with that key were held back since the last one written.
  bool Admit(absl::string_view key, absl::Time now, int64_t* suppressed);

 private:
  struct State {
    absl::Time last = absl::InfinitePast();
    int64_t held = 0;
  };
  const absl::Duration interval_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, State> keys_ ABSL_GUARDED_BY(mu_);
};

// Warning/Error for lines a failing dependency can produce on every call
// (database down, audit rows not written): at most one per message per
// second, with a "suppressed" field counting the lines held back. The
// counters beside these lines (metrics) still count every occurrence.
void WarningThrottled(absl::string_view m, std::initializer_list<Field> f = {});
void ErrorThrottled(absl::string_view m, std::initializer_list<Field> f = {});

}  // namespace steward::log

#endif  // STEWARD_COMMON_UTIL_LOG_H_
