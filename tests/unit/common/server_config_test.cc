// Settings precedence (defaults < STEWARD_* environment < --flags) and
// fail-fast validation.
#include "common/server/server_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "absl/flags/reflection.h"

namespace steward::server {
namespace {

const ServiceDefaults kDefaults = {.name = "tickets",
                                   .grpc_port = 50051,
                                   .metrics_port = 9101,
                                   .migrations_dir = "/schema"};

// Loads with `args`, then restores every flag, so calls don't leak settings
// into each other.
// The required key files are named (not read) first; `args` can override them.
absl::StatusOr<ServerConfig> Load(std::vector<std::string> args) {
  absl::FlagSaver restore_flags_afterwards;
  args.insert(args.begin(), {"steward-tickets", "--jwt_keys_file=/keys/jwt.pem",
                             "--data_keys_file=/keys/data-keys"});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return LoadServerConfig(kDefaults, static_cast<int>(argv.size()), argv.data());
}

TEST(ServerConfigTest, EnvironmentOverridesDefaultsAndFlagsOverrideEnvironment) {
  ::setenv("STEWARD_DB_PORT", "3307", 1);
  ::setenv("STEWARD_DB_POOL_SIZE", "4", 1);
  ::setenv("STEWARD_SHUTDOWN_GRACE", "3s", 1);
  auto config = Load({"--db_pool_size=6"});
  ::unsetenv("STEWARD_DB_PORT");
  ::unsetenv("STEWARD_DB_POOL_SIZE");
  ::unsetenv("STEWARD_SHUTDOWN_GRACE");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->grpc_listen, "127.0.0.1:50051");
  EXPECT_EQ(config->metrics_listen, "127.0.0.1:9101");
  EXPECT_EQ(config->db.schema, "steward_tickets");
  EXPECT_EQ(config->db.user, "steward_tickets");
  EXPECT_EQ(config->migrations_dir, "/schema");
  EXPECT_EQ(config->db.port, 3307);
  EXPECT_EQ(config->db.pool_size, 6);
  EXPECT_EQ(config->db.max_waiters, 48);  // 8 x pool
  EXPECT_EQ(config->max_threads, 58);     // pool + waiters + 4
  EXPECT_EQ(config->grace, absl::Seconds(3));
}

TEST(ServerConfigTest, ThreadsFollowTheWaitersAndExplicitValuesStand) {
  auto derived = Load({"--db_pool_size=4", "--db_max_waiters=10"});
  ASSERT_TRUE(derived.ok()) << derived.status();
  EXPECT_EQ(derived->db.max_waiters, 10);
  EXPECT_EQ(derived->max_threads, 18);
  auto set = Load({"--db_pool_size=4", "--max_threads=9"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->db.max_waiters, 32);
  EXPECT_EQ(set->max_threads, 9);
}

TEST(ServerConfigTest, PeerRateLimitIsSetAndChecked) {
  auto plain = Load({});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->peer_rate_limit_per_second, 20);
  EXPECT_EQ(plain->peer_rate_limit_burst, 200);
  // The last occurrence of a flag wins (the test harness relies on it).
  auto set =
      Load({"--peer_rate_limit_per_second=100000", "--peer_rate_limit_burst=7",
            "--peer_rate_limit_per_second=0.5"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->peer_rate_limit_per_second, 0.5);
  EXPECT_EQ(set->peer_rate_limit_burst, 7);
  for (const char* bad :
       {"--peer_rate_limit_per_second=0", "--peer_rate_limit_burst=0"}) {
    auto refused = Load({bad});
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_NE(refused.status().message().find("STEWARD_PEER_RATE_LIMIT"),
              std::string::npos)
        << refused.status();
  }
}

TEST(ServerConfigTest, PasswordComesFromAFile) {
  const std::string path = ::testing::TempDir() + "steward-password";
  std::ofstream(path) << "s3cret\n";
  auto config = Load({"--db_password_file=" + path});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->db.password, "s3cret");
  auto missing = Load({"--db_password_file=/nonexistent/file"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("STEWARD_DB_PASSWORD_FILE"),
            std::string::npos);
}

TEST(ServerConfigTest, MigrationCredentialIsOptionalAndFromAFile) {
  auto plain = Load({});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->db_migration_user, "");  // migrations run as db_user
  const std::string path = ::testing::TempDir() + "steward-migration-password";
  std::ofstream(path) << "ddl-s3cret\n";
  ::setenv("STEWARD_DB_MIGRATION_USER", "steward_tickets_migrate", 1);
  auto config = Load({"--db_migration_password_file=" + path});
  ::unsetenv("STEWARD_DB_MIGRATION_USER");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->db_migration_user, "steward_tickets_migrate");
  EXPECT_EQ(config->db_migration_password, "ddl-s3cret");
  EXPECT_EQ(config->db.user, "steward_tickets");
  EXPECT_EQ(config->db.password, "");
  auto orphan = Load({"--db_migration_password_file=" + path});
  EXPECT_EQ(orphan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(orphan.status().message().find("--db_migration_user"),
            std::string::npos);
  auto missing = Load({"--db_migration_user=m",
                       "--db_migration_password_file=/nonexistent/file"});
  EXPECT_NE(
      missing.status().message().find("STEWARD_DB_MIGRATION_PASSWORD_FILE"),
      std::string::npos);
}

TEST(ServerConfigTest, BadEnvironmentValueNamesTheVariable) {
  ::setenv("STEWARD_DB_PORT", "not-a-number", 1);
  auto config = Load({});
  ::unsetenv("STEWARD_DB_PORT");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("STEWARD_DB_PORT"), std::string::npos);
}

