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
  // The credential schema migrations run as: a user with DDL rights on the
  // schema, while db.user (the runtime user) holds only data rights. Empty:
  // migrations run as db.user (which then needs them itself).
  std::string db_migration_user;
  std::string db_migration_password;
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
  // HTTP/2 hardening (Debian's gRPC 1.51 predates several upstream fixes,
  // so every limit is explicit). Connections are closed gracefully after
  // `max_connection_age` (+ `max_connection_age_grace` for in-flight calls)
  // so clients rebalance, and after `max_connection_idle` without calls.
  absl::Duration max_connection_age = absl::Minutes(30);
  absl::Duration max_connection_age_grace = absl::Seconds(30);
  absl::Duration max_connection_idle = absl::Minutes(5);
  // Server keepalive pings, and the most frequent client pings tolerated
  // (more frequent ones count as strikes; two strikes close the connection).
  absl::Duration keepalive_time = absl::Minutes(2);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration min_client_ping_interval = absl::Seconds(60);
  int max_metadata_bytes = 16 << 10;

  // Transport security. With a certificate and key the server speaks TLS;
  // with a client CA too it requires and verifies client certificates
  // (mutual TLS). Without TLS it only listens on loopback addresses.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;

  // Caller authentication: bearer JWTs verified against the public keys in
  // `jwt_keys_file` (a JWKS document or one PEM public key; re-read when it
  // changes), with these issuer and audience, and `jwt_leeway` of clock skew.
  std::string jwt_keys_file;
  std::string jwt_issuer = "steward-dev";
  std::string jwt_audience;  // default "steward"
  absl::Duration jwt_leeway = absl::Seconds(30);
  // Data keys: personal data encryption, lookup hashes and page-token MACs
  // (see common/crypto/data_keys.h for the file format).
  std::string data_keys_file;
  // Per-principal token bucket: sustained calls per second and burst.
  double rate_limit_per_second = 50;
  int rate_limit_burst = 100;
  // Per-peer-address token bucket of refused calls (no or bad token, or
  // denied by the access table): once a peer's is empty, all its calls are
  // refused before their token is examined, until it refills.
  double peer_rate_limit_per_second = 20;
  int peer_rate_limit_burst = 200;

  // Start even when the database does not flush its log at every commit
  // (development only: acknowledged writes can be lost in a crash).
  bool allow_non_durable_db = false;
  // Serve grpc.reflection (the whole API's descriptors, to callers without
  // a token, like health). Off unless asked for: development tools such as
  // grpcurl use it; a deployed service has no need to describe itself.
  bool reflection = false;
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
