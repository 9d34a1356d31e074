// steward-bench-echo: the raw-RPC baseline of scripts/bench.sh. It runs the
// same bootstrap as every service (common/server/service_main.h: flags,
// HTTP/2 limits, sync server with the thread limit derived from the pool,
// metrics interceptor, health, database monitor), so the only difference
// from a Steward call is the handler: no token check, no access table, no
// rate limit, no storage. Point it at an existing schema with
// --db_user/--db_name/--migrations_dir (it applies nothing new).
#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "common/server/service_main.h"
#include "steward/bench/v1/echo.grpc.pb.h"

namespace {

namespace v1 = steward::bench::v1;
using steward::server::ServiceBundle;
using steward::server::ServiceContext;

class EchoHandler final : public v1::EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext*, const v1::EchoRequest* request,
                    v1::EchoResponse* response) override {
    response->set_payload(request->payload());
    response->set_request_id(request->request_id());
    return grpc::Status::OK;
  }
};

class EchoBundle : public ServiceBundle {
 public:
  std::vector<grpc::Service*> handlers() override { return {&handler_}; }

 private:
  EchoHandler handler_;
};

}  // namespace

int main(int argc, char** argv) {
  steward::server::ServiceDefinition definition;
  definition.defaults = {.name = "echo",
                         .grpc_port = 50059,
                         .metrics_port = 9109,
                         .migrations_dir = STEWARD_MIGRATIONS_DIR};
  definition.service_names = {v1::EchoService::service_full_name()};
  definition.build = [](ServiceContext&)
      -> absl::StatusOr<std::unique_ptr<ServiceBundle>> {
    return std::make_unique<EchoBundle>();
  };
  return steward::server::ServiceMain(definition, argc, argv);
}
