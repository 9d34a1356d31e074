#include "services/training/storage/mysql_training_plan_repository.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "common/db/fetch.h"
#include "common/db/insert_once.h"
#include "common/db/sql_values.h"
#include "common/rpc/errors.h"
#include "common/util/status_macros.h"
#include "services/training/storage/training_sql.h"

namespace steward::training {
namespace {

// Reads the 11 plan columns in the order every SELECT lists them.
TrainingPlan ReadTrainingPlan(sql::ResultSet& row) {
  TrainingPlan p;
  p.id = row.getInt64(1);
  p.draft.community = row.getString(2);
  p.draft.kind = static_cast<TrainingKind>(row.getInt(3));
  p.draft.title = row.getString(4);
  p.draft.line = static_cast<Line>(row.getInt(5));
  p.draft.start_time = db::FromSqlDateTime(std::string(row.getString(6)));
  p.draft.end_time = db::FromSqlDateTime(std::string(row.getString(7)));
  p.draft.pass_score = row.getInt(8);
  p.version = row.getInt64(9);
  p.create_time = db::FromSqlDateTime(std::string(row.getString(10)));
  p.update_time = db::FromSqlDateTime(std::string(row.getString(11)));
  return p;
}

}  // namespace

MysqlTrainingPlanRepository::MysqlTrainingPlanRepository(
    db::ConnectionPool& pool)
    : create_(pool, "training_plans_create"),
      get_(pool, "training_plans_get"),
      list_(pool, "training_plans_list") {}

absl::StatusOr<TrainingPlan> MysqlTrainingPlanRepository::Create(
    const TrainingPlanDraft& draft, const std::string& request_id,
    const std::string& fingerprint, absl::Time now) {
  if (!draft.start_time.has_value() || !draft.end_time.has_value()) {
    return absl::InternalError("training plan draft without times");
  }
  TrainingPlan plan;
  plan.draft = draft;
  // What the DATETIME(6) columns keep, so Create answers what Get reads.
  plan.draft.start_time = db::TruncateToMicros(*draft.start_time);
  plan.draft.end_time = db::TruncateToMicros(*draft.end_time);
  plan.version = 1;
  plan.create_time = plan.update_time = db::TruncateToMicros(now);
  absl::Status status = create_.Run([&](db::Connection& conn) -> absl::Status {
    // One transaction, so the call's audit row commits with the row.
    db::Transaction transaction(conn);
    const std::string stamp = db::ToSqlDateTime(plan.create_time);
    sql::PreparedStatement& insert =
        conn.Prepare(sql_text::kInsertTrainingPlan);
    insert.setString(1, draft.community);
    insert.setInt(2, static_cast<int>(draft.kind));
    insert.setString(3, draft.title);
    insert.setInt(4, static_cast<int>(draft.line));
    insert.setDateTime(5, db::ToSqlDateTime(*plan.draft.start_time));
    insert.setDateTime(6, db::ToSqlDateTime(*plan.draft.end_time));
    insert.setInt(7, draft.pass_score);
    insert.setString(8, request_id);
    insert.setString(9, fingerprint);
    insert.setDateTime(10, stamp);
    insert.setDateTime(11, stamp);
    STEWARD_ASSIGN_OR_RETURN(
        const int64_t id,
        db::InsertOnce(
            conn, insert,
            {sql_text::kSelectTrainingPlanByRequest, draft.community,
             request_id, 12,
             [&](sql::ResultSet& row) { plan = ReadTrainingPlan(row); }},
            fingerprint, "training plan", "concurrent create conflict; retry"));
    if (id > 0) plan.id = id;
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return plan;
}

absl::StatusOr<TrainingPlan> MysqlTrainingPlanRepository::Get(
    const std::string& community, int64_t id) {
  return db::FetchInCommunity<TrainingPlan>(
      get_, sql_text::kSelectTrainingPlan, community, id, ReadTrainingPlan,
      "training plan not found in this community");
}

absl::StatusOr<TrainingPlanPage> MysqlTrainingPlanRepository::List(
    const std::string& community, const TrainingPlanFilter& filter,
    int64_t before_id, int limit) {
  TrainingPlanPage page;
  absl::Status status = list_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(sql_text::kListTrainingPlans);
    const int line = filter.line ? static_cast<int>(*filter.line) : 0;
    select.setString(1, community);
    select.setInt64(
        2, before_id > 0 ? before_id : std::numeric_limits<int64_t>::max());
    select.setInt(3, line);
    select.setInt(4, line);
    // One extra row tells whether another page follows.
    select.setInt(5, limit + 1);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    while (rows->next()) page.plans.push_back(ReadTrainingPlan(*rows));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  page.next_after_id =
      db::TrimPage(page.plans, limit, [](const auto& row) { return row.id; });
  return page;
}

}  // namespace steward::training
