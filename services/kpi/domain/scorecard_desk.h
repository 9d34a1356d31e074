// The KPI service's scorecard use cases, independent of gRPC and of MySQL.
// Thread-safe when the repository and the clock are.
#ifndef STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_DESK_H_
#define STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_DESK_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/kpi/domain/scorecard.h"
#include "services/kpi/domain/scorecard_repository.h"

namespace steward::kpi {

using Clock = std::function<absl::Time()>;

class ScorecardDesk {
 public:
  // `repository` must outlive the desk. `zone` decides which month is the
  // current one (the community's zone; Asia/Shanghai by default).
  ScorecardDesk(ScorecardRepository& repository, Clock clock,
                absl::TimeZone zone);

  // Opens a scorecard after ValidateDraft against the current month (see
  // ScorecardRepository::Create for idempotency and duplicates).
  absl::StatusOr<Scorecard> Open(const ScorecardDraft& draft,
                                 const std::string& request_id,
                                 const std::string& fingerprint);
  absl::StatusOr<Scorecard> Get(const std::string& community, int64_t id);
  absl::StatusOr<ScorecardPage> List(const std::string& community,
                                     const ScorecardFilter& filter,
                                     int64_t before_id, int limit);

 private:
  ScorecardRepository& repository_;
  Clock clock_;
  absl::TimeZone zone_;
};

}  // namespace steward::kpi

#endif  // STEWARD_SERVICES_KPI_DOMAIN_SCORECARD_DESK_H_
