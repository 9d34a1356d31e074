// steward.common.v1.AuditService over the service's own audit_log: every
// Steward binary serves it, so the quality department reads each service's
// trail where it is written.
#ifndef STEWARD_COMMON_AUDIT_AUDIT_GRPC_SERVICE_H_
#define STEWARD_COMMON_AUDIT_AUDIT_GRPC_SERVICE_H_

#include "common/auth/call_gate.h"
#include "common/db/connection_pool.h"
#include "steward/common/v1/audit.grpc.pb.h"

namespace steward::audit {

class AuditGrpcService final : public common::v1::AuditService::Service {
 public:
  static constexpr absl::string_view kService =
      "steward.common.v1.AuditService";

  AuditGrpcService(auth::CallGate& gate, db::ConnectionPool& pool);

  grpc::Status ListAuditRecords(
      grpc::ServerContext* context,
      const common::v1::ListAuditRecordsRequest* request,
      common::v1::ListAuditRecordsResponse* response) override;

 private:
  auth::CallGate& gate_;
  db::Operation list_;
};

}  // namespace steward::audit

#endif  // STEWARD_COMMON_AUDIT_AUDIT_GRPC_SERVICE_H_
