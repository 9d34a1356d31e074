#include "common/audit/audit_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "common/db/audit_trail.h"
#include "common/rpc/errors.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"

namespace steward::audit {
namespace {

using common::v1::AuditRecord;

absl::StatusOr<db::AuditQuery> QueryFrom(
    const common::v1::ListAuditRecordsRequest& request,
    std::string* query_key) {
  rpc::FieldErrors errors;
  db::AuditQuery query;
  auto size = rpc::NormalizePageSize(request.page_size());
  errors.Absorb(size.status());
  errors.Check(AuditRecord::Decision_IsValid(request.decision()), "decision",
               "unknown decision");
  if (request.has_start_time() &&
      rpc::CheckProtoTime(request.start_time(), "start_time", errors)) {
    query.start = rpc::FromProtoTime(request.start_time());
  }
  if (request.has_end_time() &&
      rpc::CheckProtoTime(request.end_time(), "end_time", errors)) {
    query.end = rpc::FromProtoTime(request.end_time());
  }
  errors.Check(query.start <= query.end, "end_time",
               "must not be before start_time");
  for (const auto& [field, value] :
       {std::pair{"principal", &request.principal()},
        std::pair{"method", &request.method()},
        std::pair{"resource", &request.resource()}}) {
    errors.Check(value->size() <= 255, field, "at most 255 characters");
  }
  if (!errors.empty()) return errors.ToStatus();
  query.principal = request.principal();
  query.method = request.method();
  query.resource = request.resource();
  query.decision = request.decision();
  query.limit = *size;
  *query_key = absl::StrCat("audit|", query.principal, "|", query.method, "|",
                            query.resource, "|", query.decision, "|",
                            absl::FormatTime(query.start), "|",
                            absl::FormatTime(query.end));
  return query;
}

}  // namespace

AuditGrpcService::AuditGrpcService(auth::CallGate& gate,
                                   db::ConnectionPool& pool)
    : gate_(gate), list_(pool, "audit_list") {}

grpc::Status AuditGrpcService::ListAuditRecords(
    grpc::ServerContext* context,
    const common::v1::ListAuditRecordsRequest* request,
    common::v1::ListAuditRecordsResponse* response) {
  return gate_.Run(
      context, kService, "ListAuditRecords", {"audit_log", ""},
      [&](const auth::Principal& caller) {
        std::string query_key;
        auto query = QueryFrom(*request, &query_key);
        if (!query.ok()) return rpc::ToGrpcStatus(query.status());
        absl::StrAppend(&query_key, "|", caller.id());
        auto cursor = rpc::DecodePageToken(request->page_token(), query_key);
        if (!cursor.ok()) return rpc::ToGrpcStatus(cursor.status());
        query->before_id = cursor->after_id;
        auto rows = db::ListAuditRows(list_, *query);
        if (!rows.ok()) return rpc::ToGrpcStatus(rows.status());
        const bool more = static_cast<int>(rows->size()) > query->limit;
        if (more) rows->resize(query->limit);
        for (const db::AuditRow& row : *rows) {
          AuditRecord* record = response->add_records();
          record->set_id(row.id);
          *record->mutable_time() = rpc::ToProtoTime(row.at);
          record->set_principal(row.principal);
          record->set_role(row.role);
          record->set_method(row.method);
          record->set_resource(row.resource);
          record->set_request_id(row.request_id);
          record->set_decision(row.allowed ? AuditRecord::ALLOWED
                                           : AuditRecord::DENIED);
          record->set_status_code(row.status_code);
        }
        if (more) {
          response->set_next_page_token(
              rpc::EncodePageToken({rows->back().id}, query_key));
        }
        return grpc::Status::OK;
      });
}

}  // namespace steward::audit
