// steward-health: asks a server's grpc.health.v1.Health and exits 0 when it
// reports SERVING. Used by scripts/run.sh to wait for the services and, with
// the TLS flags, as the Kubernetes exec probe (kubelet's gRPC probes cannot
// speak TLS).
//
//   steward-health [--wait=SECONDS] [--service=NAME] [--tls_ca=PEM
//                  [--tls_cert=PEM --tls_key=PEM] [--tls_server_name=NAME]]
//                  host:port [host:port...]
//
// Exit codes: 0 all SERVING, 1 one is not, 2 bad usage.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/client/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Empty when SERVING, otherwise why not.
std::string Check(const std::shared_ptr<grpc::Channel>& channel,
                  const std::string& service) {
  auto stub = Health::NewStub(channel);
  grpc::ClientContext context;
  steward::client::SetDeadline(context, absl::Seconds(1));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::StrCat("rpc error ", status.error_code(), ": ",
                        status.error_message());
  }
  if (response.status() != HealthCheckResponse::SERVING) {
    return HealthCheckResponse::ServingStatus_Name(response.status());
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  double wait_seconds = 0;
  std::string service;
  steward::client::ChannelOptions options;
  std::vector<std::string> targets;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&arg](absl::string_view flag, std::string* out) {
      if (!absl::StartsWith(arg, flag)) return false;
      *out = arg.substr(flag.size());
      return true;
    };
    std::string wait;
    if (value("--wait=", &wait)) {
      if (!absl::SimpleAtod(wait, &wait_seconds)) {
        std::fprintf(stderr, "bad --wait: %s\n", arg.c_str());
        return 2;
      }
    } else if (value("--service=", &service) ||
               value("--tls_ca=", &options.tls_ca_file) ||
               value("--tls_cert=", &options.tls_cert_file) ||
               value("--tls_key=", &options.tls_key_file) ||
               value("--tls_server_name=", &options.tls_server_name)) {
    } else if (absl::StartsWith(arg, "-")) {
      std::fprintf(stderr, "unknown flag: %s\n", arg.c_str());
      return 2;
    } else {
      targets.push_back(arg);
    }
  }
  if (targets.empty()) {
    std::fprintf(stderr,
                 "usage: steward-health [--wait=SECONDS] [--service=NAME] "
                 "[--tls_ca=PEM [--tls_cert=PEM --tls_key=PEM] "
                 "[--tls_server_name=NAME]] host:port...\n");
    return 2;
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(wait_seconds);
  int not_serving = 0;
  for (const std::string& target : targets) {
    options.target = target;
    auto channel = steward::client::MakeChannel(options);
    if (!channel.ok()) {
      std::fprintf(stderr, "%s: %s\n", target.c_str(),
                   std::string(channel.status().message()).c_str());
      return 2;
    }
    // A new channel per attempt: a reused one would wait out gRPC's
    // reconnect backoff (up to minutes) after the first refused connection.
    std::string why;
    while (!(why = Check(*channel, service)).empty()) {
      if (absl::Now() >= give_up) {
        std::fprintf(stderr, "%s: NOT SERVING (%s)\n", target.c_str(),
                     why.c_str());
        ++not_serving;
        break;
      }
      absl::SleepFor(absl::Milliseconds(200));
      channel = steward::client::MakeChannel(options);
      if (!channel.ok()) {
        std::fprintf(stderr, "%s: %s\n", target.c_str(),
                     std::string(channel.status().message()).c_str());
        return 2;
      }
    }
  }
  return not_serving == 0 ? 0 : 1;
}
