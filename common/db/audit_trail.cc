#include "common/db/audit_trail.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <limits>
#include <memory>

#include "absl/strings/str_join.h"
#include "common/db/sql_values.h"

namespace steward::db {
namespace {

constexpr const char* kInsertAuditRow =
    "INSERT INTO audit_log (at, principal, role, method, resource, "
    "request_id, decision, status_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* kListAuditRows =
    "SELECT id, at, principal, role, method, resource, request_id, decision, "
    "status_code FROM audit_log "
    "WHERE id < ? AND at >= ? AND at < ? "
    "AND (? = '' OR principal = ?) AND (? = '' OR method = ?) "
    "AND (? = '' OR resource = ?) AND (? = '' OR decision = ?) "
    // The community is the second segment of "communities/{c}[/...]"; the
    // caller's communities arrive as one comma-separated list.
    "AND (? = 1 OR (resource LIKE 'communities/%' AND FIND_IN_SET("
    "SUBSTRING_INDEX(SUBSTRING_INDEX(resource, '/', 2), '/', -1), ?) > 0)) "
    "ORDER BY id DESC LIMIT ?";

thread_local PendingAudit* current_audit = nullptr;

}  // namespace

PendingAudit::PendingAudit(AuditRow row)
    : row_(std::move(row)), outer_(current_audit) {
  current_audit = this;
}

PendingAudit::~PendingAudit() { current_audit = outer_; }

void InsertAuditRow(Connection& conn, const AuditRow& row) {
  sql::PreparedStatement& insert = conn.Prepare(kInsertAuditRow);
  insert.setString(1, ToSqlDateTime(row.at));
  insert.setString(2, row.principal);
  insert.setString(3, row.role);
  insert.setString(4, row.method);
  insert.setString(5, row.resource.substr(0, 255));
  insert.setString(6, row.request_id.substr(0, 64));
  insert.setString(7, row.allowed ? "allowed" : "denied");
  insert.setInt(8, row.status_code);
  insert.executeUpdate();
}

void Transaction::CarryPendingAudit() {
  PendingAudit* pending = current_audit;
  if (pending == nullptr || pending->written_) return;
  pending->row_.status_code = 0;  // a committed change is a success
  InsertAuditRow(conn_, pending->row_);
  carried_ = pending;
}

void Transaction::MarkAuditCarried() {
  if (carried_ != nullptr) carried_->written_ = true;
}

absl::Status PendingAudit::Finish(AuditSink& sink, int status_code) {
  if (written_) return absl::OkStatus();
  row_.status_code = status_code;
  absl::Status status = sink.Write(row_);
  if (status.ok()) written_ = true;
  return status;
}

absl::Status MysqlAuditSink::Write(const AuditRow& row) {
  return write_.Run([&](Connection& conn) {
    InsertAuditRow(conn, row);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<AuditRow>> ListAuditRows(const Operation& read,
                                                    const AuditQuery& query) {
  std::vector<AuditRow> rows;
  absl::Status status = read.Run([&](Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(kListAuditRows);
    select.setInt64(1, query.before_id > 0
                           ? query.before_id
                           : std::numeric_limits<int64_t>::max());
    select.setString(2, ToSqlDateTime(query.start));
    select.setString(3, ToSqlDateTime(query.end));
    select.setString(4, query.principal);
    select.setString(5, query.principal);
    select.setString(6, query.method);
    select.setString(7, query.method);
    select.setString(8, query.resource);
    select.setString(9, query.resource);
    const std::string decision = query.decision == 1   ? "allowed"
                                 : query.decision == 2 ? "denied"
                                                       : "";
    select.setString(10, decision);
    select.setString(11, decision);
    select.setInt(12, query.all_communities ? 1 : 0);
    select.setString(13, absl::StrJoin(query.communities, ","));
    select.setInt(14, query.limit + 1);
    std::unique_ptr<sql::ResultSet> result(select.executeQuery());
    while (result->next()) {
      AuditRow row;
      row.id = result->getInt64(1);
      row.at = FromSqlDateTime(std::string(result->getString(2)));
      row.principal = result->getString(3);
      row.role = result->getString(4);
      row.method = result->getString(5);
      row.resource = result->getString(6);
      row.request_id = result->getString(7);
      row.allowed = std::string(result->getString(8)) == "allowed";
      row.status_code = result->getInt(9);
      rows.push_back(std::move(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

}  // namespace steward::db
