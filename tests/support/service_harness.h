// Starting Steward service binaries and private MariaDB servers from
// integration tests, and talking to them.
#ifndef STEWARD_TESTS_SUPPORT_SERVICE_HARNESS_H_
#define STEWARD_TESTS_SUPPORT_SERVICE_HARNESS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/auth/token_minter.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace steward::testing {

// A running service binary on free ports.
struct ServiceUnderTest {
  std::string service;
  int grpc_port = 0;
  int metrics_port = 0;
  std::unique_ptr<Subprocess> process;
  // A manager of every community: what most tests act as.
  std::string default_token;
  std::string target() const { return "127.0.0.1:" + std::to_string(grpc_port); }
  // Every call carries default_token.
  std::shared_ptr<grpc::Channel> Channel() const;
  // Every call carries `token` ("" for none).
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& token) const;
};

// A bearer token signed with the development key scripts/dev-secrets.sh
// made in env.secrets_dir (the services under test trust its public key).
std::string MintTestToken(const TestEnv& env, auth::TokenRequest request);
// A token for `subject` in `role` with these claims.
std::string TokenFor(const TestEnv& env, std::string subject, auth::Role role,
                     std::vector<std::string> communities,
                     std::vector<std::string> households = {},
                     std::vector<std::string> scopes = {});
// Development principals.
std::string ManagerToken(const TestEnv& env);  // communities ["*"]
std::string SystemToken(const TestEnv& env);   // every service's scopes

// Starts steward-<service> against the database on `db_port` with the
// development secrets of env.secrets_dir and the given extra flags (which
// win over the harness's own, e.g. its per-peer rate limit no test
// reaches). Does not wait for it.
ServiceUnderTest StartService(const TestEnv& env, const std::string& service,
                              int db_port,
                              const std::vector<std::string>& extra_flags = {});

// The grpc.health.v1 status of `service_name` ("" = overall): "SERVING",
// "NOT_SERVING", or the RPC error.
std::string HealthStatus(const std::string& target,
                         const std::string& service_name = "");

// Polls HealthStatus until it equals `want` or `timeout` passes.
bool WaitForHealth(const std::string& target, const std::string& want,
                   absl::Duration timeout,
                   const std::string& service_name = "");

// GET http://127.0.0.1:port/path, the body ("" on failure).
std::string HttpGet(int port, const std::string& path);

// A private mariadbd with its own data directory, port and users, started by
// scripts/lib.sh (mariadb_start + mariadb_bootstrap). Restarting keeps data.
class ScratchMariaDb {
 public:
  explicit ScratchMariaDb(const TestEnv& env);
  ~ScratchMariaDb();  // stops the server and removes the data directory
  bool Start();       // first start or restart on the same data
  void Kill9();       // as a crash would
  void Stop();        // clean shutdown, waits for the process to end
  // SIGSTOP / SIGCONT: the server freezes (as in a stalled host or relay)
  // and carries on where it stopped. Only this object's own server is
  // signalled; the destructor resumes a paused one before stopping it.
  void Pause();
  void Resume();
  int port() const { return port_; }
  // The passwords of this server's users.
  TestEnv env() const;

 private:
  pid_t ReadPid() const;
  void WaitGone(pid_t pid);
  TestEnv base_;
  std::string dir_;
  int port_;
  bool paused_ = false;
};

}  // namespace steward::testing

#endif  // STEWARD_TESTS_SUPPORT_SERVICE_HARNESS_H_
