// The audit trail's storage: every service schema has the same append-only
// `audit_log` table (its migration adds UPDATE/DELETE triggers that refuse
// changes). One row per mutating call, allowed or denied.
//
// Same-transaction guarantee: a handler registers its call's row as the
// thread's PendingAudit; the first db::Transaction committed on that thread
// inserts the row just before COMMIT, so the change and its audit row land
// or vanish together. A call that commits nothing (denied, invalid, a
// replayed create) writes its row on its own in Finish().
#ifndef STEWARD_COMMON_DB_AUDIT_TRAIL_H_
#define STEWARD_COMMON_DB_AUDIT_TRAIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"

namespace steward::db {

struct AuditRow {
  int64_t id = 0;  // assigned by the database
  absl::Time at;
  std::string principal;  // Principal::id() or "anonymous"
  std::string role;       // "owner", ..., or "" when unauthenticated
  std::string method;     // full gRPC method
  std::string resource;
  std::string request_id;
  bool allowed = false;
  int status_code = 0;  // grpc::StatusCode the caller got
};

// Where rows go that no transaction carried (denied or failed calls).
class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Appends one row in its own transaction.
  virtual absl::Status Write(const AuditRow& row) = 0;
};

// The service schema's audit_log.
class MysqlAuditSink final : public AuditSink {
 public:
  explicit MysqlAuditSink(ConnectionPool& pool)
      : write_(pool, "audit_insert") {}
  absl::Status Write(const AuditRow& row) override;

 private:
  Operation write_;
};

// Registers `row` as the calling thread's pending audit row while alive.
// Not copyable; one per thread at a time (nested ones replace the outer one
// until they end).
class PendingAudit {
 public:
  explicit PendingAudit(AuditRow row);
  PendingAudit(const PendingAudit&) = delete;
  PendingAudit& operator=(const PendingAudit&) = delete;
  ~PendingAudit();

  // The call was refused after all (tenancy, checked inside the handler).
  void Deny() { row_.allowed = false; }

  // True once a committed transaction carried the row.
  bool written() const { return written_; }

  // Records the call's outcome: when no committed transaction carried the
  // row, writes it now in its own transaction with `status_code`. Returns
  // the write's error (logged by the caller; the call's answer stands).
  absl::Status Finish(AuditSink& sink, int status_code);

 private:
  friend class Transaction;
  AuditRow row_;
  bool written_ = false;
  PendingAudit* outer_;
};

// Inserts `row` on `conn` (inside the caller's transaction, if any). Throws
// sql::SQLException.
void InsertAuditRow(Connection& conn, const AuditRow& row);

// A page of the trail, newest first.
struct AuditQuery {
  std::string principal, method, resource;  // exact; "" = any
  int decision = 0;                         // 0 any, 1 allowed, 2 denied
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  int64_t before_id = 0;  // 0: from the newest
  int limit = 50;
  // Whose rows: with all_communities, every row; otherwise only rows whose
  // resource lies in one of `communities` ("communities/{c}" or a name
  // below it) — none when it is empty. Ids must not contain ','.
  bool all_communities = false;
  std::vector<std::string> communities;
};
// Up to limit + 1 rows, so the caller can tell whether another page exists.
absl::StatusOr<std::vector<AuditRow>> ListAuditRows(const Operation& read,
                                                    const AuditQuery& query);

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_AUDIT_TRAIL_H_
