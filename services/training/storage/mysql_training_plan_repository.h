// TrainingPlanRepository on MySQL/MariaDB (schema in
// services/training/schema).
#ifndef STEWARD_SERVICES_TRAINING_STORAGE_MYSQL_TRAINING_PLAN_REPOSITORY_H_
#define STEWARD_SERVICES_TRAINING_STORAGE_MYSQL_TRAINING_PLAN_REPOSITORY_H_

#include "common/db/connection_pool.h"
#include "services/training/domain/training_plan_repository.h"

namespace steward::training {

// Thread-safe; `pool` must outlive it.
class MysqlTrainingPlanRepository : public TrainingPlanRepository {
 public:
  explicit MysqlTrainingPlanRepository(db::ConnectionPool& pool);

  absl::StatusOr<TrainingPlan> Create(const TrainingPlanDraft& draft,
                                      const std::string& request_id,
                                      const std::string& fingerprint,
                                      absl::Time now) override;
  absl::StatusOr<TrainingPlan> Get(const std::string& community,
                                   int64_t id) override;
  absl::StatusOr<TrainingPlanPage> List(const std::string& community,
                                        const TrainingPlanFilter& filter,
                                        int64_t before_id, int limit) override;

 private:
  db::Operation create_;
  db::Operation get_;
  db::Operation list_;
};

}  // namespace steward::training

#endif  // STEWARD_SERVICES_TRAINING_STORAGE_MYSQL_TRAINING_PLAN_REPOSITORY_H_
