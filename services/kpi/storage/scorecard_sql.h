// Every SQL statement of the KPI service's scorecards, as named constants.
// Prepared statements only: values are always bound through ? placeholders.
// Periods travel as the DATE of the month's first day ("2026-03-01").
#ifndef STEWARD_SERVICES_KPI_STORAGE_SCORECARD_SQL_H_
#define STEWARD_SERVICES_KPI_STORAGE_SCORECARD_SQL_H_

namespace steward::kpi::sql_text {

inline constexpr char kInsertScorecard[] =
    "INSERT INTO scorecards (community_id, subject_type, subject_id, period,"
    " state, total_score, version, request_id, request_fingerprint,"
    " create_time, update_time)"
    " VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?) RETURNING id";

inline constexpr char kSelectByRequest[] =
    "SELECT id, community_id, subject_type, subject_id, period, state,"
    " total_score, version, create_time, update_time, request_fingerprint"
    " FROM scorecards WHERE community_id = ? AND request_id = ?";

inline constexpr char kSelectScorecard[] =
    "SELECT id, community_id, subject_type, subject_id, period, state,"
    " total_score, version, create_time, update_time"
    " FROM scorecards WHERE community_id = ? AND id = ?";

inline constexpr char kListScorecards[] =
    "SELECT id, community_id, subject_type, subject_id, period, state,"
    " total_score, version, create_time, update_time"
    " FROM scorecards WHERE community_id = ? AND id < ?"
    " ORDER BY id DESC LIMIT ?";

// The same, for one month (served by ix_scorecards_community_period).
inline constexpr char kListScorecardsInPeriod[] =
    "SELECT id, community_id, subject_type, subject_id, period, state,"
    " total_score, version, create_time, update_time"
    " FROM scorecards WHERE community_id = ? AND period = ? AND id < ?"
    " ORDER BY id DESC LIMIT ?";

}  // namespace steward::kpi::sql_text

#endif  // STEWARD_SERVICES_KPI_STORAGE_SCORECARD_SQL_H_
