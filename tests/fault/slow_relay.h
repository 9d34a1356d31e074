// A TCP relay on 127.0.0.1 that can hold back every byte it carries, in both
// directions, for a set delay: a slowed link (an overloaded proxy or a
// congested network) between a service and its database, rather than a dead
// one. Put between steward-tickets (--db_port=relay.port()) and MariaDB.
#ifndef STEWARD_TESTS_FAULT_SLOW_RELAY_H_
#define STEWARD_TESTS_FAULT_SLOW_RELAY_H_

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace steward::testing {

class SlowRelay {
 public:
  // Listens on a free loopback port; each connection accepted is relayed to
  // 127.0.0.1:`upstream_port`.
  explicit SlowRelay(int upstream_port);
  // Stops accepting, closes every relayed connection and joins its threads
  // (each waits at most ~50 ms for its sockets).
  ~SlowRelay();
  SlowRelay(const SlowRelay&) = delete;
  SlowRelay& operator=(const SlowRelay&) = delete;

  // 0 when it could not listen.
  int port() const { return port_; }
  // Bytes that arrive from now on are passed on `delay` after their arrival
  // (bytes already held keep their time). Zero: passed on at once.
  void SetDelay(absl::Duration delay);
  // Connections accepted so far.
  int connections() const { return connections_; }

 private:
  void AcceptLoop();
  // Copies `from` to `to`, each chunk `delay` after it arrived, until EOF,
  // an error or Stop; then half-closes `to`.
  void Pump(int from, int to);
  absl::Duration delay();

  const int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  absl::Mutex mu_;
  absl::Duration delay_ ABSL_GUARDED_BY(mu_);
  std::vector<int> fds_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> pumps_ ABSL_GUARDED_BY(mu_);
  std::thread acceptor_;
};

}  // namespace steward::testing

#endif  // STEWARD_TESTS_FAULT_SLOW_RELAY_H_
