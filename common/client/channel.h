// The one way Steward code opens an outbound gRPC channel (tools, tests,
// service-to-service clients): TLS or mutual TLS from PEM files, plaintext
// only to this machine, an optional bearer token on every call, keepalive
// that the Steward servers tolerate, a deadline on every call and a retry
// policy for UNAVAILABLE on the methods the caller declares idempotent.
//
//   auto channel = client::MakeChannel(
//       {.target = "steward-tickets:50051",
//        .tls_ca_file = "/tls/ca.crt",
//        .tls_cert_file = "/tls/tls.crt",
//        .tls_key_file = "/tls/tls.key",
//        .idempotent_methods = {"steward.tickets.v1.TicketService/GetTicket"}});
//   auto context = client::NewCallContext(absl::Seconds(2));
//   grpc::Status status = stub->GetTicket(context.get(), request, &ticket);
#ifndef STEWARD_COMMON_CLIENT_CHANNEL_H_
#define STEWARD_COMMON_CLIENT_CHANNEL_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace steward::client {

// ChannelOptions::default_timeout unless set.
inline constexpr absl::Duration kDefaultCallTimeout = absl::Seconds(30);

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
  // The methods a second run cannot harm: "package.Service/Method", or
  // "package.Service" for every method of the service (reads, and Steward
  // mutations, whose request_id makes a repeat an answer, not a second
  // change). Only these are retried, and only on UNAVAILABLE; a method that
  // must never run twice is simply not listed.
  std::vector<std::string> idempotent_methods;
  // The deadline of a call whose context sets none, and the longest any call
  // on the channel may take (the service config's "timeout": gRPC keeps the
  // earlier of it and the context's deadline). Not exact: such a call ends
  // within a second after it (a gRPC 1.51 clock skew, see channel.cc), so
  // tight deadlines belong on the context. A long-lived stream asks for a
  // channel with a longer one.
  absl::Duration default_timeout = kDefaultCallTimeout;
};

// Opens a channel (lazily: nothing is dialled until the first call).
// INVALID_ARGUMENT naming the option when a file cannot be read, cert and
// key are not given together, a client certificate comes without a CA,
// plaintext is asked for a target that is not loopback, an idempotent
// method name is malformed or repeated, or default_timeout is not
// positive and finite.
//
// Every call on the channel ends by a deadline: its context's, or
// `default_timeout` (within a second) when that is earlier or the context
// sets none (then DEADLINE_EXCEEDED). A call to one of `idempotent_methods` that fails with
// UNAVAILABLE (and only then) is retried up to 3 attempts, backing off
// 0.1 s, 0.2 s, ... up to 1 s, within its deadline; every other call is
// tried once.
// Keepalive pings go out at most every 60 s and only while calls are in
// flight: the servers count more frequent pings as abuse (two strikes close
// the connection).
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ChannelOptions& options);

// A context for one call whose deadline is now + `timeout`: how Steward code
// makes its ClientContexts, so that no call waits on a stuck peer longer than
// its caller meant (the channel's default_timeout is only the backstop).
std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout);

// Sets the call's deadline to now + `timeout`, for a context the caller
// constructs itself.
void SetDeadline(grpc::ClientContext& context, absl::Duration timeout);

}  // namespace steward::client

#endif  // STEWARD_COMMON_CLIENT_CHANNEL_H_
