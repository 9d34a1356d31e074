// The one bootstrap every Steward binary runs: settings, database pool,
// migrations, gRPC server (health, reflection with --reflection, metrics
// interceptor, bounded threads), database health monitor and graceful shutdown on SIGTERM/SIGINT.
// A service's main.cc only describes what to wire.
#ifndef STEWARD_COMMON_SERVER_SERVICE_MAIN_H_
#define STEWARD_COMMON_SERVER_SERVICE_MAIN_H_

#include <grpcpp/impl/service_type.h>

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/call_gate.h"
#include "common/crypto/data_keys.h"
#include "common/db/connection_pool.h"
#include "common/server/server_config.h"

namespace prometheus {
class Registry;
}

namespace steward::server {

// What a service's factory gets to build its handlers with. Outlives them.
struct ServiceContext {
  const ServerConfig& config;
  db::ConnectionPool& pool;
  prometheus::Registry& registry;
  // Every handler runs its calls through the gate (authentication, the
  // access table, rate limits, audit rows).
  auth::CallGate& gate;
  // Personal-data encryption and lookup hashes (from --data_keys_file).
  const crypto::DataKeyRing& keys;
};

// A service's object graph (repositories, use cases, handlers), built once
// the database is migrated and destroyed after the server stopped.
class ServiceBundle {
 public:
  virtual ~ServiceBundle() = default;
  // The handlers to register; owned by the bundle.
  virtual std::vector<grpc::Service*> handlers() = 0;
  // Called once at shutdown, before in-flight RPCs are drained: end
  // long-lived streams and stop background work here.
  virtual void Shutdown() {}
};

struct ServiceDefinition {
  ServiceDefaults defaults;
  // Full names of the gRPC services the binary serves
  // ("steward.tickets.v1.TicketService"): health reports each, and their
  // methods' metrics exist from start-up.
  std::vector<std::string> service_names;
  std::function<absl::StatusOr<std::unique_ptr<ServiceBundle>>(ServiceContext&)>
      build;
};

// Runs the service until SIGTERM/SIGINT. Returns the process exit code: 0
// after a clean shutdown, 2 for bad settings, 3 when the database or the
// migrations are wrong, 4 when a port cannot be bound.
int ServiceMain(const ServiceDefinition& definition, int argc, char** argv);

}  // namespace steward::server

#endif  // STEWARD_COMMON_SERVER_SERVICE_MAIN_H_
