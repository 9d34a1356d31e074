#include "common/server/server_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

ABSL_FLAG(std::string, grpc_listen, "", "gRPC listen address host:port");
ABSL_FLAG(std::string, metrics_listen, "",
          "Prometheus /metrics listen address host:port");
ABSL_FLAG(std::string, db_host, "127.0.0.1", "Database host");
ABSL_FLAG(int, db_port, 3306, "Database port");
ABSL_FLAG(std::string, db_name, "", "Schema (default steward_<service>)");
ABSL_FLAG(std::string, db_user, "", "Database user (default steward_<service>)");
ABSL_FLAG(std::string, db_password, "",
          "Database password (prefer STEWARD_DB_PASSWORD or db_password_file)");
ABSL_FLAG(std::string, db_password_file, "",
          "File holding the database password (e.g. a mounted Secret)");
ABSL_FLAG(int, db_pool_size, 8, "Database connections at most");
ABSL_FLAG(absl::Duration, db_acquire_timeout, absl::Milliseconds(500),
          "Wait for a free connection before RESOURCE_EXHAUSTED");
ABSL_FLAG(absl::Duration, db_connect_timeout, absl::Seconds(3),
          "Database connect timeout");
ABSL_FLAG(absl::Duration, db_io_timeout, absl::Seconds(10),
          "Database socket read/write timeout");
ABSL_FLAG(std::string, migrations_dir, "",
          "Folder of V###__*.sql migrations for this service");
ABSL_FLAG(int, max_threads, 0,
          "gRPC threads at most (0: 2 * db_pool_size + 2)");
ABSL_FLAG(absl::Duration, health_interval, absl::Seconds(1),
          "How often the database is pinged for the health status");
ABSL_FLAG(absl::Duration, shutdown_drain, absl::ZeroDuration(),
          "After SIGTERM, serve NOT_SERVING this long before stopping");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "Time in-flight RPCs get to finish at shutdown");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "Largest request message");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "HTTP/2 concurrent streams per connection");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(bool, migrate_only, false,
          "Apply the schema migrations, then exit 0 without serving");

namespace steward::server {
namespace {

constexpr const char* kFlagNames[] = {
    "grpc_listen",      "metrics_listen",     "db_host",
    "db_port",          "db_name",            "db_user",
    "db_password",      "db_password_file",   "db_pool_size",
    "db_acquire_timeout", "db_connect_timeout", "db_io_timeout",
    "migrations_dir",   "max_threads",        "health_interval",
    "shutdown_drain",   "shutdown_grace",     "max_message_bytes",
    "max_concurrent_streams", "log_level",    "migrate_only"};

std::string EnvName(absl::string_view flag) {
  return absl::StrCat("STEWARD_", absl::AsciiStrToUpper(flag));
}

absl::Status SetFromString(absl::string_view flag, absl::string_view value,
                           absl::string_view source) {
  absl::CommandLineFlag* f = absl::FindCommandLineFlag(flag);
  std::string error;
  if (f == nullptr || !f->ParseFrom(value, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid ", source, " for --", flag, ": ", error));
  }
  return absl::OkStatus();
}

absl::Status CheckHostPort(absl::string_view flag, const std::string& value) {
  int port = -1;
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(value).substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " (", EnvName(flag), ") must be host:port, got \"", value,
        "\""));
  }
  return absl::OkStatus();
}

absl::Status Positive(absl::string_view flag, int64_t value) {
  if (value > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--", flag, " (", EnvName(flag), ") must be positive"));
}

}  // namespace

