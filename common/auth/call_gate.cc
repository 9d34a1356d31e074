#include "common/auth/call_gate.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/access_table.h"
#include "common/db/call_deadline.h"
#include "common/rpc/grpc_status.h"
#include "common/util/log.h"

namespace steward::auth {
namespace {
constexpr absl::Duration kAuditGrace = absl::Milliseconds(250);
}  // namespace

absl::StatusOr<std::string> BearerTokenOf(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto [first, last] = metadata.equal_range("authorization");
  if (first == last) {
    return absl::UnauthenticatedError(
        "missing authorization metadata (\"Bearer <token>\")");
  }
  if (std::next(first) != last) {
    return absl::UnauthenticatedError("more than one authorization metadata");
  }
  auto token = ParseBearer(
      absl::string_view(first->second.data(), first->second.size()));
  if (!token.ok()) return token.status();
  return std::string(*token);
}

CallGate::CallGate(const TokenVerifier& verifier, RateLimiter& limiter,
                   db::AuditSink& audit, prometheus::Registry& registry)
    : verifier_(verifier),
      limiter_(limiter),
      audit_(audit),
      decisions_(prometheus::BuildCounter()
                     .Name("steward_auth_decisions_total")
                     .Help("Calls by the gate's decision")
                     .Register(registry)),
      allowed_(decisions_.Add({{"decision", "allowed"}})),
      unauthenticated_(decisions_.Add({{"decision", "unauthenticated"}})),
      denied_(decisions_.Add({{"decision", "permission_denied"}})),
      limited_(decisions_.Add({{"decision", "rate_limited"}})),
      audit_failures_(prometheus::BuildCounter()
                          .Name("steward_audit_write_failures_total")
                          .Help("Audit rows that could not be written")
                          .Register(registry)
                          .Add({})) {}

absl::StatusOr<Principal> CallGate::Authenticate(
    const grpc::ServerContext& context) const {
  auto token = BearerTokenOf(context);
  if (!token.ok()) return token.status();
  return verifier_.Verify(*token, absl::Now());
}

grpc::Status CallGate::Run(grpc::ServerContext* context,
                           absl::string_view service, absl::string_view method,
                           const CallTarget& target, const Body& body) {
  // The database layer honours the caller's deadline from here on (see
  // db/call_deadline.h); the sync server runs the whole call on this thread.
  db::ScopedCallDeadline call_deadline(db::FromGrpcDeadline(context->deadline()));
  const std::string full_method = absl::StrCat(service, "/", method);
  const MethodRule* rule = FindRule(full_method);
  if (rule == nullptr) {
    log::Error("method missing from the access table; denied",
               {{"method", full_method}});
  }
  const bool audited = rule == nullptr || rule->access == Access::kWrite;

  absl::StatusOr<Principal> who = Authenticate(*context);
  absl::Status decision =
      who.ok() ? Authorize(*who, rule, full_method) : who.status();
  if (decision.ok()) decision = limiter_.Admit(who->id(), absl::Now());
  (decision.ok()                                             ? allowed_
   : decision.code() == absl::StatusCode::kUnauthenticated   ? unauthenticated_
   : decision.code() == absl::StatusCode::kResourceExhausted ? limited_
                                                             : denied_)
      .Increment();
  if (!audited) {
    if (!decision.ok()) return rpc::ToGrpcStatus(decision);
    return body(*who);
  }

  db::AuditRow row;
  row.at = absl::Now();
  // A valid token refused by the table or the rate limit still names its
  // holder.
  row.principal = who.ok() ? who->id() : "anonymous";
  row.role = who.ok() ? std::string(RoleName(who->role)) : "";
  row.method = full_method;
  row.resource = target.resource;
  row.request_id = target.request_id;
  row.allowed = decision.ok();
  db::PendingAudit pending(std::move(row));
  grpc::Status status =
      decision.ok() ? body(*who) : rpc::ToGrpcStatus(decision);
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    pending.Deny();  // tenancy, checked by the body
  }
  // The row of a call that committed nothing is written on its own; a call
  // that ran out of time still gets kAuditGrace for it, so timed-out calls
  // are audited while a healthy database is merely slow, and a stalled one
  // delays the answer by at most that much.
  std::optional<db::ScopedCallDeadline> audit_deadline;
  if (!pending.written()) {
    audit_deadline.emplace(
        std::max(db::CallDeadline(), absl::Now() + kAuditGrace));
  }
  if (absl::Status written = pending.Finish(audit_, status.error_code());
      !written.ok()) {
    audit_failures_.Increment();
    log::WarningThrottled(
        "audit row not written",
        {{"method", full_method}, {"error", std::string(written.message())}});
  }
  return status;
}

}  // namespace steward::auth
