// Per-RPC server metrics under the names the Prometheus gRPC ecosystem uses
// (go-grpc-prometheus): grpc_server_started_total,
// grpc_server_handled_total{grpc_code} and grpc_server_handling_seconds,
// labelled grpc_type, grpc_service, grpc_method. Recorded by a server
// interceptor, so every registered service is covered without handler code.
#ifndef STEWARD_COMMON_METRICS_GRPC_SERVER_METRICS_H_
#define STEWARD_COMMON_METRICS_GRPC_SERVER_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"

namespace steward::metrics {

class GrpcServerMetrics {
 public:
  // The series of one method. Thread-safe.
  class Method {
   public:
    Method(GrpcServerMetrics& owner, const std::string& type,
           const std::string& service, const std::string& method);
    void Started() { started_->Increment(); }
    void Handled(grpc::StatusCode code, double seconds);

   private:
    GrpcServerMetrics& owner_;
    prometheus::Labels labels_;
    prometheus::Counter* started_;
    prometheus::Histogram* handling_;
    // One child per status code, created on first use and then cached.
    std::array<std::atomic<prometheus::Counter*>, 17> handled_{};
  };

  // Registers the families and the children of every method of `services`
  // up front (so dashboards see zeroes, not gaps).
  GrpcServerMetrics(
      prometheus::Registry& registry,
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  // "/package.Service/Method" → its series; methods not known up front (e.g.
  // health, reflection) are added on first call.
  Method& ForMethod(const char* full_method, grpc::experimental::ServerRpcInfo::Type type);

  // A factory to hand to ServerBuilder::experimental().SetInterceptorCreators.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  InterceptorFactory();

 private:
  prometheus::Family<prometheus::Counter>* started_;
  prometheus::Family<prometheus::Counter>* handled_;
  prometheus::Family<prometheus::Histogram>* handling_;
  // Filled in the constructor, read-only afterwards.
  absl::node_hash_map<std::string, Method> known_;
  absl::Mutex mu_;
  absl::node_hash_map<std::string, Method> late_ ABSL_GUARDED_BY(mu_);
};

}  // namespace steward::metrics

#endif  // STEWARD_COMMON_METRICS_GRPC_SERVER_METRICS_H_
