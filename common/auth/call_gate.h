// The gate every Steward RPC (health aside) passes through, in one place:
// bearer-token authentication, the access table, the per-caller rate limit
// and, for state-changing methods, the audit row.
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
  // `verifier`, `limiter` and `audit` outlive the gate; `audit` takes the
  // rows no transaction carried. Registers steward_auth_decisions_total and
  // steward_audit_write_failures_total.
  CallGate(const TokenVerifier& verifier, RateLimiter& limiter,
           db::AuditSink& audit, prometheus::Registry& registry);

  using Body = std::function<grpc::Status(const Principal&)>;

  // Admits the caller of `service`/`method` and runs `body`, or answers
  // UNAUTHENTICATED (no/bad token), PERMISSION_DENIED (the access table)
  // or RESOURCE_EXHAUSTED (rate limit) without running it. For write
  // methods exactly one audit row records the call: inside the body's
  // committed transaction when there is one (see db::PendingAudit),
  // otherwise on its own with the final status.
  grpc::Status Run(grpc::ServerContext* context, absl::string_view service,
                   absl::string_view method, const CallTarget& target,
                   const Body& body);

 private:
  absl::StatusOr<Principal> Authenticate(
      const grpc::ServerContext& context) const;

  const TokenVerifier& verifier_;
  RateLimiter& limiter_;
  db::AuditSink& audit_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Counter& allowed_;
  prometheus::Counter& unauthenticated_;
  prometheus::Counter& denied_;
  prometheus::Counter& limited_;
  prometheus::Counter& audit_failures_;
};

// The bearer token of a call's `authorization` metadata: UNAUTHENTICATED
// when absent, repeated or malformed.
absl::StatusOr<std::string> BearerTokenOf(const grpc::ServerContext& context);

}  // namespace steward::auth

#endif  // STEWARD_COMMON_AUTH_CALL_GATE_H_
