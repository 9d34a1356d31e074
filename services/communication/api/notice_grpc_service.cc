#include "services/communication/api/notice_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/idempotency.h"
#include "common/rpc/resources.h"
#include "services/communication/api/notice_mapping.h"

namespace steward::communication {
namespace {

using rpc::ToGrpcStatus;

// The filters a page token is bound to.
std::string FilterKey(const v1::ListNoticesRequest& request) {
  return absl::StrCat(request.kind());
}

}  // namespace

grpc::Status NoticeGrpcService::CreateNotice(
    grpc::ServerContext* context, const v1::CreateNoticeRequest* request,
    v1::Notice* response) {
  return gate_.Run(
      context, kService, "CreateNotice",
      {request->parent(), request->request_id()},
      [&](const auth::Principal& caller) -> grpc::Status {
        if (absl::Status s = rpc::ValidateRequestId(request->request_id());
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto draft = DraftFromRequest(*request);
        if (!draft.ok()) return ToGrpcStatus(draft.status());
        if (absl::Status s = auth::CheckCommunity(caller, draft->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto notice = desk_.Draft(*draft, request->request_id(),
                                  rpc::RequestFingerprint(*request));
        if (!notice.ok()) return ToGrpcStatus(notice.status());
        ToProto(*notice, response);
        return grpc::Status::OK;
      });
}

grpc::Status NoticeGrpcService::GetNotice(grpc::ServerContext* context,
                                          const v1::GetNoticeRequest* request,
                                          v1::Notice* response) {
  return gate_.Run(
      context, kService, "GetNotice", {request->name(), ""},
      [&](const auth::Principal& caller) -> grpc::Status {
        auto name = rpc::ParseCommunityChild(request->name(), "notices");
        if (!name.ok()) return ToGrpcStatus(name.status());
        if (absl::Status s = auth::CheckCommunity(caller, name->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto notice = desk_.Get(name->community, name->id);
        if (!notice.ok()) return ToGrpcStatus(notice.status());
        ToProto(*notice, response);
        return grpc::Status::OK;
      });
}

grpc::Status NoticeGrpcService::ListNotices(
    grpc::ServerContext* context, const v1::ListNoticesRequest* request,
    v1::ListNoticesResponse* response) {
  return gate_.Run(
      context, kService, "ListNotices", {request->parent(), ""},
      [&](const auth::Principal& caller) -> grpc::Status {
        auto filter = FilterFromRequest(*request);
        if (!filter.ok()) return ToGrpcStatus(filter.status());
        auto query = rpc::ParsePageQuery(
            request->parent(), request->page_size(), request->page_token(),
            "notices", FilterKey(*request), caller.id());
        if (!query.ok()) return ToGrpcStatus(query.status());
        if (absl::Status s = auth::CheckCommunity(caller, query->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto page = desk_.List(query->community, *filter, query->after_id,
                               query->page_size);
        if (!page.ok()) return ToGrpcStatus(page.status());
        for (const Notice& notice : page->notices) {
          ToProto(notice, response->add_notices());
        }
        response->set_next_page_token(
            rpc::NextPageToken(*query, page->next_after_id));
        return grpc::Status::OK;
      });
}

}  // namespace steward::communication
