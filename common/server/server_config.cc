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
#include "common/client/loopback.h"

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
ABSL_FLAG(std::string, db_migration_user, "",
          "Database user the schema migrations run as (DDL rights on the "
          "schema); empty: --db_user");
ABSL_FLAG(std::string, db_migration_password_file, "",
          "File holding --db_migration_user's password (a mounted Secret)");
ABSL_FLAG(int, db_pool_size, 8, "Database connections at most");
ABSL_FLAG(absl::Duration, db_acquire_timeout, absl::Milliseconds(500),
          "Wait for a free connection before RESOURCE_EXHAUSTED");
ABSL_FLAG(int, db_max_waiters, 0,
          "Requests that may wait for a busy pool's connection; beyond, "
          "RESOURCE_EXHAUSTED at once (0: 8 * db_pool_size)");
ABSL_FLAG(absl::Duration, db_connect_timeout, absl::Seconds(3),
          "Database connect timeout");
ABSL_FLAG(absl::Duration, db_io_timeout, absl::Seconds(10),
          "Database socket read/write timeout");
ABSL_FLAG(absl::Duration, db_migration_timeout, absl::Hours(1),
          "Socket read/write timeout while schema migrations run (an ALTER "
          "of a large table answers only when done)");
ABSL_FLAG(std::string, migrations_dir, "",
          "Folder of V###__*.sql migrations for this service");
ABSL_FLAG(int, max_threads, 0,
          "gRPC threads at most (0: db_pool_size + db_max_waiters + 4)");
ABSL_FLAG(absl::Duration, health_interval, absl::Seconds(1),
          "How often the database is pinged for the health status");
ABSL_FLAG(absl::Duration, shutdown_drain, absl::ZeroDuration(),
          "After SIGTERM, serve NOT_SERVING this long before stopping");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "Time in-flight RPCs get to finish at shutdown");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "Largest request message");
ABSL_FLAG(int, max_concurrent_streams, 100,
          "HTTP/2 concurrent streams per connection");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(30),
          "Close connections gracefully after this age (clients rebalance)");
ABSL_FLAG(absl::Duration, max_connection_age_grace, absl::Seconds(30),
          "In-flight calls' time to finish on an aged-out connection");
ABSL_FLAG(absl::Duration, max_connection_idle, absl::Minutes(5),
          "Close connections without calls for this long");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Minutes(2),
          "Server keepalive ping interval");
ABSL_FLAG(absl::Duration, keepalive_timeout, absl::Seconds(20),
          "Close a connection whose keepalive ping is unanswered this long");
ABSL_FLAG(absl::Duration, min_client_ping_interval, absl::Seconds(60),
          "Most frequent client keepalive pings tolerated");
ABSL_FLAG(int, max_metadata_bytes, 16 << 10, "Largest request metadata");
ABSL_FLAG(std::string, tls_cert_file, "",
          "Server certificate chain (PEM); enables TLS");
ABSL_FLAG(std::string, tls_key_file, "", "Server private key (PEM)");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "CA bundle (PEM) for client certificates; requires mutual TLS");
ABSL_FLAG(std::string, jwt_keys_file, "",
          "Public keys for bearer tokens: a JWKS document or one PEM key");
ABSL_FLAG(std::string, jwt_issuer, "steward-dev", "Required token issuer (iss)");
ABSL_FLAG(std::string, jwt_audience, "steward",
          "Required token audience (aud)");
ABSL_FLAG(absl::Duration, jwt_leeway, absl::Seconds(30),
          "Clock skew allowed on exp and nbf");
ABSL_FLAG(std::string, data_keys_file, "",
          "Data keys for personal-data encryption and page-token MACs");
ABSL_FLAG(double, rate_limit_per_second, 50,
          "Sustained calls per second per caller");
ABSL_FLAG(int, rate_limit_burst, 100, "Burst of calls per caller");
ABSL_FLAG(double, peer_rate_limit_per_second, 20,
          "Sustained refused calls (no or bad token, denied by the access "
          "table) per second per peer address; beyond, every call of the "
          "address is refused before its token is examined");
ABSL_FLAG(int, peer_rate_limit_burst, 200,
          "Burst of refused calls per peer address");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(bool, allow_non_durable_db, false,
          "Start although innodb_flush_log_at_trx_commit != 1 (development)");
ABSL_FLAG(bool, reflection, false,
          "Serve gRPC server reflection (lists the whole API to any caller, "
          "without a token): development only");
ABSL_FLAG(bool, migrate_only, false,
          "Apply the schema migrations, then exit 0 without serving");

