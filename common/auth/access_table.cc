#include "common/auth/access_table.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace steward::auth {
namespace {

constexpr RoleSet kOwner = Allow(Role::kOwner);
constexpr RoleSet kStaff = Allow(Role::kStaff);
constexpr RoleSet kManager = Allow(Role::kManager);
constexpr RoleSet kQuality = Allow(Role::kQuality);
constexpr RoleSet kSystem = Allow(Role::kSystem);
// Everyone who works for the company, and its systems.
constexpr RoleSet kCompany = kStaff | kManager | kQuality | kSystem;
// Those who work tickets: staff, their managers, dispatching systems.
constexpr RoleSet kWorkers = kStaff | kManager | kSystem;

constexpr Access R = Access::kRead;
constexpr Access W = Access::kWrite;

#define TICKETS "steward.tickets.v1.TicketService/"
#define COMMUNICATION "steward.communication.v1.CommunicationService/"
#define TRAINING "steward.training.v1.TrainingService/"
#define KPI "steward.kpi.v1.KpiService/"
#define AUDIT "steward.common.v1.AuditService/"

constexpr MethodRule kRules[] = {
    // Owners report, follow, cancel and dispute their own households'
    // tickets; staff work them; quality calls back and may reopen.
    {TICKETS "CreateTicket", kOwner | kWorkers, W},
    {TICKETS "GetTicket", kOwner | kCompany, R},
    {TICKETS "ListTickets", kOwner | kCompany, R},
    {TICKETS "ListTicketTimeline", kOwner | kCompany, R},
    {TICKETS "AssignTicket", kWorkers, W},
    {TICKETS "RespondTicket", kWorkers, W},
    {TICKETS "StartTicketWork", kWorkers, W},
    {TICKETS "PauseTicket", kWorkers, W},
    {TICKETS "ResumeTicket", kWorkers, W},
    {TICKETS "AddTicketProgress", kWorkers, W},
    {TICKETS "ResolveTicket", kWorkers, W},
    {TICKETS "RecordTicketCallback", kWorkers | kQuality, W},
    {TICKETS "CloseTicket", kWorkers | kQuality, W},
    {TICKETS "CancelTicket", kOwner | kWorkers, W},
    {TICKETS "ReopenTicket", kOwner | kWorkers | kQuality, W},
    {TICKETS "ChangeTicketPriority", kWorkers, W},
    {TICKETS "GetComplaintStockTake", kManager | kQuality, R},
    {TICKETS "ListIncidents", kCompany, R},
    // SLA configuration is a manager's decision.
    {TICKETS "ListSlaPolicies", kCompany, R},
    {TICKETS "CreateSlaPolicy", kManager, W},
    {TICKETS "UpdateSlaPolicy", kManager, W},
    {TICKETS "GetBusinessCalendar", kOwner | kCompany, R},
    {TICKETS "UpdateBusinessCalendar", kManager, W},
    {TICKETS "GetHolidayTable", kOwner | kCompany, R},
    {TICKETS "ReplaceHolidayTable", kManager, W},
    // The event feed spans communities: for integrations (KPI, messaging).
    {TICKETS "ListTicketEvents", kSystem, R},
    {TICKETS "WatchTicketEvents", kSystem, R},

    {COMMUNICATION "CreateNotice", kWorkers, W},
    {COMMUNICATION "GetNotice", kOwner | kCompany, R},
    {COMMUNICATION "ListNotices", kOwner | kCompany, R},

    // Training is organised by managers and the quality department.
    {TRAINING "CreateTrainingPlan", kManager | kQuality | kSystem, W},
    {TRAINING "GetTrainingPlan", kCompany, R},
    {TRAINING "ListTrainingPlans", kCompany, R},

    // Appraisal is not for the appraised: managers and quality only.
    {KPI "CreateScorecard", kManager | kQuality | kSystem, W},
    {KPI "GetScorecard", kManager | kQuality | kSystem, R},
    {KPI "ListScorecards", kManager | kQuality | kSystem, R},

    // Every service's audit trail is the quality department's to read.
    {AUDIT "ListAuditRecords", kQuality, R},
};

#undef TICKETS
#undef COMMUNICATION
#undef TRAINING
#undef KPI
#undef AUDIT

}  // namespace

absl::Span<const MethodRule> AccessRules() { return kRules; }

const MethodRule* FindRule(absl::string_view method) {
  // Built once; every call of every RPC looks its rule up here.
  static const auto* index = [] {
    auto* map = new absl::flat_hash_map<absl::string_view, const MethodRule*>();
    for (const MethodRule& rule : kRules) map->emplace(rule.method, &rule);
    return map;
  }();
  auto it = index->find(method);
  return it == index->end() ? nullptr : it->second;
}

std::string RequiredScope(const MethodRule& rule) {
  // "steward.<area>.v1.Service/Method"
  std::vector<absl::string_view> parts = absl::StrSplit(rule.method, '.');
  absl::string_view area = parts.size() > 1 ? parts[1] : "";
  if (area == "common") area = "audit";
  return absl::StrCat(area, rule.access == Access::kWrite ? ".write" : ".read");
}

absl::Status Authorize(const Principal& principal, absl::string_view method) {
  return Authorize(principal, FindRule(method), method);
}

absl::Status Authorize(const Principal& principal, const MethodRule* rule,
                       absl::string_view method) {
  if (rule != nullptr && Contains(rule->roles, principal.role) &&
      (principal.role != Role::kSystem ||
       principal.HasScope(RequiredScope(*rule)))) {
    return absl::OkStatus();
  }
  absl::string_view short_name = method.substr(method.rfind('/') + 1);
  if (rule != nullptr && principal.role == Role::kSystem &&
      Contains(rule->roles, principal.role)) {
    return absl::PermissionDeniedError(absl::StrCat(
        short_name, " needs the ", RequiredScope(*rule), " scope"));
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "the ", RoleName(principal.role), " role may not call ", short_name));
}

}  // namespace steward::auth
