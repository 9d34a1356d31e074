// ScorecardRepository on MySQL/MariaDB (schema in services/kpi/schema).
#ifndef STEWARD_SERVICES_KPI_STORAGE_MYSQL_SCORECARD_REPOSITORY_H_
#define STEWARD_SERVICES_KPI_STORAGE_MYSQL_SCORECARD_REPOSITORY_H_

#include "common/db/connection_pool.h"
#include "services/kpi/domain/scorecard_repository.h"

namespace steward::kpi {

// Thread-safe; `pool` must outlive it.
class MysqlScorecardRepository : public ScorecardRepository {
 public:
  explicit MysqlScorecardRepository(db::ConnectionPool& pool);

  absl::StatusOr<Scorecard> Create(const ScorecardDraft& draft,
                                   const std::string& request_id,
                                   const std::string& fingerprint,
                                   absl::Time now) override;
  absl::StatusOr<Scorecard> Get(const std::string& community,
                                int64_t id) override;
  absl::StatusOr<ScorecardPage> List(const std::string& community,
                                     const ScorecardFilter& filter,
                                     int64_t before_id, int limit) override;

 private:
  db::Operation create_;
  db::Operation get_;
  db::Operation list_;
};

}  // namespace steward::kpi

#endif  // STEWARD_SERVICES_KPI_STORAGE_MYSQL_SCORECARD_REPOSITORY_H_
