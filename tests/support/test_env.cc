#include "tests/support/test_env.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
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

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string ServiceBinary(const TestEnv& env, const std::string& service) {
  return env.bin_dir + "/services/" + service + "/steward-" + service;
}

}  // namespace steward::testing
