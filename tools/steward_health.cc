// steward-health: asks a server's grpc.health.v1.Health and exits 0 when it
// reports SERVING. Used by scripts/run.sh to wait for the services.
//
//   steward-health [--wait=SECONDS] [--service=NAME] host:port [host:port...]
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

bool Serving(const std::string& target, const std::string& service) {
  auto channel =
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  auto stub = Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  return status.ok() && response.status() == HealthCheckResponse::SERVING;
}

}  // namespace

int main(int argc, char** argv) {
  double wait_seconds = 0;
  std::string service;
  std::vector<std::string> targets;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (absl::StartsWith(arg, "--wait=")) {
      if (!absl::SimpleAtod(arg.substr(7), &wait_seconds)) {
        std::fprintf(stderr, "bad --wait: %s\n", arg.c_str());
        return 2;
      }
    } else if (absl::StartsWith(arg, "--service=")) {
      service = arg.substr(10);
    } else {
      targets.push_back(arg);
    }
  }
  if (targets.empty()) {
    std::fprintf(stderr,
                 "usage: steward-health [--wait=SECONDS] [--service=NAME] "
                 "host:port...\n");
    return 2;
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(wait_seconds);
  int not_serving = 0;
  for (const std::string& target : targets) {
    while (!Serving(target, service)) {
      if (absl::Now() >= give_up) {
        std::fprintf(stderr, "%s: NOT SERVING\n", target.c_str());
        ++not_serving;
        break;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
  }
  return not_serving == 0 ? 0 : 1;
}
