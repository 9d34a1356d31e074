#include "services/kpi/domain/scorecard_desk.h"

#include <utility>

#include "common/util/status_macros.h"

namespace steward::kpi {

ScorecardDesk::ScorecardDesk(ScorecardRepository& repository, Clock clock,
                             absl::TimeZone zone)
    : repository_(repository), clock_(std::move(clock)), zone_(zone) {}

absl::StatusOr<Scorecard> ScorecardDesk::Open(const ScorecardDraft& draft,
                                              const std::string& request_id,
                                              const std::string& fingerprint) {
  const absl::Time now = clock_();
  STEWARD_RETURN_IF_ERROR(ValidateDraft(draft, MonthAt(now, zone_)));
  return repository_.Create(draft, request_id, fingerprint, now);
}

absl::StatusOr<Scorecard> ScorecardDesk::Get(const std::string& community,
                                             int64_t id) {
  return repository_.Get(community, id);
}

absl::StatusOr<ScorecardPage> ScorecardDesk::List(const std::string& community,
                                                  const ScorecardFilter& filter,
                                                  int64_t before_id,
                                                  int limit) {
  return repository_.List(community, filter, before_id, limit);
}

}  // namespace steward::kpi
