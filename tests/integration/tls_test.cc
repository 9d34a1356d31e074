// Transport security end to end: steward-tickets with TLS and mutual TLS
// from certificates made by scripts/dev-certs.sh (two independent CAs, A and
// B), called over channels from common/client; plaintext refused off
// loopback; unusable TLS files refused at start-up. Plus common/client's own
// promises (bearer token; retry of UNAVAILABLE only, on declared idempotent
// methods only; a deadline on every call) against an in-process server.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <deque>
#include <fstream>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/client/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// One run of scripts/dev-certs.sh: a CA, the server's and a client's
// certificate in a fresh directory.
struct Certs {
  std::string dir;
  std::string ca() const { return dir + "/ca.pem"; }
  std::string server_cert() const { return dir + "/server.pem"; }
  std::string server_key() const { return dir + "/server.key"; }
  std::string client_cert() const { return dir + "/client-client.pem"; }
  std::string client_key() const { return dir + "/client-client.key"; }
};

std::optional<Certs> MakeCerts(const TestEnv& env) {
  std::string pattern = ::testing::TempDir() + "steward-tls-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return std::nullopt;
  Certs certs{pattern};
  const std::string command = absl::StrCat(
      "bash \"", env.source_dir, "/scripts/dev-certs.sh\" \"", certs.dir,
      "\" client >\"", certs.dir, "/dev-certs.log\" 2>&1");
  if (RunShell(command) != 0) return std::nullopt;
  return certs;
}

// "SERVING", the RPC error ("rpc error 14: ..."), or why no channel was made.
// `metadata_bytes` > 0 adds a header of that size.
std::string Check(client::ChannelOptions options, const std::string& target,
                  size_t metadata_bytes = 0) {
  options.target = target;
  auto channel = client::MakeChannel(options);
  if (!channel.ok())
    return absl::StrCat("no channel: ", channel.status().ToString());
  auto stub = Health::NewStub(*channel);
  grpc::ClientContext context;
  client::SetDeadline(context, absl::Seconds(5));
  if (metadata_bytes > 0) {
    context.AddMetadata("x-steward-padding", std::string(metadata_bytes, 'p'));
  }
  HealthCheckRequest request;
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::StrCat("rpc error ", status.error_code(), ": ",
                        status.error_message());
  }
  return HealthCheckResponse::ServingStatus_Name(response.status());
}

bool WaitServing(const client::ChannelOptions& options,
                 const std::string& target, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    if (Check(options, target) == "SERVING") return true;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return false;
}

const std::string kUnavailable =
    absl::StrCat("rpc error ", grpc::StatusCode::UNAVAILABLE, ":");

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadTestEnv(&env_));
    auto a = MakeCerts(env_);
    auto b = MakeCerts(env_);
    ASSERT_TRUE(a.has_value() && b.has_value())
        << "scripts/dev-certs.sh failed";
    a_ = *a;
    b_ = *b;
  }

  void Stop(ServiceUnderTest& s) {
    s.process->Signal(SIGTERM);
    EXPECT_EQ(s.process->Wait(absl::Seconds(20)), 0) << s.process->ReadLog();
  }

  TestEnv env_;
  Certs a_, b_;
};

TEST_F(TlsTest, MutualTlsAdmitsOnlyClientsWithACertificateOfTheClientCa) {
  ServiceUnderTest s = StartService(
      env_, "tickets", env_.db_port,
      {"--tls_cert_file=" + a_.server_cert(),
       "--tls_key_file=" + a_.server_key(), "--tls_client_ca_file=" + a_.ca()});
  const client::ChannelOptions with_cert = {.tls_ca_file = a_.ca(),
                                            .tls_cert_file = a_.client_cert(),
                                            .tls_key_file = a_.client_key()};
  ASSERT_TRUE(WaitServing(with_cert, s.target(), absl::Seconds(30)))
      << Check(with_cert, s.target()) << "\n"
      << s.process->ReadLog();
  EXPECT_TRUE(absl::StrContains(s.process->ReadLog(), R"("transport":"mtls")"))
      << s.process->ReadLog();

  // (a) A's CA and A's client certificate; also by a name of the
  // certificate other than the address dialled.
  EXPECT_EQ(Check(with_cert, s.target()), "SERVING");
  client::ChannelOptions by_name = with_cert;
  by_name.tls_server_name = "steward-tickets.steward.svc";
  EXPECT_EQ(Check(by_name, s.target()), "SERVING");
  // The server's certificate carries clientAuth too: what the k8s probe uses.
  const client::ChannelOptions probe = {.tls_ca_file = a_.ca(),
                                        .tls_cert_file = a_.server_cert(),
                                        .tls_key_file = a_.server_key(),
                                        .tls_server_name = "localhost"};
  EXPECT_EQ(Check(probe, s.target()), "SERVING");

  // (b) No client certificate.
  EXPECT_TRUE(absl::StartsWith(Check({.tls_ca_file = a_.ca()}, s.target()),
                               kUnavailable));
  // (c) A client certificate of another CA.
  const client::ChannelOptions foreign_cert = {
      .tls_ca_file = a_.ca(),
      .tls_cert_file = b_.client_cert(),
      .tls_key_file = b_.client_key()};
  EXPECT_TRUE(absl::StartsWith(Check(foreign_cert, s.target()), kUnavailable));
  // (d) Plaintext.
  EXPECT_TRUE(absl::StartsWith(Check({}, s.target()), kUnavailable));
  // A name the certificate does not carry.
  client::ChannelOptions wrong_name = with_cert;
  wrong_name.tls_server_name = "steward-elsewhere";
  EXPECT_TRUE(absl::StartsWith(Check(wrong_name, s.target()), kUnavailable));

  // Still serving the good client after all that.
  EXPECT_EQ(Check(with_cert, s.target()), "SERVING");
  Stop(s);
}

