#include "common/util/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace steward::log {
namespace {

std::atomic<int> min_level{static_cast<int>(Level::kInfo)};
std::string* service_name = new std::string("steward");

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

void AppendJsonString(std::string& out, absl::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

}  // namespace

void SetService(absl::string_view service) {
  *service_name = std::string(service);
}

void SetMinLevel(Level level) { min_level = static_cast<int>(level); }

namespace {

void WriteLine(Level level, absl::string_view message,
               std::initializer_list<Field> fields, const Field* extra) {
  std::string line = "{\"ts\":";
  AppendJsonString(line, absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(),
                                          absl::UTCTimeZone()));
  absl::StrAppend(&line, ",\"level\":\"", LevelName(level), "\",\"service\":");
  AppendJsonString(line, *service_name);
  line += ",\"msg\":";
  AppendJsonString(line, message);
  auto append = [&line](const Field& field) {
    line.push_back(',');
    AppendJsonString(line, field.first);
    line.push_back(':');
    AppendJsonString(line, field.second);
  };
  for (const Field& field : fields) append(field);
  if (extra != nullptr) append(*extra);
  line += "}\n";
  // One write(2) per line keeps concurrent lines from interleaving.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

bool Enabled(Level level) {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

void WriteThrottled(Level level, absl::string_view message,
                    std::initializer_list<Field> fields) {
  static Throttle* throttle = new Throttle(absl::Seconds(1));
  if (!Enabled(level)) return;
  int64_t suppressed = 0;
  if (!throttle->Admit(message, absl::Now(), &suppressed)) return;
  if (suppressed == 0) {
    WriteLine(level, message, fields, nullptr);
    return;
  }
  const Field held{"suppressed", absl::StrCat(suppressed)};
  WriteLine(level, message, fields, &held);
}

}  // namespace

void Write(Level level, absl::string_view message,
           std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  WriteLine(level, message, fields, nullptr);
}

void WarningThrottled(absl::string_view m, std::initializer_list<Field> f) {
  WriteThrottled(Level::kWarning, m, f);
}

void ErrorThrottled(absl::string_view m, std::initializer_list<Field> f) {
  WriteThrottled(Level::kError, m, f);
}

bool Throttle::Admit(absl::string_view key, absl::Time now,
                     int64_t* suppressed) {
  absl::MutexLock lock(&mu_);
  State& state = keys_[key];
  if (now - state.last < interval_) {
    ++state.held;
    return false;
  }
  *suppressed = state.held;
  state.held = 0;
  state.last = now;
  return true;
}

}  // namespace steward::log
