#include "common/metrics/metrics.h"

#include <prometheus/gauge.h>

#include <exception>

#include "absl/strings/str_cat.h"

#ifndef STEWARD_VERSION
#define STEWARD_VERSION "dev"
#endif
#ifndef STEWARD_GIT_SHA
#define STEWARD_GIT_SHA "unknown"
#endif

namespace steward::metrics {

Metrics::Metrics(absl::string_view service)
    : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::BuildGauge()
      .Name("steward_build_info")
      .Help("Build of the running binary; always 1")
      .Register(*registry_)
      .Add({{"service", std::string(service)},
            {"version", STEWARD_VERSION},
            {"revision", STEWARD_GIT_SHA}})
      .Set(1);
}

absl::Status Metrics::Serve(const std::string& address) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve metrics on ", address, ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  return absl::OkStatus();
}

}  // namespace steward::metrics