TEST_F(TlsTest, TlsWithoutClientCaServesAnyClientThatTrustsTheServer) {
  ServiceUnderTest s = StartService(
      env_, "tickets", env_.db_port,
      {"--tls_cert_file=" + a_.server_cert(),
       "--tls_key_file=" + a_.server_key(), "--max_metadata_bytes=4096"});
  const client::ChannelOptions trusts_a = {.tls_ca_file = a_.ca()};
  ASSERT_TRUE(WaitServing(trusts_a, s.target(), absl::Seconds(30)))
      << Check(trusts_a, s.target()) << "\n"
      << s.process->ReadLog();
  EXPECT_TRUE(absl::StrContains(s.process->ReadLog(), R"("transport":"tls")"))
      << s.process->ReadLog();

  // (e) No client certificate needed; a client that trusts only CA B does
  // not accept the server.
  EXPECT_EQ(Check(trusts_a, s.target()), "SERVING");
  EXPECT_TRUE(absl::StartsWith(Check({.tls_ca_file = b_.ca()}, s.target()),
                               kUnavailable));
  EXPECT_TRUE(absl::StartsWith(Check({}, s.target()), kUnavailable));

  // The HTTP/2 limits reach the server: metadata over --max_metadata_bytes
  // (4 KiB here) is refused, under it is fine.
  EXPECT_EQ(Check(trusts_a, s.target(), 2000), "SERVING");
  EXPECT_TRUE(absl::StartsWith(
      Check(trusts_a, s.target(), 6000),
      absl::StrCat("rpc error ", grpc::StatusCode::RESOURCE_EXHAUSTED, ":")));
  Stop(s);
}

TEST_F(TlsTest, PlaintextOffLoopbackExitsTwo) {
  const int port = FreePort();
  ServiceUnderTest s =
      StartService(env_, "tickets", env_.db_port,
                   {absl::StrCat("--grpc_listen=0.0.0.0:", port)});
  EXPECT_EQ(s.process->Wait(absl::Seconds(20)), 2) << s.process->ReadLog();
  const std::string log = s.process->ReadLog();
  EXPECT_TRUE(absl::StrContains(log, "--grpc_listen")) << log;
  EXPECT_TRUE(absl::StrContains(log, "--tls_cert_file")) << log;

  // The client side of the same rule.
  auto channel = client::MakeChannel({.target = "10.1.2.3:50051"});
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kInvalidArgument);
  auto by_name =
      client::MakeChannel({.target = "dns:///steward-tickets:50051"});
  EXPECT_EQ(by_name.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(client::MakeChannel({.target = "localhost:50051"}).ok());
  EXPECT_TRUE(client::MakeChannel({.target = "ipv6:[::1]:50051"}).ok());
}

