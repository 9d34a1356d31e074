// The one way Steward code opens an outbound gRPC channel (tools, tests,
// service-to-service clients): TLS or mutual TLS from PEM files, plaintext
// only to this machine, an optional bearer token on every call, keepalive
// that the Steward servers tolerate, and a retry policy for UNAVAILABLE.
//
//   auto channel = client::MakeChannel({.target = "steward-tickets:50051",
//                                       .tls_ca_file = "/tls/ca.crt",
//                                       .tls_cert_file = "/tls/tls.crt",
//                                       .tls_key_file = "/tls/tls.key"});
//   grpc::ClientContext context;
//   client::SetDeadline(context, absl::Seconds(2));
#ifndef STEWARD_COMMON_CLIENT_CHANNEL_H_
#define STEWARD_COMMON_CLIENT_CHANNEL_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace steward::client {

struct ChannelOptions {
  // host:port (also dns:///host:port, ipv4:, ipv6:, unix:).
  std::string target;
  // CA bundle (PEM) the server's certificate must chain to. Empty: plaintext,
  // allowed only when `target` is a loopback address or a Unix socket.
  std::string tls_ca_file;
  // Client certificate chain and key (PEM) for mutual TLS; both or neither,
  // and only with `tls_ca_file`.
  std::string tls_cert_file;
  std::string tls_key_file;
  // The name the server's certificate must carry instead of the target's
  // host (e.g. "localhost" when dialling 127.0.0.1 inside a pod). Optional.
  std::string tls_server_name;
  // If set, every call carries "authorization: Bearer <token>" (added by a
  // client interceptor, so plaintext loopback channels carry it too). Never
  // logged.
  std::string bearer_token;
  // A connection of its own. By default channels to the same target with the
  // same settings share one connection; a load generator that wants several
  // (as many clients would open) sets this.
  bool own_connection = false;
};

// Opens a channel (lazily: nothing is dialled until the first call).
// INVALID_ARGUMENT naming the option when a file cannot be read, cert and
// key are not given together, a client certificate comes without a CA, or
// plaintext is asked for a target that is not loopback.
//
// The channel retries a call that fails with UNAVAILABLE (and only then) up
// to 3 attempts, backing off 0.1 s, 0.2 s, ... up to 1 s, within the call's
// deadline. Use it only for idempotent calls — reads, and Steward mutations,
// which carry a request_id (a retry is answered, not re-applied); a call
// that must never run twice does not belong on these channels.
// Keepalive pings go out at most every 60 s and only while calls are in
// flight: the servers count more frequent pings as abuse (two strikes close
// the connection).
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ChannelOptions& options);

// Sets the call's deadline to now + `timeout`. Every outbound Steward call
// has one: without it a call to a stuck peer waits forever.
void SetDeadline(grpc::ClientContext& context, absl::Duration timeout);

}  // namespace steward::client

#endif  // STEWARD_COMMON_CLIENT_CHANNEL_H_
