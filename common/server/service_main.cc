#include "common/server/service_main.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/audit/audit_grpc_service.h"
#include "common/auth/call_gate.h"
#include "common/crypto/data_keys.h"
#include "common/db/audit_trail.h"
#include "common/db/migrations.h"
#include "common/rpc/resources.h"
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

// The server's credentials, and how the logs name them.
struct Transport {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::string kind;            // plaintext-loopback, tls or mtls
  std::string cert_not_after;  // RFC 3339, TLS only
};

absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  if (in) content << in.rdbuf();
  if (!in || content.str().empty()) {
    // Names the setting and the path, never the content (a private key).
    return absl::InvalidArgumentError(absl::StrCat("--", flag, " (STEWARD_",
                                                   absl::AsciiStrToUpper(flag),
                                                   "): cannot read ", path));
  }
  return content.str();
}

// Parses the certificate and key so a wrong file fails start-up with a
// message naming the setting (gRPC itself would only fail to bind). Returns
// the leaf certificate's expiry. OpenSSL's error text is not passed on: it
// can quote the input.
absl::StatusOr<std::string> CheckCertificateAndKey(const std::string& cert_pem,
                                                   const std::string& key_pem) {
  BIO* cert_bio =
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO_free(cert_bio);
  BIO* key_bio =
      BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  absl::Status status;
  std::string not_after;
  if (cert == nullptr) {
    status = absl::InvalidArgumentError(
        "--tls_cert_file (STEWARD_TLS_CERT_FILE): not a PEM certificate");
  } else if (key == nullptr) {
    status = absl::InvalidArgumentError(
        "--tls_key_file (STEWARD_TLS_KEY_FILE): not an unencrypted PEM "
        "private key");
  } else if (X509_check_private_key(cert, key) != 1) {
    status = absl::InvalidArgumentError(
        "--tls_key_file (STEWARD_TLS_KEY_FILE) is not the key of "
        "--tls_cert_file (STEWARD_TLS_CERT_FILE)");
  } else {
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
      not_after = absl::FormatTime(absl::RFC3339_sec,
                                   absl::FromTM(tm, absl::UTCTimeZone()),
                                   absl::UTCTimeZone());
    }
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
      log::Warning("the TLS certificate has expired; clients will refuse it",
                   {{"not_after", not_after}});
    }
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!status.ok()) return status;
  return not_after;
}

// TLS 1.2 or 1.3 (gRPC's SSL server credentials accept nothing older) with
// a certificate; with a client CA, clients must present a certificate it
// signed (mutual TLS). Without a certificate LoadServerConfig has already
// made sure the listener is loopback-only.
absl::StatusOr<Transport> MakeTransport(const ServerConfig& config) {
  Transport transport;
  if (config.tls_cert_file.empty()) {
    transport.credentials = grpc::InsecureServerCredentials();
    transport.kind = "plaintext-loopback";
    return transport;
  }
  grpc::SslServerCredentialsOptions ssl;
  auto cert = ReadPemFile(config.tls_cert_file, "tls_cert_file");
  if (!cert.ok()) return cert.status();
  auto key = ReadPemFile(config.tls_key_file, "tls_key_file");
  if (!key.ok()) return key.status();
  auto not_after = CheckCertificateAndKey(*cert, *key);
  if (!not_after.ok()) return not_after.status();
  transport.cert_not_after = *not_after;
  ssl.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  if (config.tls_client_ca_file.empty()) {
    ssl.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
    transport.kind = "tls";
  } else {
    auto ca = ReadPemFile(config.tls_client_ca_file, "tls_client_ca_file");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    transport.kind = "mtls";
  }
  transport.credentials = grpc::SslServerCredentials(ssl);
  return transport;
}

int ClampedMs(absl::Duration d) {
  return static_cast<int>(
      std::min<int64_t>(absl::ToInt64Milliseconds(d), INT_MAX));
}

