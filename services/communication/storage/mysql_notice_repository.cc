#include "services/communication/storage/mysql_notice_repository.h"

#include <cppconn/datatype.h>
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
#include "services/communication/storage/notice_sql.h"

namespace steward::communication {
namespace {

// Reads the 10 notice columns in the order every SELECT lists them.
Notice ReadNotice(sql::ResultSet& row) {
  Notice n;
  n.id = row.getInt64(1);
  n.draft.community = row.getString(2);
  n.draft.kind = static_cast<NoticeKind>(row.getInt(3));
  n.draft.title = row.getString(4);
  n.draft.body = row.getString(5);
  if (!row.isNull(6)) {
    n.draft.event_time = db::FromSqlDateTime(std::string(row.getString(6)));
  }
  n.state = static_cast<NoticeState>(row.getInt(7));
  n.version = row.getInt64(8);
  n.create_time = db::FromSqlDateTime(std::string(row.getString(9)));
  n.update_time = db::FromSqlDateTime(std::string(row.getString(10)));
  return n;
}

}  // namespace

MysqlNoticeRepository::MysqlNoticeRepository(db::ConnectionPool& pool)
    : create_(pool, "notices_create"),
      get_(pool, "notices_get"),
      list_(pool, "notices_list") {}

absl::StatusOr<Notice> MysqlNoticeRepository::Create(
    const NoticeDraft& draft, const std::string& request_id,
    const std::string& fingerprint, absl::Time now) {
  Notice notice;
  notice.draft = draft;
  // Return what a later Get reads back: the columns keep microseconds.
  if (draft.event_time.has_value()) {
    notice.draft.event_time = db::TruncateToMicros(*draft.event_time);
  }
  notice.state = NoticeState::kDraft;
  notice.version = 1;
  notice.create_time = notice.update_time = db::TruncateToMicros(now);
  absl::Status status = create_.Run([&](db::Connection& conn) -> absl::Status {
    // One transaction, so the call's audit row commits with the row.
    db::Transaction transaction(conn);
    const std::string stamp = db::ToSqlDateTime(notice.create_time);
    sql::PreparedStatement& insert = conn.Prepare(sql_text::kInsertNotice);
    insert.setString(1, draft.community);
    insert.setInt(2, static_cast<int>(draft.kind));
    insert.setString(3, draft.title);
    insert.setString(4, draft.body);
    if (notice.draft.event_time.has_value()) {
      insert.setDateTime(5, db::ToSqlDateTime(*notice.draft.event_time));
    } else {
      insert.setNull(5, sql::DataType::TIMESTAMP);
    }
    insert.setInt(6, static_cast<int>(NoticeState::kDraft));
    insert.setString(7, request_id);
    insert.setString(8, fingerprint);
    insert.setDateTime(9, stamp);
    insert.setDateTime(10, stamp);
    STEWARD_ASSIGN_OR_RETURN(
        const int64_t id,
        db::InsertOnce(
            conn, insert,
            {sql_text::kSelectByRequest, draft.community, request_id, 11,
             [&](sql::ResultSet& row) { notice = ReadNotice(row); }},
            fingerprint, "notice", "concurrent create conflict; retry"));
    if (id > 0) notice.id = id;
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return notice;
}

absl::StatusOr<Notice> MysqlNoticeRepository::Get(const std::string& community,
                                                  int64_t id) {
  return db::FetchInCommunity<Notice>(get_, sql_text::kSelectNotice, community,
                                      id, ReadNotice,
                                      "notice not found in this community");
}

absl::StatusOr<NoticePage> MysqlNoticeRepository::List(
    const std::string& community, const NoticeFilter& filter, int64_t before_id,
    int limit) {
  NoticePage page;
  absl::Status status = list_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(sql_text::kListNotices);
    const int kind = filter.kind ? static_cast<int>(*filter.kind) : 0;
    select.setString(1, community);
    select.setInt64(
        2, before_id > 0 ? before_id : std::numeric_limits<int64_t>::max());
    select.setInt(3, kind);
    select.setInt(4, kind);
    // One extra row tells whether another page follows.
    select.setInt(5, limit + 1);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    while (rows->next()) page.notices.push_back(ReadNotice(*rows));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  page.next_after_id =
      db::TrimPage(page.notices, limit, [](const auto& row) { return row.id; });
  return page;
}

}  // namespace steward::communication
