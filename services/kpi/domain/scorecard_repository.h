// Where scorecards are kept. The MySQL implementation lives in storage/;
// tests use in-memory fakes.
#ifndef STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_REPOSITORY_H_
#define STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_REPOSITORY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/kpi/domain/scorecard.h"

namespace steward::kpi {

class ScorecardRepository {
 public:
  virtual ~ScorecardRepository() = default;

  // Stores a new DRAFT scorecard (total_score 0, version 1) opened at `now`,
  // unless (community, request_id) was used before: then returns the
  // scorecard that call created when `fingerprint` matches, and
  // INVALID_ARGUMENT (field request_id) when it does not. ALREADY_EXISTS when
  // another request already opened a scorecard for the same (community,
  // subject_type, subject_id, period). Safe under concurrent calls: exactly
  // one scorecard is created per request id and per subject and month.
  virtual absl::StatusOr<Scorecard> Create(const ScorecardDraft& draft,
                                           const std::string& request_id,
                                           const std::string& fingerprint,
                                           absl::Time now) = 0;

  // NOT_FOUND when no scorecard `id` exists in `community`.
  virtual absl::StatusOr<Scorecard> Get(const std::string& community,
                                        int64_t id) = 0;

  // Scorecards of `community` matching `filter`, newest first, with ids
  // below `before_id` (0: from the newest), at most `limit`;
  // next_after_id is set when more rows follow.
  virtual absl::StatusOr<ScorecardPage> List(const std::string& community,
                                             const ScorecardFilter& filter,
                                             int64_t before_id, int limit) = 0;
};

}  // namespace steward::kpi

#endif  // STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_REPOSITORY_H_