TEST_F(TlsTest, UnusableTlsFilesExitTwoWithoutPrintingKeys) {
  struct Case {
    std::string what;
    std::vector<std::string> flags;
  };
  const std::vector<Case> cases = {
      {"missing key file",
       {"--tls_cert_file=" + a_.server_cert(),
        "--tls_key_file=/nonexistent.key"}},
      {"key of another certificate",
       {"--tls_cert_file=" + a_.server_cert(),
        "--tls_key_file=" + b_.server_key()}},
      {"key file given as certificate",
       {"--tls_cert_file=" + a_.server_key(),
        "--tls_key_file=" + a_.server_key()}},
      {"missing client CA",
       {"--tls_cert_file=" + a_.server_cert(),
        "--tls_key_file=" + a_.server_key(),
        "--tls_client_ca_file=/nonexistent-ca.pem"}},
  };
  for (const Case& c : cases) {
    ServiceUnderTest s = StartService(env_, "tickets", env_.db_port, c.flags);
    EXPECT_EQ(s.process->Wait(absl::Seconds(20)), 2) << c.what << "\n"
                                                     << s.process->ReadLog();
    const std::string log = s.process->ReadLog();
    EXPECT_TRUE(absl::StrContains(log, "--tls_")) << c.what << "\n" << log;
    EXPECT_FALSE(absl::StrContains(log, "PRIVATE KEY")) << c.what << "\n"
                                                        << log;
    // Nothing was bound or migrated before the check.
    EXPECT_FALSE(absl::StrContains(log, "schema up to date")) << c.what;
  }
}

// --- common/client against an in-process server ------------------------------

// Answers Check with the scripted codes, in order (then OK), and records the
// authorization header of each call; or, when told to hang, never answers.
class ScriptedHealth final : public Health::Service {
 public:
  explicit ScriptedHealth(std::deque<grpc::StatusCode> codes, bool hang)
      : hang_(hang), codes_(std::move(codes)) {}

  grpc::Status Check(grpc::ServerContext* context, const HealthCheckRequest*,
                     HealthCheckResponse* response) override {
    if (hang_) {
      // Never answers while the caller waits; answers OK after a minute so
      // that a caller without a working deadline fails instead of hanging.
      const absl::Time give_up = absl::Now() + absl::Minutes(1);
      while (!context->IsCancelled() && absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(10));
      }
      response->set_status(HealthCheckResponse::SERVING);
      return grpc::Status::OK;
    }
    absl::MutexLock lock(&mu_);
    ++calls_;
    auto it = context->client_metadata().find("authorization");
    authorization_ = it == context->client_metadata().end()
                         ? "(none)"
                         : std::string(it->second.data(), it->second.size());
    if (codes_.empty()) {
      response->set_status(HealthCheckResponse::SERVING);
      return grpc::Status::OK;
    }
    const grpc::StatusCode code = codes_.front();
    codes_.pop_front();
    return grpc::Status(code, "scripted");
  }

  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::string authorization() {
    absl::MutexLock lock(&mu_);
    return authorization_;
  }

 private:
  const bool hang_;
  absl::Mutex mu_;
  std::deque<grpc::StatusCode> codes_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::string authorization_ ABSL_GUARDED_BY(mu_);
};

struct InProcessServer {
  // `hang`: Check never answers (see ScriptedHealth).
  explicit InProcessServer(std::deque<grpc::StatusCode> codes,
                           bool hang = false)
      : health(std::move(codes), hang) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&health);
    server = builder.BuildAndStart();
  }
  ~InProcessServer() { server->Shutdown(); }
  std::string target() const { return absl::StrCat("127.0.0.1:", port); }

  ScriptedHealth health;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

TEST(ClientChannelTest, BearerTokenGoesOnEveryCallEvenInPlaintext) {
  InProcessServer server({});
  ASSERT_NE(server.port, 0);
  EXPECT_EQ(Check({.bearer_token = "t0ken"}, server.target()), "SERVING");
  EXPECT_EQ(server.health.authorization(), "Bearer t0ken");
  EXPECT_EQ(Check({}, server.target()), "SERVING");
  EXPECT_EQ(server.health.authorization(), "(none)");
}

constexpr char kCheck[] = "grpc.health.v1.Health/Check";

TEST(ClientChannelTest, RetriesIdempotentMethodsOnUnavailableOnlyAndAtMostThreeAttempts) {
  // Declared by method and by service.
  for (const char* idempotent : {kCheck, "grpc.health.v1.Health"}) {
    SCOPED_TRACE(idempotent);
    const client::ChannelOptions options{.idempotent_methods = {idempotent}};
    {
      InProcessServer server(
          {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE});
      EXPECT_EQ(Check(options, server.target()), "SERVING");
      EXPECT_EQ(server.health.calls(), 3);
    }
    {
      InProcessServer server({grpc::StatusCode::UNAVAILABLE,
                              grpc::StatusCode::UNAVAILABLE,
                              grpc::StatusCode::UNAVAILABLE});
      EXPECT_TRUE(
          absl::StartsWith(Check(options, server.target()), kUnavailable));
      EXPECT_EQ(server.health.calls(), 3);
    }
    {
      InProcessServer server({grpc::StatusCode::ABORTED});
      EXPECT_TRUE(absl::StartsWith(
          Check(options, server.target()),
          absl::StrCat("rpc error ", grpc::StatusCode::ABORTED, ":")));
      EXPECT_EQ(server.health.calls(), 1);
    }
  }
}

