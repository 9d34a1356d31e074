// Which addresses never leave this machine: the one rule for where plaintext
// gRPC is allowed, shared by the server's listen-address check
// (common/server) and the client's MakeChannel (common/client/channel.h).
// Header-only, so the server bootstrap uses it without linking the client
// library.
#ifndef STEWARD_COMMON_CLIENT_LOOPBACK_H_
#define STEWARD_COMMON_CLIENT_LOOPBACK_H_

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace steward::client {

// True for "localhost", 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8, with or
// without IPv6 brackets. Anything else (0.0.0.0, ::, names, malformed) is
// not loopback: the check fails closed.
inline bool IsLoopbackHost(absl::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

// The host of "host:port" or "[v6]:port" (brackets kept); a bare IPv6
// address without port ("::1") is all host.
inline absl::string_view HostOfHostPort(absl::string_view host_port) {
  if (absl::StartsWith(host_port, "[")) {
    const size_t close = host_port.find(']');
    return close == absl::string_view::npos ? host_port
                                            : host_port.substr(0, close + 1);
  }
  const size_t colon = host_port.find(':');
  if (colon == absl::string_view::npos) return host_port;
  if (host_port.find(':', colon + 1) != absl::string_view::npos) {
    return host_port;  // "::1": more than one colon, no brackets
  }
  return host_port.substr(0, colon);
}

}  // namespace steward::client

#endif  // STEWARD_COMMON_CLIENT_LOOPBACK_H_
