// Settings every Steward service takes, from (in rising precedence) the
// service's defaults, STEWARD_* environment variables and --flags. The flag
// `--db_pool_size` is read from STEWARD_DB_POOL_SIZE, and so on.
#ifndef STEWARD_COMMON_SERVER_SERVER_CONFIG_H_
#define STEWARD_COMMON_SERVER_SERVER_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/db_config.h"

namespace steward::server {

// What differs between the four services before any setting is read.
struct ServiceDefaults {
  std::string name;  // "tickets"
  int grpc_port = 0;
  int metrics_port = 0;
  std::string migrations_dir;  // source-tree default, overridable
};

struct ServerConfig {
  std::string grpc_listen;     // host:port
  std::string metrics_listen;  // host:port
  db::DbConfig db;
  std::string migrations_dir;
  // gRPC threads at most (handlers and pollers); 0 in the flag means
  // 2 × db.pool_size + 2: every connection busy, as many requests waiting
  // for one (bounded by db_acquire_timeout), and two pollers. Beyond that
  // the server answers RESOURCE_EXHAUSTED at once.
  int max_threads = 0;
  absl::Duration health_interval = absl::Seconds(1);
  // After SIGTERM: keep serving (health NOT_SERVING) for `drain`, so load
  // balancers stop routing, then give in-flight RPCs up to `grace`.
  absl::Duration drain = absl::ZeroDuration();
  absl::Duration grace = absl::Seconds(10);
  int max_message_bytes = 4 << 20;
  int max_concurrent_streams = 100;
  std::string log_level = "info";
  // Apply the migrations and exit 0 without serving (one migration step per
  // rollout, e.g. an init container or a Job).
  bool migrate_only = false;
};

// For a service's own flags (defined with ABSL_FLAG in its main.cc): sets
// each named flag from STEWARD_<FLAG> in the environment when present. Call
// before ServiceMain, which parses the command line (flags still win).
// INVALID_ARGUMENT naming the variable for a malformed value.
absl::Status ApplyEnvironment(const std::vector<std::string>& flag_names);

// Lists every setting with its flag, environment variable and meaning (used
// by --help and the README table).
std::string DescribeSettings();

// Applies `defaults`, then the environment, then the command line. Returns
// INVALID_ARGUMENT naming the setting for a malformed or out-of-range value
// (the message names the flag and its environment variable). `argv` keeps
// positional arguments only.
absl::StatusOr<ServerConfig> LoadServerConfig(const ServiceDefaults& defaults,
                                              int argc, char** argv);

}  // namespace steward::server

#endif  // STEWARD_COMMON_SERVER_SERVER_CONFIG_H_