absl::Status ApplyEnvironment(const std::vector<std::string>& flag_names) {
  for (const std::string& name : flag_names) {
    const char* value = std::getenv(EnvName(name).c_str());
    if (value == nullptr) continue;
    absl::Status s = SetFromString(name, value,
                                   absl::StrCat("environment ", EnvName(name)));
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string DescribeSettings() {
  std::string out;
  for (const char* name : kFlagNames) {
    const absl::CommandLineFlag* f = absl::FindCommandLineFlag(name);
    absl::StrAppend(&out, "  --", name, " / ", EnvName(name), " (default ",
                    f->DefaultValue(), "): ", f->Help(), "\n");
  }
  return out;
}

absl::StatusOr<ServerConfig> LoadServerConfig(const ServiceDefaults& defaults,
                                              int argc, char** argv) {
  absl::SetFlag(&FLAGS_grpc_listen,
                absl::StrCat("127.0.0.1:", defaults.grpc_port));
  absl::SetFlag(&FLAGS_metrics_listen,
                absl::StrCat("127.0.0.1:", defaults.metrics_port));
  absl::SetFlag(&FLAGS_db_name, absl::StrCat("steward_", defaults.name));
  absl::SetFlag(&FLAGS_db_user, absl::StrCat("steward_", defaults.name));
  absl::SetFlag(&FLAGS_migrations_dir, defaults.migrations_dir);
  if (absl::Status s = ApplyEnvironment(
          std::vector<std::string>(std::begin(kFlagNames), std::end(kFlagNames)));
      !s.ok()) {
    return s;
  }
  static const bool usage_set = [&defaults] {
    absl::SetProgramUsageMessage(absl::StrCat(
        "steward-", defaults.name, ": the Steward ", defaults.name,
        " service.\nEvery flag can also be set as STEWARD_<FLAG> in the "
        "environment."));
    return true;
  }();
  (void)usage_set;
  absl::ParseCommandLine(argc, argv);

  ServerConfig config;
  config.grpc_listen = absl::GetFlag(FLAGS_grpc_listen);
  config.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  config.db.host = absl::GetFlag(FLAGS_db_host);
  config.db.port = absl::GetFlag(FLAGS_db_port);
  config.db.schema = absl::GetFlag(FLAGS_db_name);
  config.db.user = absl::GetFlag(FLAGS_db_user);
  config.db.password = absl::GetFlag(FLAGS_db_password);
  config.db.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  config.db.acquire_timeout = absl::GetFlag(FLAGS_db_acquire_timeout);
  config.db.connect_timeout = absl::GetFlag(FLAGS_db_connect_timeout);
  config.db.io_timeout = absl::GetFlag(FLAGS_db_io_timeout);
  config.migrations_dir = absl::GetFlag(FLAGS_migrations_dir);
  config.max_threads = absl::GetFlag(FLAGS_max_threads);
  config.health_interval = absl::GetFlag(FLAGS_health_interval);
  config.drain = absl::GetFlag(FLAGS_shutdown_drain);
  config.grace = absl::GetFlag(FLAGS_shutdown_grace);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  config.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  config.log_level = absl::GetFlag(FLAGS_log_level);
  config.migrate_only = absl::GetFlag(FLAGS_migrate_only);

  const std::string password_file = absl::GetFlag(FLAGS_db_password_file);
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    if (!in) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--db_password_file (STEWARD_DB_PASSWORD_FILE): cannot read ",
          password_file));
    }
    std::stringstream content;
    content << in.rdbuf();
    config.db.password = std::string(absl::StripTrailingAsciiWhitespace(content.str()));
  }

  for (absl::Status s :
       {CheckHostPort("grpc_listen", config.grpc_listen),
        CheckHostPort("metrics_listen", config.metrics_listen),
        Positive("db_port", config.db.port),
        Positive("db_pool_size", config.db.pool_size),
        Positive("db_acquire_timeout",
                 absl::ToInt64Milliseconds(config.db.acquire_timeout)),
        Positive("db_connect_timeout",
                 absl::ToInt64Milliseconds(config.db.connect_timeout)),
        Positive("db_io_timeout", absl::ToInt64Milliseconds(config.db.io_timeout)),
        Positive("health_interval",
                 absl::ToInt64Milliseconds(config.health_interval)),
        Positive("max_message_bytes", config.max_message_bytes),
        Positive("max_concurrent_streams", config.max_concurrent_streams)}) {
    if (!s.ok()) return s;
  }
  if (config.db.port > 65535) {
    return absl::InvalidArgumentError("--db_port (STEWARD_DB_PORT) must be at most 65535");
  }
  if (config.db.user.empty() || config.db.schema.empty()) {
    return absl::InvalidArgumentError(
        "--db_user (STEWARD_DB_USER) and --db_name (STEWARD_DB_NAME) must not be empty");
  }
  if (config.max_threads < 0) {
    return absl::InvalidArgumentError("--max_threads (STEWARD_MAX_THREADS) must not be negative");
  }
  if (config.max_threads == 0) config.max_threads = 2 * config.db.pool_size + 2;
  if (config.log_level != "debug" && config.log_level != "info" &&
      config.log_level != "warning" && config.log_level != "error") {
    return absl::InvalidArgumentError(
        "--log_level (STEWARD_LOG_LEVEL) must be debug, info, warning or error");
  }
  return config;
}

}  // namespace steward::server