// Every HTTP/2 limit explicit. Debian's gRPC 1.51 predates upstream's later
// HTTP/2 hardening (e.g. the rapid-reset fixes of CVE-2023-44487), so these
// bound what one connection can cost; it still belongs behind the cluster's
// ingress or proxy, never directly on the internet (docs/operations.md).
void ApplyHttp2Limits(const ServerConfig& config,
                      grpc::ServerBuilder& builder) {
  builder.SetMaxReceiveMessageSize(config.max_message_bytes);
  builder.SetMaxSendMessageSize(config.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             config.max_concurrent_streams);
  builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE,
                             config.max_metadata_bytes);
  // Aged connections get a GOAWAY so clients reconnect (and rebalance over
  // new pods); in-flight calls get the grace period.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             ClampedMs(config.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             ClampedMs(config.max_connection_age_grace));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             ClampedMs(config.max_connection_idle));
  // The server's own pings find dead peers of calls in flight, also on a
  // long quiet stream (gRPC would stop after 2 pings without data); idle
  // connections are closed by the idle limit instead.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             ClampedMs(config.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             ClampedMs(config.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Client pings: more often than this, or any ping on a connection without
  // calls (permit-without-calls is 0 above), is a strike; the second strike
  // closes the connection (GOAWAY too_many_pings). common/client pings at
  // most every 60 s and only during calls.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      ClampedMs(config.min_client_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  // A connection that has not finished its (TLS) handshake by then is
  // dropped, instead of holding a slot for gRPC's default 120 s.
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, 10 * 1000);
}

// Takes server reflection off a builder. Linking gRPC's reflection library
// registers its plugin for every server (a static initializer), so leaving
// it out means removing the plugin, not merely not adding it.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    std::erase_if(*plugins, [](const auto& plugin) {
      return dynamic_cast<grpc::reflection::ProtoServerReflectionPlugin*>(
                 plugin.get()) != nullptr;
    });
  }
};

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
      // Bounded, so a stalled server reads NOT_SERVING instead of hanging
      // the monitor.
      const absl::Status ping =
          pool_.Ping(std::max(absl::Seconds(2), interval_));
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

