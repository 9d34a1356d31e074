// A real auth::CallGate for handler tests: fresh EC P-256 keys, a verifier
// pinned to them, rate limits no test reaches (unless it sets its own
// TestGate::Limits), an in-memory audit sink and
// its own metrics registry; plus bearer tokens for each kind of caller and
// ServerContexts that carry them, so a test calls a handler exactly as a
// client holding that token would.
//
//   steward::testing::TestGate gate;
//   tickets::TicketGrpcService service(desk, gate.gate());
//   steward::testing::CallContext context(gate.Staff({"c1"}));
//   service.GetTicket(context.get(), &request, &ticket);
//   EXPECT_EQ(gate.audit().rows().size(), 0u);  // reads are not audited
//
// Header-only (target steward_unit_gate).
#ifndef STEWARD_TESTS_UNIT_SUPPORT_TEST_GATE_H_
#define STEWARD_TESTS_UNIT_SUPPORT_TEST_GATE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/test/server_context_test_spouse.h>
#include <prometheus/registry.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/call_gate.h"
#include "common/auth/principal.h"
#include "common/auth/rate_limiter.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
#include "common/db/audit_trail.h"
#include "tests/unit/auth/test_keys.h"

namespace steward::testing {

// An AuditSink keeping rows in memory, in write order. Thread-safe. Only
// rows no committed db::Transaction carried arrive here; with fake
// repositories (which commit none) that is one row per write call.
class FakeAuditSink final : public db::AuditSink {
 public:
  absl::Status Write(const db::AuditRow& row) override {
    absl::MutexLock lock(&mu_);
    if (!failure_.ok()) return failure_;
    rows_.push_back(row);
    return absl::OkStatus();
  }

