#include "common/metrics/grpc_server_metrics.h"

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace steward::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Health, reflection and the like; anything beyond is folded into "unknown".
constexpr size_t kMaxLateMethods = 32;

const char* TypeName(grpc::experimental::ServerRpcInfo::Type type) {
  switch (type) {
    case grpc::experimental::ServerRpcInfo::Type::UNARY:
      return "unary";
    case grpc::experimental::ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case grpc::experimental::ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",        "Canceled",          "Unknown",       "InvalidArgument",
      "DeadlineExceeded", "NotFound",   "AlreadyExists", "PermissionDenied",
      "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
      "Unimplemented", "Internal",      "Unavailable",   "DataLoss",
      "Unauthenticated"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "Unknown";
}

// Created per RPC; times it from creation to the status being sent.
class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(GrpcServerMetrics::Method& method)
      : method_(method), start_(absl::Now()) {
    method_.Started();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      method_.Handled(methods->GetSendStatus().error_code(),
                      absl::ToDoubleSeconds(absl::Now() - start_));
    }
    methods->Proceed();
  }

 private:
  GrpcServerMetrics::Method& method_;
  const absl::Time start_;
};

class Factory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(GrpcServerMetrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_.ForMethod(info->method(), info->type()));
  }

 private:
  GrpcServerMetrics& metrics_;
};

std::pair<std::string, std::string> SplitFullMethod(absl::string_view full) {
  absl::ConsumePrefix(&full, "/");
  std::pair<std::string, std::string> parts =
      absl::StrSplit(full, absl::MaxSplits('/', 1));
  return parts;
}

}  // namespace

GrpcServerMetrics::Method::Method(GrpcServerMetrics& owner,
                                  const std::string& type,
                                  const std::string& service,
                                  const std::string& method)
    : owner_(owner),
      labels_{{"grpc_type", type},
              {"grpc_service", service},
              {"grpc_method", method}} {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  started_ = &owner_.started_->Add(labels_);
  handling_ = &owner_.handling_->Add(labels_, *buckets);
  // OK is created eagerly so a method's success series exists from start-up.
  prometheus::Labels ok = labels_;
  ok.emplace("grpc_code", "OK");
  handled_[0].store(&owner_.handled_->Add(ok));
}

void GrpcServerMetrics::Method::Handled(grpc::StatusCode code, double seconds) {
  handling_->Observe(seconds);
  const int i = static_cast<int>(code);
  if (i < 0 || i >= 17) return;
  prometheus::Counter* counter = handled_[i].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Family::Add is thread-safe and returns the same child for the same
    // labels, so a race here only caches the same pointer twice.
    prometheus::Labels labels = labels_;
    labels.emplace("grpc_code", CodeName(code));
    counter = &owner_.handled_->Add(labels);
    handled_[i].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

GrpcServerMetrics::GrpcServerMetrics(
    prometheus::Registry& registry,
    const std::vector<const google::protobuf::ServiceDescriptor*>& services)
    : started_(&prometheus::BuildCounter()
                    .Name("grpc_server_started_total")
                    .Help("Total number of RPCs started on the server")
                    .Register(registry)),
      handled_(&prometheus::BuildCounter()
                    .Name("grpc_server_handled_total")
                    .Help("Total number of RPCs completed on the server, "
                          "regardless of success or failure")
                    .Register(registry)),
      handling_(&prometheus::BuildHistogram()
                     .Name("grpc_server_handling_seconds")
                     .Help("Response latency of RPCs handled by the server")
                     .Register(registry)) {
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      const char* type = method->client_streaming()
                             ? (method->server_streaming() ? "bidi_stream"
                                                           : "client_stream")
                             : (method->server_streaming() ? "server_stream"
                                                           : "unary");
      known_.try_emplace(
          absl::StrCat("/", service->full_name(), "/", method->name()), *this,
          type, service->full_name(), method->name());
    }
  }
}

GrpcServerMetrics::Method& GrpcServerMetrics::ForMethod(
    const char* full_method, grpc::experimental::ServerRpcInfo::Type type) {
  const absl::string_view name = full_method == nullptr ? "" : full_method;
  if (auto it = known_.find(name); it != known_.end()) return it->second;
  absl::MutexLock lock(&mu_);
  auto it = late_.find(name);
  if (it == late_.end() && late_.size() >= kMaxLateMethods) {
    // Method names come from clients: cap the series they can create.
    it = late_.try_emplace("unknown", *this, TypeName(type), "unknown",
                           "unknown")
             .first;
  } else if (it == late_.end()) {
    auto [service, method] = SplitFullMethod(name);
    it = late_.try_emplace(std::string(name), *this, TypeName(type), service,
                           method)
             .first;
  }
  return it->second;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
GrpcServerMetrics::InterceptorFactory() {
  return std::make_unique<Factory>(*this);
}

}  // namespace steward::metrics