// Applies the migrations as the migration user when one is configured (on a
// connection of its own, closed afterwards: the runtime pool never holds
// DDL rights), otherwise as the pool's user.
absl::StatusOr<db::MigrationReport> Migrate(
    const ServerConfig& config, db::ConnectionPool& pool,
    const std::vector<db::MigrationFile>& files) {
  if (config.db_migration_user.empty()) {
    return db::ApplyMigrations(pool, files);
  }
  db::DbConfig migration = config.db;
  migration.user = config.db_migration_user;
  migration.password = config.db_migration_password;
  migration.pool_size = 1;
  // Its connections are not the service's: kept off the exported metrics.
  prometheus::Registry unexported;
  db::DbMetrics metrics(unexported);
  auto migration_pool = db::ConnectionPool::Create(migration, &metrics);
  if (!migration_pool.ok()) {
    return absl::Status(
        migration_pool.status().code(),
        absl::StrCat("--db_migration_user (STEWARD_DB_MIGRATION_USER) ",
                     config.db_migration_user, ": ",
                     migration_pool.status().message()));
  }
  return db::ApplyMigrations(**migration_pool, files);
}

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
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's deadlock
  // detector on: every lock then updates one process-wide lock graph
  // (GraphCycles, seen in profiles of GetTicket). Tests keep it; the
  // services, whose lock order the TSan runs check, do without.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  auto loaded = LoadServerConfig(definition.defaults, argc, argv);
  if (!loaded.ok()) {
    log::Error("bad settings", {{"error", std::string(loaded.status().message())}});
    return kExitBadSettings;
  }
  const ServerConfig config = *std::move(loaded);
  log::SetMinLevel(ParseLevel(config.log_level));

  // Before anything else: a pod with unusable TLS files must not migrate
  // or bind.
  auto transport = MakeTransport(config);
  if (!transport.ok()) {
    log::Error("bad TLS settings",
               {{"error", std::string(transport.status().message())}});
    return kExitBadSettings;
  }
  if (!transport->cert_not_after.empty()) {
    log::Info("TLS certificate loaded",
              {{"transport", transport->kind},
               {"not_after", transport->cert_not_after}});
  }

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
  if (absl::Status durable = (*pool)->CheckDurable(); !durable.ok()) {
    if (!config.allow_non_durable_db ||
        durable.code() != absl::StatusCode::kFailedPrecondition) {
      log::Error("refusing the database",
                 {{"error", std::string(durable.message())}});
      return kExitDatabase;
    }
    log::Warning("database not durable; allowed by --allow_non_durable_db",
                 {{"error", std::string(durable.message())}});
  }
  auto report = Migrate(config, **pool, *migrations);
  if (!report.ok()) {
    log::Error("migrations refused; not starting",
               {{"error", std::string(report.status().message())}});
    return kExitDatabase;
  }
  log::Info("schema up to date",
            {{"applied_now", absl::StrCat(report->applied.size())},
             {"already_applied", absl::StrCat(report->already_applied)}});
  if (config.migrate_only) return 0;  // e.g. a Kubernetes init container

  // Security: who may call (tokens, the access table, rate limits), the
  // audit trail, and the keys protecting personal data and page tokens.
  auto verifier = auth::TokenVerifier::Create({.keys_file = config.jwt_keys_file,
                                               .issuer = config.jwt_issuer,
                                               .audience = config.jwt_audience,
                                               .leeway = config.jwt_leeway});
  if (!verifier.ok()) {
    log::Error("bad settings", {{"error", std::string(verifier.status().message())}});
    return kExitBadSettings;
  }
  auto keys = crypto::DataKeyRing::LoadFile(config.data_keys_file);
  if (!keys.ok()) {
    log::Error("bad settings",
               {{"error", absl::StrCat("--data_keys_file (STEWARD_DATA_KEYS_FILE): ",
                                       keys.status().message())}});
    return kExitBadSettings;
  }
  // Every replica derives the same key, so a page token from one is
  // accepted by the others.
  rpc::SetPageTokenKey(keys->LookupHash("steward.page_token", "v1"));
  auth::RateLimiter limiter(config.rate_limit_per_second,
                            config.rate_limit_burst);
  auth::RateLimiter peer_limiter(
      config.peer_rate_limit_per_second, config.peer_rate_limit_burst,
      "rate limit: too many refused calls (no or bad token, or not allowed) "
      "from this address; slow down");
  db::MysqlAuditSink audit_sink(**pool);
  auth::CallGate gate(**verifier, limiter, peer_limiter, audit_sink,
                      metrics.registry());
  audit::AuditGrpcService audit_api(gate, **pool);

  ServiceContext context{config, **pool, metrics.registry(), gate, *keys};
  auto bundle = definition.build(context);
  if (!bundle.ok()) {
    log::Error("cannot build the service",
               {{"error", std::string(bundle.status().message())}});
    return bundle.status().code() == absl::StatusCode::kInvalidArgument
               ? kExitBadSettings
               : kExitDatabase;
  }

  std::vector<std::string> service_names = definition.service_names;
  service_names.emplace_back(audit::AuditGrpcService::kService);
  std::vector<const google::protobuf::ServiceDescriptor*> descriptors;
  for (const std::string& name : service_names) {
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
  builder.AddListeningPort(config.grpc_listen, transport->credentials,
                           &bound_port);
  grpc::ResourceQuota quota(absl::StrCat("steward-", definition.defaults.name));
  quota.SetMaxThreads(config.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  // Idle threads keep polling, up to twice the pool, instead of exiting:
  // with at most 2 every burst of calls created and destroyed threads
  // (clone3 and stack mmap/munmap in the GetTicket profile); with 16,
  // GetTicket at 16 callers went from 7,029/s to 9,202/s and CreateTicket
  // from 2,743/s to 3,287/s.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
      std::max(2, std::min(config.max_threads, 2 * config.db.pool_size)));
  // Idle pollers wake this often; shutdown waits for them, so the default
  // (10 s) would stretch every SIGTERM by seconds.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::CQ_TIMEOUT_MSEC, 200);
  ApplyHttp2Limits(config, builder);
  // Reflection answers without a token (gRPC serves it outside the gate),
  // so it is there only when asked for (--reflection, development).
  if (!config.reflection) {
    builder.SetOption(std::make_unique<WithoutReflection>());
  }
  for (grpc::Service* handler : (*bundle)->handlers()) {
    builder.RegisterService(handler);
  }
  builder.RegisterService(&audit_api);
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
      **pool, *health, service_names, config.health_interval,
      serving_gauge);
  log::Info("serving",
            {{"grpc", absl::StrCat(config.grpc_listen.substr(
                                       0, config.grpc_listen.rfind(':')),
                                   ":", bound_port)},
             {"transport", transport->kind},
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
