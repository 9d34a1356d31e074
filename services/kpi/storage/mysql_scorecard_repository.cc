#include "services/kpi/storage/mysql_scorecard_repository.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/db/fetch.h"
#include "common/db/insert_once.h"
#include "common/db/sql_values.h"
#include "common/rpc/errors.h"
#include "common/util/status_macros.h"
#include "services/kpi/storage/scorecard_sql.h"

namespace steward::kpi {
namespace {

// The DATE a period is stored as: the month's first day.
std::string ToSqlDate(absl::CivilMonth period) {
  return absl::FormatCivilTime(absl::CivilDay(period));
}

// Reads a DATE column ("2026-03-01"). The column is NOT NULL and checked to
// be a first day, so a malformed value means corrupt data; it reads as the
// default month (1970-01), which no valid scorecard has.
absl::CivilMonth FromSqlDate(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return absl::CivilMonth();
  return absl::CivilMonth(day);
}

// Reads the 10 scorecard columns in the order every SELECT lists them.
Scorecard ReadScorecard(sql::ResultSet& row) {
  Scorecard s;
  s.id = row.getInt64(1);
  s.draft.community = row.getString(2);
  s.draft.subject_type = static_cast<SubjectType>(row.getInt(3));
  s.draft.subject_id = row.getString(4);
  s.draft.period = FromSqlDate(row.getString(5));
  s.state = static_cast<ScorecardState>(row.getInt(6));
  s.total_score = static_cast<double>(row.getDouble(7));
  s.version = row.getInt64(8);
  s.create_time = db::FromSqlDateTime(std::string(row.getString(9)));
  s.update_time = db::FromSqlDateTime(std::string(row.getString(10)));
  return s;
}

}  // namespace

MysqlScorecardRepository::MysqlScorecardRepository(db::ConnectionPool& pool)
    : create_(pool, "scorecards_create"),
      get_(pool, "scorecards_get"),
      list_(pool, "scorecards_list") {}

absl::StatusOr<Scorecard> MysqlScorecardRepository::Create(
    const ScorecardDraft& draft, const std::string& request_id,
    const std::string& fingerprint, absl::Time now) {
  Scorecard scorecard;
  scorecard.draft = draft;
  scorecard.state = ScorecardState::kDraft;
  scorecard.total_score = 0;
  scorecard.version = 1;
  scorecard.create_time = scorecard.update_time = db::TruncateToMicros(now);
  absl::Status status = create_.Run([&](db::Connection& conn) -> absl::Status {
    // One transaction, so the call's audit row commits with the row.
    db::Transaction transaction(conn);
    const std::string stamp = db::ToSqlDateTime(scorecard.create_time);
    sql::PreparedStatement& insert = conn.Prepare(sql_text::kInsertScorecard);
    insert.setString(1, draft.community);
    insert.setInt(2, static_cast<int>(draft.subject_type));
    insert.setString(3, draft.subject_id);
    insert.setString(4, ToSqlDate(draft.period));
    insert.setInt(5, static_cast<int>(ScorecardState::kDraft));
    insert.setString(6, request_id);
    insert.setString(7, fingerprint);
    insert.setDateTime(8, stamp);
    insert.setDateTime(9, stamp);
    STEWARD_ASSIGN_OR_RETURN(
        const int64_t id,
        db::InsertOnce(
            conn, insert,
            {sql_text::kSelectByRequest, draft.community, request_id, 11,
             [&](sql::ResultSet& row) { scorecard = ReadScorecard(row); }},
            fingerprint, "scorecard",
            "a scorecard for this subject and period already exists in this "
            "community"));
    if (id > 0) scorecard.id = id;
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return scorecard;
}

absl::StatusOr<Scorecard> MysqlScorecardRepository::Get(
    const std::string& community, int64_t id) {
  return db::FetchInCommunity<Scorecard>(
      get_, sql_text::kSelectScorecard, community, id, ReadScorecard,
      "scorecard not found in this community");
}

absl::StatusOr<ScorecardPage> MysqlScorecardRepository::List(
    const std::string& community, const ScorecardFilter& filter,
    int64_t before_id, int limit) {
  ScorecardPage page;
  absl::Status status = list_.Run([&](db::Connection& conn) {
    const int64_t below =
        before_id > 0 ? before_id : std::numeric_limits<int64_t>::max();
    int index = 1;
    sql::PreparedStatement& select = conn.Prepare(
        filter.period.has_value() ? sql_text::kListScorecardsInPeriod
                                  : sql_text::kListScorecards);
    select.setString(index++, community);
    if (filter.period.has_value()) {
      select.setString(index++, ToSqlDate(*filter.period));
    }
    select.setInt64(index++, below);
    // One extra row tells whether another page follows.
    select.setInt(index++, limit + 1);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    while (rows->next()) page.scorecards.push_back(ReadScorecard(*rows));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  page.next_after_id = db::TrimPage(page.scorecards, limit,
                                    [](const auto& row) { return row.id; });
  return page;
}

}  // namespace steward::kpi