  // Every row written so far.
  std::vector<db::AuditRow> rows() const {
    absl::MutexLock lock(&mu_);
    return rows_;
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    rows_.clear();
  }
  // Later writes fail with `status` (and store nothing); OK restores them.
  void FailWith(absl::Status status) {
    absl::MutexLock lock(&mu_);
    failure_ = std::move(status);
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<db::AuditRow> rows_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

// The gate and everything it needs, plus a token minter for the key it
// trusts. Not copyable or movable (the gate holds references into it).
// Token helpers are thread-safe; each token is valid for an hour from when
// it is minted.
class TestGate {
 public:
  static constexpr absl::string_view kIssuer = "steward-dev";
  static constexpr absl::string_view kAudience = "steward";

  // The gate's token buckets: per principal, and per peer address for
  // refused calls (a test ServerContext's peer is "").
  struct Limits {
    double per_second = 1e6;
    int burst = 1000000;
    double peer_per_second = 1e6;
    int peer_burst = 1000000;
  };

  TestGate() : TestGate(Limits{}) {}
  explicit TestGate(const Limits& limits)
      : key_(auth::testing::MakeEc("P-256")),
        verifier_(MakeVerifierOptions(), VerificationKeys(key_.public_pem)),
        limiter_(limits.per_second, limits.burst),
        peer_limiter_(limits.peer_per_second, limits.peer_burst),
        gate_(verifier_, limiter_, peer_limiter_, audit_, registry_) {}
  TestGate(const TestGate&) = delete;
  TestGate& operator=(const TestGate&) = delete;

  auth::CallGate& gate() { return gate_; }
  FakeAuditSink& audit() { return audit_; }
  prometheus::Registry& registry() { return registry_; }
  // The PEM key pair tokens are signed with (a test may mint its own).
  const auth::testing::KeyPair& key() const { return key_; }

  // A token for `request` signed with the trusted key; issuer and audience
  // are the gate's unless the request names others.
  std::string Mint(auth::TokenRequest request) const {
    auto token = auth::MintToken(request, key_.private_pem);
    if (!token.ok()) {
      std::cerr << "TestGate: MintToken failed: " << token.status() << "\n";
      std::abort();
    }
    return *std::move(token);
  }

  // An owner of `households` ("communities/c1/households/3-2-1201").
  std::string Owner(std::vector<std::string> households,
                    std::string subject = "o-1") const {
    auth::TokenRequest r = Base(auth::Role::kOwner, std::move(subject));
    r.households = std::move(households);
    return Mint(std::move(r));
  }
  // Front-line staff of `communities` (ids, or {"*"}).
  std::string Staff(std::vector<std::string> communities,
                    std::string subject = "s-1") const {
    auth::TokenRequest r = Base(auth::Role::kStaff, std::move(subject));
    r.communities = std::move(communities);
    return Mint(std::move(r));
  }
  // A manager; by default of every community.
  std::string Manager(std::vector<std::string> communities = {"*"},
                      std::string subject = "m-1") const {
    auth::TokenRequest r = Base(auth::Role::kManager, std::move(subject));
    r.communities = std::move(communities);
    return Mint(std::move(r));
  }
  // The quality department; by default across every community.
  std::string Quality(std::vector<std::string> communities = {"*"},
                      std::string subject = "q-1") const {
    auth::TokenRequest r = Base(auth::Role::kQuality, std::move(subject));
    r.communities = std::move(communities);
    return Mint(std::move(r));
  }
  // A system client holding `scopes` ("tickets.read", "pii.read", ...);
  // by default across every community.
  std::string System(std::vector<std::string> scopes,
                     std::vector<std::string> communities = {"*"},
                     std::string subject = "crm") const {
    auth::TokenRequest r = Base(auth::Role::kSystem, std::move(subject));
    r.scopes = std::move(scopes);
    r.communities = std::move(communities);
    return Mint(std::move(r));
  }

 private:
  static auth::VerifierOptions MakeVerifierOptions() {
    auth::VerifierOptions options;
    options.issuer = std::string(kIssuer);
    options.audience = std::string(kAudience);
    return options;  // no keys_file: the keys below never reload
  }
  static std::vector<auth::VerificationKey> VerificationKeys(
      const std::string& public_pem) {
    auto keys = auth::ParseVerificationKeys(public_pem);
    if (!keys.ok()) {
      std::cerr << "TestGate: ParseVerificationKeys failed: " << keys.status()
                << "\n";
      std::abort();
    }
    return *std::move(keys);
  }
  static auth::TokenRequest Base(auth::Role role, std::string subject) {
    auth::TokenRequest r;
    r.issuer = std::string(kIssuer);
    r.audience = std::string(kAudience);
    r.subject = std::move(subject);
    r.role = role;
    r.issued_at = absl::Now();
    return r;
  }

  // Declaration order is construction order: the gate comes last.
  const auth::testing::KeyPair key_;
  const auth::TokenVerifier verifier_;
  auth::RateLimiter limiter_;
  auth::RateLimiter peer_limiter_;
  FakeAuditSink audit_;
  prometheus::Registry registry_;
  auth::CallGate gate_;
};

// A ServerContext as the server would hand a handler for a call that sent
// `authorization: Bearer <token>` — or no authorization metadata at all when
// `token` is empty. Extra metadata may be added before the call. Lives as
// long as the call (the context's metadata points into it); not copyable.
class CallContext {
 public:
  explicit CallContext(absl::string_view token = "") {
    if (!token.empty()) {
      AddMetadata("authorization", absl::StrCat("Bearer ", token));
    }
  }
  CallContext(const CallContext&) = delete;
  CallContext& operator=(const CallContext&) = delete;

  void AddMetadata(const std::string& key, const std::string& value) {
    spouse_.AddClientMetadata(key, value);
  }
  grpc::ServerContext* get() { return &context_; }

 private:
  grpc::ServerContext context_;
  grpc::testing::ServerContextTestSpouse spouse_{&context_};
};

// Calls a unary handler `method` of `service` as the holder of `token` (""
// for an unauthenticated call).
template <typename Service, typename Request, typename Response>
grpc::Status CallAs(Service& service,
                    grpc::Status (Service::*method)(grpc::ServerContext*,
                                                    const Request*, Response*),
                    absl::string_view token, const Request& request,
                    Response* response) {
  CallContext context(token);
  return (service.*method)(context.get(), &request, response);
}

}  // namespace steward::testing

#endif  // STEWARD_TESTS_UNIT_SUPPORT_TEST_GATE_H_