namespace steward::server {
namespace {

constexpr const char* kFlagNames[] = {
    "grpc_listen",      "metrics_listen",     "db_host",
    "db_port",          "db_name",            "db_user",
    "db_password",      "db_password_file",   "db_migration_user",
    "db_migration_password_file", "db_pool_size",
    "db_acquire_timeout", "db_max_waiters", "db_connect_timeout", "db_io_timeout",
    "db_migration_timeout",
    "migrations_dir",   "max_threads",        "health_interval",
    "shutdown_drain",   "shutdown_grace",     "max_message_bytes",
    "max_concurrent_streams", "max_connection_age", "max_connection_age_grace",
    "max_connection_idle", "keepalive_time", "keepalive_timeout",
    "min_client_ping_interval", "max_metadata_bytes", "tls_cert_file",
    "reflection",
    "tls_key_file", "tls_client_ca_file", "jwt_keys_file", "jwt_issuer",
    "jwt_audience", "jwt_leeway", "data_keys_file", "rate_limit_per_second",
    "peer_rate_limit_per_second", "peer_rate_limit_burst",
    "rate_limit_burst", "log_level", "allow_non_durable_db", "migrate_only"};

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

// The content of a one-line secret file (a password), trailing whitespace
// dropped; the error names the setting and the path, never the content.
absl::StatusOr<std::string> ReadSecretFile(absl::string_view flag,
                                           const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, " (", EnvName(flag), "): cannot read ", path));
  }
  std::stringstream content;
  content << in.rdbuf();
  return std::string(absl::StripTrailingAsciiWhitespace(content.str()));
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
  config.db.max_waiters = absl::GetFlag(FLAGS_db_max_waiters);
  config.db.connect_timeout = absl::GetFlag(FLAGS_db_connect_timeout);
  config.db.io_timeout = absl::GetFlag(FLAGS_db_io_timeout);
  config.db.migration_timeout = absl::GetFlag(FLAGS_db_migration_timeout);
  config.migrations_dir = absl::GetFlag(FLAGS_migrations_dir);
  config.max_threads = absl::GetFlag(FLAGS_max_threads);
  config.health_interval = absl::GetFlag(FLAGS_health_interval);
  config.drain = absl::GetFlag(FLAGS_shutdown_drain);
  config.grace = absl::GetFlag(FLAGS_shutdown_grace);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  config.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  config.log_level = absl::GetFlag(FLAGS_log_level);
  config.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  config.max_connection_age_grace =
      absl::GetFlag(FLAGS_max_connection_age_grace);
  config.max_connection_idle = absl::GetFlag(FLAGS_max_connection_idle);
  config.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  config.keepalive_timeout = absl::GetFlag(FLAGS_keepalive_timeout);
  config.min_client_ping_interval =
      absl::GetFlag(FLAGS_min_client_ping_interval);
  config.max_metadata_bytes = absl::GetFlag(FLAGS_max_metadata_bytes);
  config.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  config.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  config.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  config.jwt_keys_file = absl::GetFlag(FLAGS_jwt_keys_file);
  config.jwt_issuer = absl::GetFlag(FLAGS_jwt_issuer);
  config.jwt_audience = absl::GetFlag(FLAGS_jwt_audience);
  config.jwt_leeway = absl::GetFlag(FLAGS_jwt_leeway);
  config.data_keys_file = absl::GetFlag(FLAGS_data_keys_file);
  config.rate_limit_per_second = absl::GetFlag(FLAGS_rate_limit_per_second);
  config.rate_limit_burst = absl::GetFlag(FLAGS_rate_limit_burst);
  config.peer_rate_limit_per_second =
      absl::GetFlag(FLAGS_peer_rate_limit_per_second);
  config.peer_rate_limit_burst = absl::GetFlag(FLAGS_peer_rate_limit_burst);
  config.migrate_only = absl::GetFlag(FLAGS_migrate_only);
  config.reflection = absl::GetFlag(FLAGS_reflection);
  config.allow_non_durable_db = absl::GetFlag(FLAGS_allow_non_durable_db);

  const std::string password_file = absl::GetFlag(FLAGS_db_password_file);
  if (!password_file.empty()) {
    auto password = ReadSecretFile("db_password_file", password_file);
    if (!password.ok()) return password.status();
    config.db.password = *std::move(password);
  }
  config.db_migration_user = absl::GetFlag(FLAGS_db_migration_user);
  const std::string migration_password_file =
      absl::GetFlag(FLAGS_db_migration_password_file);
  if (!migration_password_file.empty()) {
    if (config.db_migration_user.empty()) {
      return absl::InvalidArgumentError(
          "--db_migration_password_file (STEWARD_DB_MIGRATION_PASSWORD_FILE) "
          "needs --db_migration_user (STEWARD_DB_MIGRATION_USER)");
    }
    auto password =
        ReadSecretFile("db_migration_password_file", migration_password_file);
    if (!password.ok()) return password.status();
    config.db_migration_password = *std::move(password);
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
        Positive("db_migration_timeout",
                 absl::ToInt64Milliseconds(config.db.migration_timeout)),
        Positive("health_interval",
                 absl::ToInt64Milliseconds(config.health_interval)),
        Positive("max_message_bytes", config.max_message_bytes),
        Positive("max_concurrent_streams", config.max_concurrent_streams),
        Positive("max_connection_age",
                 absl::ToInt64Milliseconds(config.max_connection_age)),
        Positive("max_connection_idle",
                 absl::ToInt64Milliseconds(config.max_connection_idle)),
        Positive("keepalive_time",
                 absl::ToInt64Milliseconds(config.keepalive_time)),
        Positive("keepalive_timeout",
                 absl::ToInt64Milliseconds(config.keepalive_timeout)),
        Positive("min_client_ping_interval",
                 absl::ToInt64Milliseconds(config.min_client_ping_interval)),
        Positive("max_metadata_bytes", config.max_metadata_bytes),
        Positive("rate_limit_burst", config.rate_limit_burst),
        Positive("peer_rate_limit_burst", config.peer_rate_limit_burst)}) {
    if (!s.ok()) return s;
  }
  if (!(config.rate_limit_per_second > 0)) {
    return absl::InvalidArgumentError(
        "--rate_limit_per_second (STEWARD_RATE_LIMIT_PER_SECOND) must be positive");
  }
  if (!(config.peer_rate_limit_per_second > 0)) {
    return absl::InvalidArgumentError(
        "--peer_rate_limit_per_second (STEWARD_PEER_RATE_LIMIT_PER_SECOND) "
        "must be positive");
  }
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert_file and --tls_key_file (STEWARD_TLS_CERT_FILE, "
        "STEWARD_TLS_KEY_FILE) go together");
  }
  if (!config.tls_client_ca_file.empty() && config.tls_cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca_file (STEWARD_TLS_CLIENT_CA_FILE) needs "
        "--tls_cert_file and --tls_key_file");
  }
  // Plaintext never leaves the machine: without TLS only a loopback
  // listener is allowed (an in-cluster pod listening on 0.0.0.0 must have
  // its certificate).
  if (config.tls_cert_file.empty() &&
      !client::IsLoopbackHost(client::HostOfHostPort(config.grpc_listen))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--grpc_listen (STEWARD_GRPC_LISTEN) \"", config.grpc_listen,
        "\" is not a loopback address: set --tls_cert_file and "
        "--tls_key_file (STEWARD_TLS_CERT_FILE, STEWARD_TLS_KEY_FILE), or "
        "listen on 127.0.0.1, ::1 or localhost"));
  }
  if (config.max_connection_age_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--max_connection_age_grace (STEWARD_MAX_CONNECTION_AGE_GRACE) must "
        "not be negative");
  }
  // Migrating needs neither (an init container mounts no keys).
  if (config.jwt_keys_file.empty() && !config.migrate_only) {
    return absl::InvalidArgumentError(
        "--jwt_keys_file (STEWARD_JWT_KEYS_FILE) is required: every RPC but "
        "health needs a verified bearer token (scripts/dev-secrets.sh makes "
        "development keys)");
  }
  if (config.data_keys_file.empty() && !config.migrate_only) {
    return absl::InvalidArgumentError(
        "--data_keys_file (STEWARD_DATA_KEYS_FILE) is required: personal "
        "data and page tokens are protected with these keys "
        "(scripts/dev-secrets.sh makes development keys)");
  }
  if (config.jwt_issuer.empty() || config.jwt_audience.empty()) {
    return absl::InvalidArgumentError(
        "--jwt_issuer and --jwt_audience (STEWARD_JWT_ISSUER, "
        "STEWARD_JWT_AUDIENCE) must not be empty");
  }
  if (config.db.port > 65535) {
    return absl::InvalidArgumentError("--db_port (STEWARD_DB_PORT) must be at most 65535");
  }
  if (config.db.user.empty() || config.db.schema.empty()) {
    return absl::InvalidArgumentError(
        "--db_user (STEWARD_DB_USER) and --db_name (STEWARD_DB_NAME) must not be empty");
  }
  if (config.db.max_waiters < 0) {
    return absl::InvalidArgumentError(
        "--db_max_waiters (STEWARD_DB_MAX_WAITERS) must not be negative");
  }
  // Queueing is cheap while waits are short (a connection frees up every
  // ~0.1-1 ms under load), and every wait is bounded by acquire_timeout and
  // the caller's deadline; the count bound is what refuses at once when the
  // database stalls. At 1 x pool, 64 callers saw 37,759 refusals in 4 s and
  // CreateTicket fell from 2,477/s to 1,670/s; at 8 x pool, none and 2,304/s.
  if (config.db.max_waiters == 0) config.db.max_waiters = 8 * config.db.pool_size;
  if (config.max_threads < 0) {
    return absl::InvalidArgumentError("--max_threads (STEWARD_MAX_THREADS) must not be negative");
  }
  // Every admitted call holds a sync-server thread: those using a
  // connection, those waiting for one, and a few for gRPC's pollers, so
  // the pool's queue, not the thread quota, decides who is refused.
  if (config.max_threads == 0) {
    config.max_threads = config.db.pool_size + config.db.max_waiters + 4;
  }
  if (config.log_level != "debug" && config.log_level != "info" &&
      config.log_level != "warning" && config.log_level != "error") {
    return absl::InvalidArgumentError(
        "--log_level (STEWARD_LOG_LEVEL) must be debug, info, warning or error");
  }
  return config;
}

}  // namespace steward::server
