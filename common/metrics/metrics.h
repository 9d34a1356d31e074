// The process-wide Prometheus registry, its /metrics endpoint and the build
// info series. Families are registered once at start-up; request paths only
// touch cached children.
#ifndef STEWARD_COMMON_METRICS_METRICS_H_
#define STEWARD_COMMON_METRICS_METRICS_H_

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace steward::metrics {

class Metrics {
 public:
  // Registers steward_build_info{service,version,revision} = 1.
  explicit Metrics(absl::string_view service);
  prometheus::Registry& registry() { return *registry_; }
  // Serves /metrics on `address` ("host:port"). UNAVAILABLE with the address
  // named when it cannot bind.
  absl::Status Serve(const std::string& address);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace steward::metrics

#endif  // STEWARD_COMMON_METRICS_METRICS_H_
