#include "common/auth/principal.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace steward::auth {
namespace {

constexpr absl::string_view kRoleNames[kRoleCount] = {
    "owner", "staff", "manager", "quality", "system"};

}  // namespace

absl::string_view RoleName(Role role) {
  return kRoleNames[static_cast<int>(role)];
}

bool ParseRole(absl::string_view name, Role* role) {
  for (int i = 0; i < kRoleCount; ++i) {
    if (kRoleNames[i] == name) {
      *role = static_cast<Role>(i);
      return true;
    }
  }
  return false;
}

std::string Principal::id() const {
  return absl::StrCat(RoleName(role), ":", subject);
}

bool Principal::AllCommunities() const {
  return role != Role::kOwner &&
         std::find(communities.begin(), communities.end(), "*") !=
             communities.end();
}

bool Principal::InCommunity(absl::string_view community) const {
  if (role == Role::kOwner) {
    return std::any_of(
        households.begin(), households.end(),
        [&](const HouseholdRef& h) { return h.community == community; });
  }
  return AllCommunities() || std::find(communities.begin(), communities.end(),
                                       community) != communities.end();
}

bool Principal::OwnsHousehold(absl::string_view community,
                              absl::string_view household) const {
  if (role != Role::kOwner || household.empty()) return false;
  return std::any_of(
      households.begin(), households.end(), [&](const HouseholdRef& h) {
        return h.community == community && h.household == household;
      });
}

std::vector<std::string> Principal::HouseholdsIn(
    absl::string_view community) const {
  std::vector<std::string> out;
  if (role != Role::kOwner) return out;
  for (const HouseholdRef& h : households) {
    if (h.community == community) out.push_back(h.household);
  }
  return out;
}

bool Principal::HasScope(absl::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

bool Principal::SeesPersonalData() const {
  switch (role) {
    case Role::kOwner:
    case Role::kStaff:
    case Role::kManager:
      return true;
    case Role::kQuality:
      return false;
    case Role::kSystem:
      return HasScope("pii.read");
  }
  return false;
}

absl::Status CheckCommunity(const Principal& caller,
                            absl::string_view community) {
  if (caller.InCommunity(community)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("no access to communities/", community));
}

absl::Status CheckAllCommunities(const Principal& caller) {
  if (caller.AllCommunities()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "this needs access to every community (company-wide)");
}

}  // namespace steward::auth
