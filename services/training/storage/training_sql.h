// Every SQL statement of the training service, as named constants. Prepared
// statements only: values are always bound through ? placeholders.
#ifndef STEWARD_SERVICES_TRAINING_STORAGE_TRAINING_SQL_H_
#define STEWARD_SERVICES_TRAINING_STORAGE_TRAINING_SQL_H_

namespace steward::training::sql_text {

// Binds: community_id, kind, title, line, start_time, end_time, pass_score,
// request_id, request_fingerprint, create_time, update_time.
inline constexpr char kInsertTrainingPlan[] =
    "INSERT INTO training_plans (community_id, kind, title, line, start_time,"
    " end_time, pass_score, version, request_id, request_fingerprint,"
    " create_time, update_time)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id";

// The 11 plan columns, then request_fingerprint. Binds: community_id,
// request_id.
inline constexpr char kSelectTrainingPlanByRequest[] =
    "SELECT id, community_id, kind, title, line, start_time, end_time,"
    " pass_score, version, create_time, update_time, request_fingerprint"
    " FROM training_plans WHERE community_id = ? AND request_id = ?";

// Binds: community_id, id.
inline constexpr char kSelectTrainingPlan[] =
    "SELECT id, community_id, kind, title, line, start_time, end_time,"
    " pass_score, version, create_time, update_time"
    " FROM training_plans WHERE community_id = ? AND id = ?";

// Binds: community_id, before_id, line, line, limit. The line filter is
// optional: 0 means "any".
inline constexpr char kListTrainingPlans[] =
    "SELECT id, community_id, kind, title, line, start_time, end_time,"
    " pass_score, version, create_time, update_time FROM training_plans"
    " WHERE community_id = ? AND id < ? AND (? = 0 OR line = ?)"
    " ORDER BY id DESC LIMIT ?";

}  // namespace steward::training::sql_text

#endif  // STEWARD_SERVICES_TRAINING_STORAGE_TRAINING_SQL_H_
