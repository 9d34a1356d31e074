#include "tests/fault/slow_relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <string>
#include <utility>

#include "absl/time/clock.h"

namespace steward::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Polls `fd` for `events` at most `timeout`; true when ready.
bool Ready(int fd, short events, absl::Duration timeout) {
  pollfd p{fd, events, 0};
  const int ms = static_cast<int>(
      std::max<int64_t>(0, absl::ToInt64Milliseconds(timeout)));
  return ::poll(&p, 1, ms) > 0;
}

}  // namespace

SlowRelay::SlowRelay(int upstream_port) : upstream_port_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (listen_fd_ < 0 ||
      ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address),
             sizeof(address)) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address),
                    &length) != 0) {
    return;
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

SlowRelay::~SlowRelay() {
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> pumps;
  {
    absl::MutexLock lock(&mu_);
    pumps.swap(pumps_);
  }
  for (auto& t : pumps) t.join();
  absl::MutexLock lock(&mu_);
  for (int fd : fds_) ::close(fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void SlowRelay::SetDelay(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  delay_ = delay;
}

absl::Duration SlowRelay::delay() {
  absl::MutexLock lock(&mu_);
  return delay_;
}

void SlowRelay::AcceptLoop() {
  while (!stop_) {
    if (!Ready(listen_fd_, POLLIN, absl::Milliseconds(50))) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in address = Loopback(upstream_port_);
    if (upstream < 0 ||
        ::connect(upstream, reinterpret_cast<const sockaddr*>(&address),
                  sizeof(address)) != 0) {
      ::close(client);
      if (upstream >= 0) ::close(upstream);
      continue;
    }
    ++connections_;
    absl::MutexLock lock(&mu_);
    fds_.push_back(client);
    fds_.push_back(upstream);
    pumps_.emplace_back([this, client, upstream] { Pump(client, upstream); });
    pumps_.emplace_back([this, client, upstream] { Pump(upstream, client); });
  }
}

void SlowRelay::Pump(int from, int to) {
  std::deque<std::pair<absl::Time, std::string>> held;  // due time, bytes
  bool open = true;
  char buffer[16384];
  while (!stop_ && (open || !held.empty())) {
    const absl::Time now = absl::Now();
    // Pass on what is due, without blocking (so Stop is never held up by
    // a peer that does not read).
    bool blocked = false;
    while (!held.empty() && held.front().first <= now) {
      std::string& bytes = held.front().second;
      const ssize_t n = ::send(to, bytes.data(), bytes.size(),
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        blocked = true;
        break;
      }
      if (n < 0) return;  // the other side is gone
      bytes.erase(0, static_cast<size_t>(n));
      if (bytes.empty()) held.pop_front();
    }
    absl::Duration wait = absl::Milliseconds(50);
    if (!held.empty()) wait = std::min(wait, held.front().first - now);
    if (blocked) wait = absl::Milliseconds(5);
    if (!open) {
      absl::SleepFor(std::max(wait, absl::Milliseconds(1)));
      continue;
    }
    if (!Ready(from, POLLIN, wait)) continue;
    const ssize_t n = ::recv(from, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      open = false;  // EOF or error: pass on what is held, then half-close
      continue;
    }
    held.emplace_back(absl::Now() + delay(), std::string(buffer, n));
  }
  ::shutdown(to, SHUT_WR);
}

}  // namespace steward::testing
