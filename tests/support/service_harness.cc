#include "tests/support/service_harness.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace steward::testing {

std::shared_ptr<grpc::Channel> ServiceUnderTest::Channel() const {
  return ChannelAs(default_token);
}

std::shared_ptr<grpc::Channel> ServiceUnderTest::ChannelAs(
    const std::string& token) const {
  // Steward's reads and its request_id-keyed mutations may run again.
  auto channel = client::MakeChannel(
      {.target = target(),
       .bearer_token = token,
       .idempotent_methods = {"steward.tickets.v1.TicketService",
                              "steward.communication.v1.CommunicationService",
                              "steward.training.v1.TrainingService",
                              "steward.kpi.v1.KpiService",
                              "steward.common.v1.AuditService",
                              "grpc.health.v1.Health"}});
  EXPECT_TRUE(channel.ok()) << channel.status();
  return channel.ok() ? *channel : nullptr;
}

std::string MintTestToken(const TestEnv& env, auth::TokenRequest request) {
  std::ifstream in(env.secrets_dir + "/jwt-signing.key");
  std::stringstream pem;
  pem << in.rdbuf();
  auto token = auth::MintToken(request, pem.str());
  EXPECT_TRUE(token.ok()) << token.status()
                          << " (run scripts/test.sh: it makes the keys)";
  return token.value_or("");
}

std::string TokenFor(const TestEnv& env, std::string subject, auth::Role role,
                     std::vector<std::string> communities,
                     std::vector<std::string> households,
                     std::vector<std::string> scopes) {
  auth::TokenRequest request;
  request.subject = std::move(subject);
  request.role = role;
  request.communities = std::move(communities);
  request.households = std::move(households);
  request.scopes = std::move(scopes);
  return MintTestToken(env, request);
}

std::string ManagerToken(const TestEnv& env) {
  auth::TokenRequest request;
  request.subject = "test-manager";
  request.role = auth::Role::kManager;
  request.communities = {"*"};
  return MintTestToken(env, request);
}

std::string SystemToken(const TestEnv& env) {
  auth::TokenRequest request;
  request.subject = "test-system";
  request.role = auth::Role::kSystem;
  request.communities = {"*"};
  request.scopes = {"tickets.read",  "tickets.write", "communication.read",
                    "communication.write", "training.read", "training.write",
                    "kpi.read",      "kpi.write",     "pii.read"};
  return MintTestToken(env, request);
}

ServiceUnderTest StartService(const TestEnv& env, const std::string& service,
                              int db_port,
                              const std::vector<std::string>& extra_flags) {
  ServiceUnderTest s;
  s.service = service;
  s.grpc_port = FreePort();
  s.metrics_port = FreePort();
  std::vector<std::string> argv = {
      ServiceBinary(env, service),
      "--db_host=127.0.0.1",
      absl::StrCat("--db_port=", db_port),
      absl::StrCat("--db_password_file=", env.secrets_dir, "/", service,
                   ".password"),
      // As scripts/lib.sh's service_args: the runtime user may not change
      // the schema; migrations run as the service's migration user.
      absl::StrCat("--db_migration_user=steward_", service, "_migrate"),
      absl::StrCat("--db_migration_password_file=", env.secrets_dir, "/",
                   service, "-migrate.password"),
      absl::StrCat("--jwt_keys_file=", env.secrets_dir, "/jwt-public.pem"),
      absl::StrCat("--data_keys_file=", env.secrets_dir, "/data-keys"),
      absl::StrCat("--grpc_listen=127.0.0.1:", s.grpc_port),
      absl::StrCat("--metrics_listen=127.0.0.1:", s.metrics_port),
      "--health_interval=200ms",
      // Every test calls from 127.0.0.1 and many refuse calls on purpose
      // (the role matrix makes hundreds): the per-address bucket of refused
      // calls must not mix tests up. A test may set its own after these
      // (the last occurrence of a flag wins).
      "--peer_rate_limit_per_second=100000",
      "--peer_rate_limit_burst=100000",
  };
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  const std::string log = absl::StrCat(
      ::testing::TempDir(), "steward-", service, "-", s.grpc_port, ".log");
  s.default_token = ManagerToken(env);
  s.process = std::make_unique<Subprocess>(argv, log);
  return s;
}

std::string HealthStatus(const std::string& target,
                         const std::string& service_name) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service_name);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return absl::StrCat("rpc error ", status.error_code());
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
      response.status());
}

bool WaitForHealth(const std::string& target, const std::string& want,
                   absl::Duration timeout, const std::string& service_name) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    if (HealthStatus(target, service_name) == want) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return false;
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = absl::StrCat(
        "GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    if (::send(fd, request.data(), request.size(), 0) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      ssize_t n;
      while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) {
        response.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  ::close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

ScratchMariaDb::ScratchMariaDb(const TestEnv& env)
    : base_(env), port_(FreePort()) {
  std::string pattern = ::testing::TempDir() + "steward-mariadb-XXXXXX";
  dir_ = ::mkdtemp(pattern.data());
}

ScratchMariaDb::~ScratchMariaDb() {
  Stop();
  if (std::getenv("STEWARD_KEEP_SCRATCH_DB") != nullptr) {
    std::fprintf(stderr, "scratch MariaDB data kept in %s\n", dir_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

TestEnv ScratchMariaDb::env() const {
  TestEnv env = base_;
  env.db_port = port_;
  env.secrets_dir = dir_ + "/secrets";
  return env;
}

bool ScratchMariaDb::Start() {
  const std::string command = absl::StrCat(
      "bash -c 'source \"", base_.source_dir, "/scripts/lib.sh\" && ",
      "mariadb_start \"", dir_, "/data\" ", port_, " && mariadb_bootstrap \"",
      dir_, "/secrets\" && \"", base_.source_dir, "/scripts/dev-secrets.sh\" \"",
      dir_, "/secrets\"' >>\"", dir_, "/start.log\" 2>&1");
  return RunShell(command) == 0 && ReadPid() > 0;
}

pid_t ScratchMariaDb::ReadPid() const {
  std::ifstream in(dir_ + "/data/mysqld.pid");
  int pid = 0;
  in >> pid;
  return pid;
}

void ScratchMariaDb::WaitGone(pid_t pid) {
  // mariadbd is not our child (scripts/lib.sh started it), so it cannot be
  // reaped here: a zombie counts as gone.
  auto alive = [pid] {
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string pid_field, comm, state;
    if (!(stat >> pid_field >> comm >> state)) return false;
    return state != "Z" && state != "X";
  };
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (alive() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
  }
}

void ScratchMariaDb::Kill9() {
  const pid_t pid = ReadPid();
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  WaitGone(pid);
  std::filesystem::remove(dir_ + "/data/mysqld.pid");
}

void ScratchMariaDb::Pause() {
  const pid_t pid = ReadPid();
  if (pid <= 0) return;
  ::kill(pid, SIGSTOP);
  paused_ = true;
}

void ScratchMariaDb::Resume() {
  const pid_t pid = ReadPid();
  if (pid <= 0) return;
  ::kill(pid, SIGCONT);
  paused_ = false;
}

void ScratchMariaDb::Stop() {
  const pid_t pid = ReadPid();
  if (pid <= 0) return;
  if (paused_) Resume();
  ::kill(pid, SIGTERM);
  WaitGone(pid);
}

}  // namespace steward::testing
