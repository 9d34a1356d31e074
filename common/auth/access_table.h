// The one table of who may call what: every RPC of every Steward service,
// the roles allowed to call it and whether it changes state. Deny by
// default: a method missing here is refused for everyone, and the role
// matrix test checks that the table and the services' descriptors list the
// same methods.
//
// The table answers "may this kind of caller use this RPC at all". Which
// communities and households a caller reaches (tenancy) is checked by the
// handlers against the Principal.
#ifndef STEWARD_COMMON_AUTH_ACCESS_TABLE_H_
#define STEWARD_COMMON_AUTH_ACCESS_TABLE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/auth/principal.h"

namespace steward::auth {

enum class Access : uint8_t {
  kRead,   // no state change; not audited
  kWrite,  // changes state; every call, allowed or denied, is audited
};

// A set of roles.
using RoleSet = uint8_t;
constexpr RoleSet Allow(Role role) {
  return RoleSet{1} << static_cast<int>(role);
}
constexpr bool Contains(RoleSet set, Role role) {
  return (set & Allow(role)) != 0;
}

struct MethodRule {
  absl::string_view method;  // "steward.tickets.v1.TicketService/CreateTicket"
  RoleSet roles;
  Access access;
};

// Every rule, in table order.
absl::Span<const MethodRule> AccessRules();

// The rule for a full method name, or nullptr (denied to everyone).
const MethodRule* FindRule(absl::string_view method);

// The scope a system client needs: "<area>.read" or "<area>.write", where
// the area is the service's package ("tickets") or "audit".
std::string RequiredScope(const MethodRule& rule);

// OK when `principal` may call `method`; PERMISSION_DENIED naming the
// method otherwise (unknown methods included).
absl::Status Authorize(const Principal& principal, absl::string_view method);
// The same for a rule already looked up (nullptr: an unknown method).
absl::Status Authorize(const Principal& principal, const MethodRule* rule,
                       absl::string_view method);

}  // namespace steward::auth

#endif  // STEWARD_COMMON_AUTH_ACCESS_TABLE_H_
