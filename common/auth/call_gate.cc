#include "common/auth/call_gate.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
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

std::string PeerAddressOf(absl::string_view peer) {
  // gRPC names peers "ipv4:10.0.0.7:53124" and "ipv6:[fd00::7]:53124" (the
  // brackets URI-escaped by some versions); the port changes with every
  // connection, so only the address identifies.
  const size_t colon = peer.rfind(':');
  if (colon == absl::string_view::npos) return std::string(peer);
  const absl::string_view address = peer.substr(0, colon);
  if ((absl::StartsWith(peer, "ipv4:") && colon > 5) ||
      (absl::StartsWith(peer, "ipv6:") &&
       (absl::EndsWith(address, "]") ||
        absl::EndsWithIgnoreCase(address, "%5D")))) {
    return std::string(address);
  }
  return std::string(peer);
}

CallGate::CallGate(const TokenVerifier& verifier, RateLimiter& limiter,
                   RateLimiter& peer_limiter, db::AuditSink& audit,
                   prometheus::Registry& registry)
    : verifier_(verifier),
      limiter_(limiter),
      peer_limiter_(peer_limiter),
      audit_(audit),
      decisions_(prometheus::BuildCounter()
                     .Name("steward_auth_decisions_total")
                     .Help("Calls by the gate's decision")
                     .Register(registry)),
      allowed_(decisions_.Add({{"decision", "allowed"}})),
      unauthenticated_(decisions_.Add({{"decision", "unauthenticated"}})),
      denied_(decisions_.Add({{"decision", "permission_denied"}})),
      limited_(decisions_.Add({{"decision", "rate_limited"}})),
      peer_limited_(decisions_.Add({{"decision", "peer_rate_limited"}})),
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
  db::ScopedCallDeadline call_deadline(
      db::FromGrpcDeadline(context->deadline()));
  const std::string full_method = absl::StrCat(service, "/", method);
  const MethodRule* rule = FindRule(full_method);
  if (rule == nullptr) {
    log::Error("method missing from the access table; denied",
               {{"method", full_method}});
  }
  const bool audited = rule == nullptr || rule->access == Access::kWrite;

  // Refused calls are the cheap ones to send (any string is a bad token)
  // and would each cost a signature check and an audit row: a peer whose
  // refusals used up its bucket is turned away before any token work, but
  // its admitted calls never draw on that bucket, so callers sharing an
  // address with it (a proxy, a NAT) lose nothing while they behave.
  const absl::Time now = absl::Now();
  const std::string peer = PeerAddressOf(context->peer());
  absl::StatusOr<Principal> who =
      absl::UnauthenticatedError("token not examined");
  absl::Status decision = peer_limiter_.Check(peer, now);
  const bool peer_limited = !decision.ok();
  if (!peer_limited) {
    who = Authenticate(*context);
    // A verified caller's calls all count against its own bucket, refused
    // ones too.
    decision = who.ok() ? limiter_.Admit(who->id(), now) : who.status();
    if (decision.ok()) decision = Authorize(*who, rule, full_method);
    if (decision.code() == absl::StatusCode::kUnauthenticated ||
        decision.code() == absl::StatusCode::kPermissionDenied) {
      (void)peer_limiter_.Admit(peer, now);
    }
  }
  const bool limited = decision.code() == absl::StatusCode::kResourceExhausted;
  (decision.ok()                                           ? allowed_
   : peer_limited                                          ? peer_limited_
   : limited                                               ? limited_
   : decision.code() == absl::StatusCode::kUnauthenticated ? unauthenticated_
                                                           : denied_)
      .Increment();
  // A call turned away by its peer's bucket writes no audit row (only the
  // counter above): it names no one, and writing one is the very cost that
  // bucket bounds. A verified caller over its own limit is audited like any
  // other refusal: the row names who was flooding.
  if (!audited || peer_limited) {
    if (!decision.ok()) return rpc::ToGrpcStatus(decision);
    return body(*who);
  }

  db::AuditRow row;
  row.at = absl::Now();
  // A valid token refused by the table still names its holder.
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