TEST(ClientChannelTest, MethodsNotDeclaredIdempotentAreTriedOnce) {
  for (const client::ChannelOptions& options :
       {client::ChannelOptions{},
        client::ChannelOptions{
            .idempotent_methods = {"grpc.health.v1.Health/Watch",
                                   "steward.tickets.v1.TicketService"}}}) {
    InProcessServer server(
        {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE});
    EXPECT_TRUE(absl::StartsWith(Check(options, server.target()), kUnavailable));
    EXPECT_EQ(server.health.calls(), 1);
  }
}

// A call against a server that never answers (it would answer OK after a
// minute), on a channel whose default timeout is short: `deadline` is the
// context's own (none when zero).
grpc::Status CallHangingServer(const std::string& target,
                               absl::Duration deadline) {
  auto channel = client::MakeChannel(
      {.target = target,
       .idempotent_methods = {kCheck},
       .default_timeout = absl::Milliseconds(300)});
  if (!channel.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "channel");
  auto stub = Health::NewStub(*channel);
  grpc::ClientContext context;
  if (deadline > absl::ZeroDuration()) client::SetDeadline(context, deadline);
  HealthCheckRequest request;
  HealthCheckResponse response;
  return stub->Check(&context, request, &response);
}

TEST(ClientChannelTest, EveryCallEndsByTheDefaultTimeoutWithoutADeadlineOfItsOwn) {
  InProcessServer server({}, /*hang=*/true);
  ASSERT_NE(server.port, 0);
  // No deadline on the context: the channel's default ends the call (the
  // server would answer OK after a minute).
  EXPECT_EQ(CallHangingServer(server.target(), absl::ZeroDuration())
                .error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  // A later deadline than the default: the default still caps it.
  EXPECT_EQ(CallHangingServer(server.target(), absl::Hours(1)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST(ClientChannelTest, NewCallContextCarriesTheDeadline) {
  InProcessServer server({}, /*hang=*/true);
  ASSERT_NE(server.port, 0);
  // The channel's default (30 s) is not what ends this call: the context's
  // own deadline is, well before the server's one-minute answer.
  auto channel = client::MakeChannel({.target = server.target()});
  ASSERT_TRUE(channel.ok());
  auto stub = Health::NewStub(*channel);
  auto context = client::NewCallContext(absl::Milliseconds(300));
  ASSERT_NE(context, nullptr);
  EXPECT_LT(context->deadline(), std::chrono::system_clock::now() +
                                     std::chrono::seconds(1));
  HealthCheckRequest request;
  HealthCheckResponse response;
  EXPECT_EQ(stub->Check(context.get(), request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST(ClientChannelTest, RejectsMalformedRetryAndTimeoutOptions) {
  for (const char* bad : {"", "grpc.health.v1.Health/", "/Check",
                          "grpc..Health/Check", "grpc.health.v1.Health/Check/x",
                          "grpc.health.v1.\"Health", "grpc.1health.Health"}) {
    auto channel = client::MakeChannel(
        {.target = "127.0.0.1:1", .idempotent_methods = {bad}});
    EXPECT_EQ(channel.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_TRUE(absl::StrContains(channel.status().message(),
                                  "idempotent_methods"))
        << channel.status();
  }
  auto repeated = client::MakeChannel(
      {.target = "127.0.0.1:1", .idempotent_methods = {kCheck, kCheck}});
  EXPECT_EQ(repeated.status().code(), absl::StatusCode::kInvalidArgument);
  for (absl::Duration timeout : {absl::ZeroDuration(), absl::Seconds(-1),
                                 absl::InfiniteDuration()}) {
    auto channel = client::MakeChannel(
        {.target = "127.0.0.1:1", .default_timeout = timeout});
    EXPECT_EQ(channel.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(
        absl::StrContains(channel.status().message(), "default_timeout"));
  }
}

TEST(ClientChannelTest, RejectsIncompleteTlsOptions) {
  EXPECT_EQ(
      client::MakeChannel({.target = "127.0.0.1:1", .tls_cert_file = "/c.pem"})
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client::MakeChannel({.target = "127.0.0.1:1",
                                 .tls_cert_file = "/c.pem",
                                 .tls_key_file = "/k.pem"})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto missing = client::MakeChannel(
      {.target = "127.0.0.1:1", .tls_ca_file = "/nonexistent-ca.pem"});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(missing.status().message(), "tls_ca_file"));
}

}  // namespace
}  // namespace steward::testing
