// What the integration tests need from scripts/test.sh: where the throwaway
// MariaDB listens, where the per-service passwords are, where the binaries
// and the sources are. Integration tests never skip: a missing setting fails
// the test with a message saying to run scripts/test.sh.
#ifndef STEWARD_TESTS_SUPPORT_TEST_ENV_H_
#define STEWARD_TESTS_SUPPORT_TEST_ENV_H_

#include <string>

namespace steward::testing {

struct TestEnv {
  int db_port = 0;
  std::string secrets_dir;  // <service>.password, admin.password
  std::string bin_dir;      // build tree root
  std::string source_dir;   // repository root
};

// Reads STEWARD_TEST_DB_PORT, STEWARD_TEST_SECRETS_DIR; the directories come
// from compile definitions. Fails the current test (ADD_FAILURE) and returns
// false when the database settings are missing.
bool LoadTestEnv(TestEnv* env);

// The password scripts/lib.sh generated for `user_key` ("tickets", "admin").
std::string ReadPassword(const TestEnv& env, const std::string& user_key);

// A TCP port that was free on 127.0.0.1 a moment ago, outside the range the
// kernel hands to outgoing connections.
int FreePort();

// Path of a service binary, e.g. ServiceBinary(env, "tickets").
std::string ServiceBinary(const TestEnv& env, const std::string& service);

}  // namespace steward::testing

#endif  // STEWARD_TESTS_SUPPORT_TEST_ENV_H_
