#include "services/kpi/api/scorecard_grpc_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/idempotency.h"
#include "common/rpc/resources.h"
#include "services/kpi/api/scorecard_mapping.h"

namespace steward::kpi {
namespace {

using rpc::ToGrpcStatus;

// What makes two CreateScorecard calls "the same request": what
// rpc::RequestFingerprint hashes (everything but the request id), minus the
// scorecard's output-only fields, which a client may echo back on a retry and
// which do not change what is created.
std::string ScorecardRequestFingerprint(
    const v1::CreateScorecardRequest& request) {
  v1::CreateScorecardRequest copy = request;
  if (copy.has_scorecard()) {
    v1::Scorecard* s = copy.mutable_scorecard();
    s->clear_name();
    s->clear_state();
    s->clear_total_score();
    s->clear_create_time();
    s->clear_update_time();
    s->clear_etag();
  }
  return rpc::RequestFingerprint(copy);
}

std::string ListQueryKey(const std::string& community,
                         const v1::ListScorecardsRequest& request) {
  return absl::StrCat("scorecards|", community, "|", request.period());
}

}  // namespace

grpc::Status ScorecardGrpcService::CreateScorecard(
    grpc::ServerContext* context, const v1::CreateScorecardRequest* request,
    v1::Scorecard* response) {
  if (absl::Status s = rpc::ValidateRequestId(request->request_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto draft = DraftFromRequest(*request);
  if (!draft.ok()) return ToGrpcStatus(draft.status());
  auto scorecard = desk_.Open(*draft, request->request_id(),
                              ScorecardRequestFingerprint(*request));
  if (!scorecard.ok()) return ToGrpcStatus(scorecard.status());
  ToProto(*scorecard, response);
  return grpc::Status::OK;
}

grpc::Status ScorecardGrpcService::GetScorecard(
    grpc::ServerContext* context, const v1::GetScorecardRequest* request,
    v1::Scorecard* response) {
  auto ids =
      rpc::ParseName(request->name(), {"communities", "scorecards"}, "name");
  if (!ids.ok()) return ToGrpcStatus(ids.status());
  auto id = rpc::ParseRowId((*ids)[1], "name");
  if (!id.ok()) return ToGrpcStatus(id.status());
  auto scorecard = desk_.Get((*ids)[0], *id);
  if (!scorecard.ok()) return ToGrpcStatus(scorecard.status());
  ToProto(*scorecard, response);
  return grpc::Status::OK;
}

grpc::Status ScorecardGrpcService::ListScorecards(
    grpc::ServerContext* context, const v1::ListScorecardsRequest* request,
    v1::ListScorecardsResponse* response) {
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
  for (const Scorecard& scorecard : page->scorecards) {
    ToProto(scorecard, response->add_scorecards());
  }
  if (page->next_after_id > 0) {
    response->set_next_page_token(
        rpc::EncodePageToken({page->next_after_id}, query_key));
  }
  return grpc::Status::OK;
}

}  // namespace steward::kpi
