#include "common/client/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/client_interceptor.h>

#include <fstream>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/client/loopback.h"

namespace steward::client {
namespace {

// Retries UNAVAILABLE only (the peer or the connection is gone; the call did
// not run or, for an idempotent method, running it again is harmless); every
// other code is an answer.
constexpr char kRetryPolicy[] = R"json({
      "maxAttempts": 3,
      "initialBackoff": "0.1s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    })json";

// "package.Service" or "package.Service/Method": dotted identifiers, then an
// optional identifier (so the name needs no escaping in JSON either).
bool IsIdentifier(absl::string_view s) {
  if (s.empty() || absl::ascii_isdigit(s.front())) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return true;
}

absl::StatusOr<std::string> MethodName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  bool valid = parts.size() <= 2 && (parts.size() == 1 || IsIdentifier(parts[1]));
  for (absl::string_view piece : absl::StrSplit(parts[0], '.')) {
    valid = valid && IsIdentifier(piece);
  }
  if (!valid) {
    return absl::InvalidArgumentError(absl::StrCat(
        "idempotent_methods: \"", name,
        "\" is not \"package.Service\" or \"package.Service/Method\""));
  }
  return parts.size() == 1
             ? absl::StrCat(R"({"service": ")", parts[0], R"("})")
             : absl::StrCat(R"({"service": ")", parts[0], R"(", "method": ")",
                            parts[1], R"("})");
}

// gRPC's duration form: seconds with up to 9 decimals and an "s".
std::string ConfigDuration(absl::Duration d) {
  return absl::StrFormat("%d.%09ds", absl::ToInt64Seconds(d),
                         absl::ToInt64Nanoseconds(d % absl::Seconds(1)));
}

// gRPC 1.51 ends a call whose deadline comes from the service config's
// "timeout" 1 to 2 s early: the call's start is taken from the cycle counter,
// whose epoch is precise, but compared with a clock whose epoch is rounded
// down to a whole second less one (grpc/grpc#34547; measured here: a "3s"
// timeout ended calls after 1.03 to 1.71 s, constant within a process). The
// config therefore asks for this much more, so the backstop ends a call
// between default_timeout and default_timeout + 1 s (+ 2 s once gRPC is
// fixed), never before it.
constexpr absl::Duration kServiceConfigTimeoutSkew = absl::Seconds(2);

// Every method gets `timeout`; the idempotent ones (a more specific name
// wins in gRPC's lookup) the same timeout and the retry policy.
absl::StatusOr<std::string> ServiceConfig(const ChannelOptions& options) {
  if (options.default_timeout <= absl::ZeroDuration() ||
      options.default_timeout == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        "default_timeout: must be positive and finite");
  }
  const std::string timeout =
      ConfigDuration(options.default_timeout + kServiceConfigTimeoutSkew);
  std::string config = absl::StrCat(
      R"({"methodConfig": [{"name": [{}], "timeout": ")", timeout, R"("})");
  if (!options.idempotent_methods.empty()) {
    std::set<std::string> seen;
    std::vector<std::string> names;
    for (const std::string& method : options.idempotent_methods) {
      if (!seen.insert(method).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("idempotent_methods: \"", method, "\" is repeated"));
      }
      auto name = MethodName(method);
      if (!name.ok()) return name.status();
      names.push_back(*std::move(name));
    }
    absl::StrAppend(&config, R"(, {"name": [)", absl::StrJoin(names, ", "),
                    R"(], "timeout": ")", timeout, R"(", "retryPolicy": )",
                    kRetryPolicy, "}");
  }
  absl::StrAppend(&config, "]}");
  return config;
}

// Matches the servers' --min_client_ping_interval (60 s): never ping more
// often, and not on idle connections (the servers close those after
// --max_connection_idle and count pings without calls as strikes).
constexpr int kKeepaliveTimeMs = 60 * 1000;
constexpr int kKeepaliveTimeoutMs = 20 * 1000;

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    absl::string_view option) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  if (in) content << in.rdbuf();
  if (!in || content.str().empty()) {
    // The path only: never the content, which may be a private key.
    return absl::InvalidArgumentError(
        absl::StrCat(option, ": cannot read ", path));
  }
  return content.str();
}

// Whether plaintext to `target` stays on this machine. gRPC target forms:
// host:port, dns:[//authority/]host:port, ipv4:/ipv6:addr[,addr...],
// unix:path, unix-abstract:name.
bool IsLocalTarget(absl::string_view target) {
  if (absl::StartsWith(target, "unix:") ||
      absl::StartsWith(target, "unix-abstract:")) {
    return true;
  }
  for (absl::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&target, scheme)) {
      for (absl::string_view address : absl::StrSplit(target, ',')) {
        if (!IsLoopbackHost(HostOfHostPort(address))) return false;
      }
      return !target.empty();
    }
  }
  if (absl::ConsumePrefix(&target, "dns:")) {
    if (absl::ConsumePrefix(&target, "//")) {
      const size_t slash = target.find('/');
      if (slash == absl::string_view::npos) return false;
      target.remove_prefix(slash + 1);
    }
  }
  return IsLoopbackHost(HostOfHostPort(target));
}

class BearerTokenInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerTokenInterceptor(std::string header)
      : header_(std::move(header)) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      auto* metadata = methods->GetSendInitialMetadata();
      // A token the caller put on the context itself wins.
      if (metadata->find("authorization") == metadata->end()) {
        metadata->emplace("authorization", header_);
      }
    }
    methods->Proceed();
  }

 private:
  const std::string header_;
};

class BearerTokenInterceptorFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerTokenInterceptorFactory(const std::string& token)
      : header_(absl::StrCat("Bearer ", token)) {}

  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new BearerTokenInterceptor(header_);  // gRPC owns it
  }

 private:
  const std::string header_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const ChannelOptions& options) {
  if (options.target.empty()) {
    return absl::InvalidArgumentError("target: empty");
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "tls_cert_file and tls_key_file go together");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls_ca_file.empty()) {
    if (!options.tls_cert_file.empty()) {
      return absl::InvalidArgumentError(
          "tls_cert_file needs tls_ca_file (a client certificate is only sent "
          "over TLS)");
    }
    if (!IsLocalTarget(options.target)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "plaintext is only allowed to loopback targets; set tls_ca_file to "
          "reach ",
          options.target));
    }
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    auto ca = ReadPem(options.tls_ca_file, "tls_ca_file");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
    if (!options.tls_cert_file.empty()) {
      auto cert = ReadPem(options.tls_cert_file, "tls_cert_file");
      if (!cert.ok()) return cert.status();
      auto key = ReadPem(options.tls_key_file, "tls_key_file");
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *std::move(cert);
      ssl.pem_private_key = *std::move(key);
    }
    credentials = grpc::SslCredentials(ssl);
  }

  auto service_config = ServiceConfig(options);
  if (!service_config.ok()) return service_config.status();
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(*service_config);
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  // Keepalive must keep going on a long quiet stream (e.g. an event watch);
  // gRPC's default stops pinging after 2 pings without data.
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  if (!options.tls_server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls_server_name);
  }
  if (options.own_connection) {
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  }

  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  if (!options.bearer_token.empty()) {
    interceptors.push_back(
        std::make_unique<BearerTokenInterceptorFactory>(options.bearer_token));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      options.target, credentials, args, std::move(interceptors));
}

std::unique_ptr<grpc::ClientContext> NewCallContext(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  SetDeadline(*context, timeout);
  return context;
}

void SetDeadline(grpc::ClientContext& context, absl::Duration timeout) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

}  // namespace steward::client
