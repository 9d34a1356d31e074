#include "common/audit/audit_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/principal.h"
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

// Limits `query` to the rows of the caller's communities: a claim of "*"
// reads the whole trail (company-wide resources such as the holiday table
// included); any other caller reads rows whose resource lies in one of its
// communities. A resource filter outside them is PERMISSION_DENIED, as
// everywhere else, rather than an empty page.
absl::Status ScopeToCaller(const auth::Principal& caller,
                           const common::v1::ListAuditRecordsRequest& request,
                           db::AuditQuery& query) {
  query.all_communities = caller.AllCommunities();
  if (query.all_communities) return absl::OkStatus();
  for (const std::string& community : caller.communities) {
    // Anything else names no resource (and could not be listed safely).
    if (rpc::IsValidCommunityId(community)) {
      query.communities.push_back(community);
    }
  }
  if (request.resource().empty()) return absl::OkStatus();
  const std::vector<absl::string_view> segments =
      absl::StrSplit(request.resource(), absl::MaxSplits('/', 2));
  if (segments.size() >= 2 && segments[0] == "communities") {
    return auth::CheckCommunity(caller, segments[1]);
  }
  return auth::CheckAllCommunities(caller);
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
        if (absl::Status scoped = ScopeToCaller(caller, *request, *query);
            !scoped.ok()) {
          return rpc::ToGrpcStatus(scoped);
        }
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
