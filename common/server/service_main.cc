#include "common/server/service_main.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <prometheus/gauge.h>
#include <pthread.h>
#include <signal.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/db/migrations.h"
#include "common/metrics/grpc_server_metrics.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "google/protobuf/descriptor.h"

namespace steward::server {
namespace {

constexpr int kExitBadSettings = 2;
constexpr int kExitDatabase = 3;
constexpr int kExitBind = 4;

log::Level ParseLevel(const std::string& level) {
  if (level == "debug") return log::Level::kDebug;
  if (level == "warning") return log::Level::kWarning;
  if (level == "error") return log::Level::kError;
  return log::Level::kInfo;
}

// Keeps the health status in step with the database: NOT_SERVING while it
// cannot be pinged, SERVING again once it can, without a restart.
class HealthMonitor {
 public:
  HealthMonitor(db::ConnectionPool& pool, grpc::HealthCheckServiceInterface& health,
                const std::vector<std::string>& names, absl::Duration interval,
                prometheus::Gauge& serving_gauge)
      : pool_(pool),
        health_(health),
        names_(names),
        interval_(interval),
        serving_gauge_(serving_gauge),
        thread_([this] { Loop(); }) {}

  ~HealthMonitor() {
    stop_.Notify();
    thread_.join();
  }

 private:
  void Set(bool serving) {
    health_.SetServingStatus(serving);
    for (const std::string& name : names_) {
      health_.SetServingStatus(name, serving);
    }
    serving_gauge_.Set(serving ? 1 : 0);
  }

  void Loop() {
    bool serving = true;
    Set(serving);
    while (!stop_.WaitForNotificationWithTimeout(interval_)) {
      const absl::Status ping = pool_.Ping();
      if (ping.ok() == serving) continue;
      serving = ping.ok();
      if (serving) {
        log::Info("database reachable again; SERVING");
      } else {
        log::Warning("database unreachable; NOT_SERVING",
                     {{"cause", std::string(ping.message())}});
        // Sessions of the lost server are dead; don't hand them out.
        pool_.DropIdle();
      }
      Set(serving);
    }
  }

  db::ConnectionPool& pool_;
  grpc::HealthCheckServiceInterface& health_;
  const std::vector<std::string> names_;
  const absl::Duration interval_;
  prometheus::Gauge& serving_gauge_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace

int ServiceMain(const ServiceDefinition& definition, int argc, char** argv) {
  log::SetService(definition.defaults.name);
  // Signals are taken by one thread with sigwait; block them before any
  // other thread (gRPC, prometheus, the pool) exists so all inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto loaded = LoadServerConfig(definition.defaults, argc, argv);
  if (!loaded.ok()) {
    log::Error("bad settings", {{"error", std::string(loaded.status().message())}});
    return kExitBadSettings;
  }
  const ServerConfig config = *std::move(loaded);
  log::SetMinLevel(ParseLevel(config.log_level));

  auto migrations = db::LoadMigrations(config.migrations_dir);
  if (!migrations.ok()) {
    log::Error("cannot read migrations",
               {{"error", std::string(migrations.status().message())},
                {"hint", "set --migrations_dir / STEWARD_MIGRATIONS_DIR"}});
    return kExitBadSettings;
  }

  metrics::Metrics metrics(definition.defaults.name);
  db::DbMetrics db_metrics(metrics.registry());
  auto pool = db::ConnectionPool::Create(config.db, &db_metrics);
  if (!pool.ok()) {
    log::Error("cannot use the database",
               {{"error", std::string(pool.status().message())}});
    return kExitDatabase;
  }
  auto report = db::ApplyMigrations(**pool, *migrations);
  if (!report.ok()) {
    log::Error("migrations refused; not starting",
               {{"error", std::string(report.status().message())}});
    return kExitDatabase;
  }
  log::Info("schema up to date",
            {{"applied_now", absl::StrCat(report->applied.size())},
             {"already_applied", absl::StrCat(report->already_applied)}});
  if (config.migrate_only) return 0;  // e.g. a Kubernetes init container

  ServiceContext context{config, **pool, metrics.registry()};
  auto bundle = definition.build(context);
  if (!bundle.ok()) {
    log::Error("cannot build the service",
               {{"error", std::string(bundle.status().message())}});
    return bundle.status().code() == absl::StatusCode::kInvalidArgument
               ? kExitBadSettings
               : kExitDatabase;
  }

  std::vector<const google::protobuf::ServiceDescriptor*> descriptors;
  for (const std::string& name : definition.service_names) {
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            name);
    if (descriptor == nullptr) {
      log::Error("unknown gRPC service name", {{"service", name}});
      return kExitBadSettings;
    }
    descriptors.push_back(descriptor);
  }
  metrics::GrpcServerMetrics grpc_metrics(metrics.registry(), descriptors);
  auto& serving_gauge = prometheus::BuildGauge()
                            .Name("steward_health_serving")
                            .Help("1 while the service reports SERVING")
                            .Register(metrics.registry())
                            .Add({});

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(config.grpc_listen, grpc::InsecureServerCredentials(),
                           &bound_port);
  grpc::ResourceQuota quota(absl::StrCat("steward-", definition.defaults.name));
  quota.SetMaxThreads(config.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 2);
  // Idle pollers wake this often; shutdown waits for them, so the default
  // (10 s) would stretch every SIGTERM by seconds.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::CQ_TIMEOUT_MSEC, 200);
  builder.SetMaxReceiveMessageSize(config.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             config.max_concurrent_streams);
  for (grpc::Service* handler : (*bundle)->handlers()) {
    builder.RegisterService(handler);
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(grpc_metrics.InterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    log::Error("cannot listen for gRPC", {{"address", config.grpc_listen}});
    return kExitBind;
  }
  if (absl::Status s = metrics.Serve(config.metrics_listen); !s.ok()) {
    log::Error("cannot serve metrics", {{"error", std::string(s.message())}});
    server->Shutdown();
    return kExitBind;
  }

  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  auto monitor = std::make_unique<HealthMonitor>(
      **pool, *health, definition.service_names, config.health_interval,
      serving_gauge);
  log::Info("serving",
            {{"grpc", absl::StrCat(config.grpc_listen.substr(
                                       0, config.grpc_listen.rfind(':')),
                                   ":", bound_port)},
             {"metrics", config.metrics_listen},
             {"threads", absl::StrCat(config.max_threads)},
             {"db_pool", absl::StrCat(config.db.pool_size)}});

  std::thread stopper([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    log::Info("stopping", {{"signal", absl::StrCat(signal_number)}});
    monitor.reset();       // no more status flips
    health->Shutdown();    // every service NOT_SERVING from now on
    if (config.drain > absl::ZeroDuration()) absl::SleepFor(config.drain);
    (*bundle)->Shutdown();  // streams and background work end first
    // New RPCs are refused; in-flight ones get until the deadline, then are
    // cancelled.
    // gRPC's graceful GOAWAY waits for connected clients to acknowledge
    // (seconds with idle clients attached), bounded by the same deadline.
    const absl::Time drain_start = absl::Now();
    server->Shutdown(absl::ToChronoTime(drain_start + config.grace));
    log::Info("drained",
              {{"seconds", absl::StrCat(absl::ToDoubleSeconds(
                               absl::Now() - drain_start))}});
  });
  server->Wait();
  stopper.join();
  log::Info("stopped cleanly");
  return 0;
}

}  // namespace steward::server
