#include "services/communication/api/notice_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/idempotency.h"
#include "common/rpc/resources.h"
#include "services/communication/api/notice_mapping.h"

namespace steward::communication {
namespace {

using rpc::ToGrpcStatus;

// The parent and filter a page token is bound to.
std::string ListQueryKey(const std::string& community,
                         const v1::ListNoticesRequest& request) {
  return absl::StrCat("notices|", community, "|", request.kind());
}

}  // namespace

grpc::Status NoticeGrpcService::CreateNotice(
    grpc::ServerContext* context, const v1::CreateNoticeRequest* request,
    v1::Notice* response) {
  if (absl::Status s = rpc::ValidateRequestId(request->request_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto draft = DraftFromRequest(*request);
  if (!draft.ok()) return ToGrpcStatus(draft.status());
  auto notice =
      desk_.Draft(*draft, request->request_id(), rpc::RequestFingerprint(*request));
  if (!notice.ok()) return ToGrpcStatus(notice.status());
  ToProto(*notice, response);
  return grpc::Status::OK;
}

grpc::Status NoticeGrpcService::GetNotice(grpc::ServerContext* context,
                                          const v1::GetNoticeRequest* request,
                                          v1::Notice* response) {
  auto ids =
      rpc::ParseName(request->name(), {"communities", "notices"}, "name");
  if (!ids.ok()) return ToGrpcStatus(ids.status());
  auto id = rpc::ParseRowId((*ids)[1], "name");
  if (!id.ok()) return ToGrpcStatus(id.status());
  auto notice = desk_.Get((*ids)[0], *id);
  if (!notice.ok()) return ToGrpcStatus(notice.status());
  ToProto(*notice, response);
  return grpc::Status::OK;
}

grpc::Status NoticeGrpcService::ListNotices(
    grpc::ServerContext* context, const v1::ListNoticesRequest* request,
    v1::ListNoticesResponse* response) {
  auto community = rpc::ParseCommunityParent(request->parent(), "parent");
  if (!community.ok()) return ToGrpcStatus(community.status());
  auto filter = FilterFromRequest(*request);
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  auto page_size = rpc::NormalizePageSize(request->page_size());
  if (!page_size.ok()) return ToGrpcStatus(page_size.status());
  const std::string query_key = ListQueryKey(*community, *request);
  auto cursor = rpc::DecodePageToken(request->page_token(), query_key);
  if (!cursor.ok()) return ToGrpcStatus(cursor.status());
  auto page = desk_.List(*community, *filter, cursor->after_id, *page_size);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const Notice& notice : page->notices) {
    ToProto(notice, response->add_notices());
  }
  if (page->next_after_id > 0) {
    response->set_next_page_token(
        rpc::EncodePageToken({page->next_after_id}, query_key));
  }
  return grpc::Status::OK;
}

}  // namespace steward::communication
