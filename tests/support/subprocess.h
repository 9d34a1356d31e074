// A child process for integration tests: started with fork/exec, its stdout
// and stderr appended to a log file, signalled and reaped by PID. The
// destructor kills (SIGKILL) a child that is still running.
#ifndef STEWARD_TESTS_SUPPORT_SUBPROCESS_H_
#define STEWARD_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace steward::testing {

class Subprocess {
 public:
  // Starts `argv[0]` with `argv`; the environment is inherited.
  Subprocess(std::vector<std::string> argv, std::string log_path);
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  pid_t pid() const { return pid_; }
  bool running();
  void Signal(int signal_number);
  // The exit code (or 128 + signal) once the child ends within `timeout`;
  // nullopt if it is still running then.
  std::optional<int> Wait(absl::Duration timeout);
  // Everything the child has written so far.
  std::string ReadLog() const;
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string log_path_;
};

// Runs a shell command to completion; returns its exit status.
int RunShell(const std::string& command);

}  // namespace steward::testing

#endif  // STEWARD_TESTS_SUPPORT_SUBPROCESS_H_