TEST(ServerConfigTest, OutOfRangeValuesNameTheSetting) {
  auto pool = Load({"--db_pool_size=0"});
  EXPECT_NE(pool.status().message().find("db_pool_size"), std::string::npos);
  auto listen = Load({"--grpc_listen=nonsense"});
  EXPECT_NE(listen.status().message().find("grpc_listen"), std::string::npos);
  auto port = Load({"--db_port=70000"});
  EXPECT_NE(port.status().message().find("db_port"), std::string::npos);
  auto level = Load({"--log_level=loud"});
  EXPECT_NE(level.status().message().find("log_level"), std::string::npos);
}

TEST(ServerConfigTest, PlaintextOnlyOnLoopback) {
  for (const char* listen :
       {"127.0.0.1:1", "127.3.2.1:1", "localhost:1", "LOCALHOST:1", "[::1]:1",
        "[::ffff:127.0.0.1]:1"}) {
    auto config = Load({std::string("--grpc_listen=") + listen});
    EXPECT_TRUE(config.ok()) << listen << ": " << config.status();
  }
  for (const char* listen : {"0.0.0.0:50051", "[::]:1", "10.0.0.5:1",
                             "steward-tickets:1", "128.0.0.1:1", "[::2]:1"}) {
    auto config = Load({std::string("--grpc_listen=") + listen});
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument)
        << listen;
    EXPECT_NE(config.status().message().find("--grpc_listen"),
              std::string::npos);
    EXPECT_NE(config.status().message().find("--tls_cert_file"),
              std::string::npos);
  }
  // With a certificate any address will do (the files are read at start-up).
  auto tls = Load({"--grpc_listen=0.0.0.0:50051", "--tls_cert_file=/c.pem",
                   "--tls_key_file=/k.pem"});
  EXPECT_TRUE(tls.ok()) << tls.status();
  ::setenv("STEWARD_GRPC_LISTEN", "0.0.0.0:50051", 1);
  auto from_env = Load({});
  ::unsetenv("STEWARD_GRPC_LISTEN");
  EXPECT_NE(from_env.status().message().find("STEWARD_GRPC_LISTEN"),
            std::string::npos);
}

TEST(ServerConfigTest, TlsSettingsGoTogether) {
  auto cert_only = Load({"--tls_cert_file=/c.pem"});
  EXPECT_EQ(cert_only.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(cert_only.status().message().find("tls_key_file"),
            std::string::npos);
  auto ca_only = Load({"--tls_client_ca_file=/ca.pem"});
  EXPECT_EQ(ca_only.status().code(), absl::StatusCode::kInvalidArgument);
  auto mtls = Load({"--tls_cert_file=/c.pem", "--tls_key_file=/k.pem",
                    "--tls_client_ca_file=/ca.pem"});
  ASSERT_TRUE(mtls.ok()) << mtls.status();
  EXPECT_EQ(mtls->tls_client_ca_file, "/ca.pem");
}

TEST(ServerConfigTest, Http2LimitsAreParsedAndChecked) {
  auto config =
      Load({"--max_connection_age=10m", "--keepalive_time=30s",
            "--min_client_ping_interval=90s", "--max_metadata_bytes=8192"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_connection_age, absl::Minutes(10));
  EXPECT_EQ(config->keepalive_time, absl::Seconds(30));
  EXPECT_EQ(config->min_client_ping_interval, absl::Seconds(90));
  EXPECT_EQ(config->max_metadata_bytes, 8192);
  EXPECT_EQ(config->max_connection_idle, absl::Minutes(5));
  auto grace = Load({"--max_connection_age_grace=-1s"});
  EXPECT_NE(grace.status().message().find("max_connection_age_grace"),
            std::string::npos);
  auto metadata = Load({"--max_metadata_bytes=0"});
  EXPECT_NE(metadata.status().message().find("max_metadata_bytes"),
            std::string::npos);
}

TEST(ServerConfigTest, DescribesEverySetting) {
  const std::string text = DescribeSettings();
  EXPECT_NE(text.find("STEWARD_DB_HOST"), std::string::npos);
  EXPECT_NE(text.find("--shutdown_grace"), std::string::npos);
}

TEST(ServerConfigTest, ReflectionIsOffUnlessAskedFor) {
  auto plain = Load({});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(plain->reflection);
  ::setenv("STEWARD_REFLECTION", "true", 1);
  auto from_env = Load({});
  ::unsetenv("STEWARD_REFLECTION");
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_TRUE(from_env->reflection);
  auto flag = Load({"--reflection"});
  ASSERT_TRUE(flag.ok()) << flag.status();
  EXPECT_TRUE(flag->reflection);
}

}  // namespace
}  // namespace steward::server
