// Who is calling: the verified identity a bearer token carries, and the
// tenancy questions every handler asks of it. Tenancy comes only from here,
// never from a request body.
#ifndef STEWARD_COMMON_AUTH_PRINCIPAL_H_
#define STEWARD_COMMON_AUTH_PRINCIPAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace steward::auth {

// The kinds of caller the access table distinguishes.
enum class Role : uint8_t {
  kOwner,    // a homeowner acting for their households
  kStaff,    // front-line staff of some communities
  kManager,  // a project or company manager: staff rights plus configuration
  kQuality,  // the quality department: reads everywhere, audits, callbacks
  kSystem,   // another company system, limited by OAuth-style scopes
};
inline constexpr int kRoleCount = 5;

// "owner", "staff", "manager", "quality", "system".
absl::string_view RoleName(Role role);
// Inverse of RoleName; false for anything else.
bool ParseRole(absl::string_view name, Role* role);

// The id of a household: "communities/{community}/households/{household}".
struct HouseholdRef {
  std::string community;
  std::string household;
};

// A verified caller. Immutable once built by the token verifier.
struct Principal {
  Role role = Role::kOwner;
  std::string subject;  // the token's `sub`
  // Owners: the households they may act for.
  std::vector<HouseholdRef> households;
  // Staff, managers, quality, system clients: the communities they work in;
  // "*" means every community of the company.
  std::vector<std::string> communities;
  // System clients: granted scopes such as "tickets.read", "tickets.write",
  // "pii.read".
  std::vector<std::string> scopes;

  // "<role>:<sub>" ("owner:u-17", "manager:m-2", "system:crm"): what audit
  // rows, rate limits and page tokens key on, so the same subject under
  // two roles never shares them. Never a name or phone number.
  std::string id() const;

  bool AllCommunities() const;
  // Staff-like callers: the community is theirs. Owners: they have a
  // household there.
  bool InCommunity(absl::string_view community) const;
  // Owners: the household is one of theirs. Everyone else: false.
  bool OwnsHousehold(absl::string_view community,
                     absl::string_view household) const;
  // The owner's households in `community`.
  std::vector<std::string> HouseholdsIn(absl::string_view community) const;
  bool HasScope(absl::string_view scope) const;
  // Whether responses may show phone numbers, names and addresses unmasked:
  // owners (their own data), staff and managers (they call and visit), and
  // system clients holding "pii.read". The quality department and other
  // system clients see masked values.
  bool SeesPersonalData() const;
};

// OK when `caller` reaches `community`; PERMISSION_DENIED naming it
// otherwise (decided before any lookup, so it says nothing about what the
// community holds).
absl::Status CheckCommunity(const Principal& caller,
                            absl::string_view community);
// OK when `caller` works across every community (company-wide settings,
// feeds spanning communities); PERMISSION_DENIED otherwise.
absl::Status CheckAllCommunities(const Principal& caller);

}  // namespace steward::auth

#endif  // STEWARD_COMMON_AUTH_PRINCIPAL_H_
