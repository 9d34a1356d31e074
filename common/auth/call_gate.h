// The gate every Steward RPC (health aside) passes through, in one place:
// the per-peer limit on refused calls, bearer-token authentication, the
// per-principal rate limit, the access table and, for state-changing
// methods, the audit row.
//
// Handlers wrap their body:
//   return gate_.Run(context, kService, "CloseTicket",
//                    {request->name(), request->request_id()},
//                    [&](const auth::Principal& caller) { ... });
// The body runs only for an admitted caller and checks tenancy itself (a
// community or household the caller lacks → PERMISSION_DENIED).
#ifndef STEWARD_COMMON_AUTH_CALL_GATE_H_
#define STEWARD_COMMON_AUTH_CALL_GATE_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/auth/principal.h"
#include "common/auth/rate_limiter.h"
#include "common/auth/token_verifier.h"
#include "common/db/audit_trail.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace steward::auth {

// What a call addresses, for its audit row.
struct CallTarget {
  std::string resource;    // the name, or the parent of a create/list
  std::string request_id;  // mutations' idempotency key
};

class CallGate {
 public:
  // `verifier`, the limiters and `audit` outlive the gate; `audit` takes
  // the rows no transaction carried. `limiter` is keyed by principal and
  // takes a token for every call of a verified caller; `peer_limiter` is
  // keyed by peer address (PeerAddressOf) and takes one for every call
  // refused as UNAUTHENTICATED or PERMISSION_DENIED by the table. Registers
  // steward_auth_decisions_total and steward_audit_write_failures_total.
  CallGate(const TokenVerifier& verifier, RateLimiter& limiter,
           RateLimiter& peer_limiter, db::AuditSink& audit,
           prometheus::Registry& registry);

  using Body = std::function<grpc::Status(const Principal&)>;

  // Admits the caller of `service`/`method` and runs `body`, or answers
  // without running it: RESOURCE_EXHAUSTED with RetryInfo when the peer's
  // bucket of refusals is empty (checked before the token is looked at) or
  // the principal's bucket is; UNAUTHENTICATED (no/bad token);
  // PERMISSION_DENIED (the access table). For write methods that were not
  // rate-limited exactly one audit row records the call: inside the body's
  // committed transaction when there is one (see db::PendingAudit),
  // otherwise on its own with the final status. Rate-limited calls are
  // only counted (steward_auth_decisions_total), never audited.
  grpc::Status Run(grpc::ServerContext* context, absl::string_view service,
                   absl::string_view method, const CallTarget& target,
                   const Body& body);

 private:
  absl::StatusOr<Principal> Authenticate(
      const grpc::ServerContext& context) const;

  const TokenVerifier& verifier_;
  RateLimiter& limiter_;
  RateLimiter& peer_limiter_;
  db::AuditSink& audit_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Counter& allowed_;
  prometheus::Counter& unauthenticated_;
  prometheus::Counter& denied_;
  prometheus::Counter& limited_;
  prometheus::Counter& peer_limited_;
  prometheus::Counter& audit_failures_;
};

// The bearer token of a call's `authorization` metadata: UNAUTHENTICATED
// when absent, repeated or malformed.
absl::StatusOr<std::string> BearerTokenOf(const grpc::ServerContext& context);

// The rate-limit key of a gRPC peer string (ServerContext::peer()): the
// address without the port ("ipv4:10.0.0.7:53124" -> "ipv4:10.0.0.7",
// "ipv6:[::1]:53124" -> "ipv6:[::1]"); anything else as it is.
std::string PeerAddressOf(absl::string_view peer);

}  // namespace steward::auth

#endif  // STEWARD_COMMON_AUTH_CALL_GATE_H_
