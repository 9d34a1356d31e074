#include "tests/support/test_env.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace steward::testing {

bool LoadTestEnv(TestEnv* env) {
  env->bin_dir = STEWARD_TEST_BIN_DIR;
  env->source_dir = STEWARD_TEST_SOURCE_DIR;
  const char* port = std::getenv("STEWARD_TEST_DB_PORT");
  const char* secrets = std::getenv("STEWARD_TEST_SECRETS_DIR");
  if (port == nullptr || secrets == nullptr ||
      !absl::SimpleAtoi(port, &env->db_port)) {
    ADD_FAILURE() << "integration tests need the MariaDB that scripts/test.sh "
                     "starts (STEWARD_TEST_DB_PORT, STEWARD_TEST_SECRETS_DIR); "
                     "run ./scripts/test.sh";
    return false;
  }
  env->secrets_dir = secrets;
  return true;
}

std::string ReadPassword(const TestEnv& env, const std::string& user_key) {
  std::ifstream in(env.secrets_dir + "/" + user_key + ".password");
  std::stringstream content;
  content << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(content.str()));
}

namespace {

// Whether 127.0.0.1:port can be bound now. No SO_REUSEADDR: a socket in any
// state on the port, TIME_WAIT included, makes the bind fail.
bool CanBind(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok =
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

int FreePort() {
  // Below the kernel's ephemeral range, as scripts/lib.sh's free_port: a port
  // the kernel hands out (bind to port 0, or any outgoing connection) can be
  // taken by a client socket before the service under test listens on it.
  int low = 32768, high = 60999;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  range >> low >> high;
  int from = 15000, to = low - 1;
  if (to - from < 2000) {
    from = high + 1;
    to = 65535;
  }
  thread_local std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> pick(from, to);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int port = pick(random);
    if (CanBind(port)) return port;
  }
  ADD_FAILURE() << "no free port in " << from << ".." << to;
  return 0;
}

std::string ServiceBinary(const TestEnv& env, const std::string& service) {
  return env.bin_dir + "/services/" + service + "/steward-" + service;
}

}  // namespace steward::testing
