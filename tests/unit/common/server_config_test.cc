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
absl::StatusOr<ServerConfig> Load(std::vector<std::string> args) {
  absl::FlagSaver restore_flags_afterwards;
  args.insert(args.begin(), "steward-tickets");
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
  EXPECT_EQ(config->max_threads, 14);
  EXPECT_EQ(config->grace, absl::Seconds(3));
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

TEST(ServerConfigTest, DescribesEverySetting) {
  const std::string text = DescribeSettings();
  EXPECT_NE(text.find("STEWARD_DB_HOST"), std::string::npos);
  EXPECT_NE(text.find("--shutdown_grace"), std::string::npos);
}

}  // namespace
}  // namespace steward::server
