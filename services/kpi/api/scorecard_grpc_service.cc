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

// The filters a page token is bound to.
std::string FilterKey(const v1::ListScorecardsRequest& request) {
  return request.period();
}

}  // namespace

grpc::Status ScorecardGrpcService::CreateScorecard(
    grpc::ServerContext* context, const v1::CreateScorecardRequest* request,
    v1::Scorecard* response) {
  return gate_.Run(
      context, kService, "CreateScorecard",
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
        auto scorecard = desk_.Open(*draft, request->request_id(),
                                    ScorecardRequestFingerprint(*request));
        if (!scorecard.ok()) return ToGrpcStatus(scorecard.status());
        ToProto(*scorecard, response);
        return grpc::Status::OK;
      });
}

grpc::Status ScorecardGrpcService::GetScorecard(
    grpc::ServerContext* context, const v1::GetScorecardRequest* request,
    v1::Scorecard* response) {
  return gate_.Run(
      context, kService, "GetScorecard", {request->name(), ""},
      [&](const auth::Principal& caller) -> grpc::Status {
        auto name = rpc::ParseCommunityChild(request->name(), "scorecards");
        if (!name.ok()) return ToGrpcStatus(name.status());
        if (absl::Status s = auth::CheckCommunity(caller, name->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto scorecard = desk_.Get(name->community, name->id);
        if (!scorecard.ok()) return ToGrpcStatus(scorecard.status());
        ToProto(*scorecard, response);
        return grpc::Status::OK;
      });
}

grpc::Status ScorecardGrpcService::ListScorecards(
    grpc::ServerContext* context, const v1::ListScorecardsRequest* request,
    v1::ListScorecardsResponse* response) {
  return gate_.Run(
      context, kService, "ListScorecards", {request->parent(), ""},
      [&](const auth::Principal& caller) -> grpc::Status {
        auto filter = FilterFromRequest(*request);
        if (!filter.ok()) return ToGrpcStatus(filter.status());
        auto query = rpc::ParsePageQuery(
            request->parent(), request->page_size(), request->page_token(),
            "scorecards", FilterKey(*request), caller.id());
        if (!query.ok()) return ToGrpcStatus(query.status());
        if (absl::Status s = auth::CheckCommunity(caller, query->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto page = desk_.List(query->community, *filter, query->after_id,
                               query->page_size);
        if (!page.ok()) return ToGrpcStatus(page.status());
        for (const Scorecard& scorecard : page->scorecards) {
          ToProto(scorecard, response->add_scorecards());
        }
        response->set_next_page_token(
            rpc::NextPageToken(*query, page->next_after_id));
        return grpc::Status::OK;
      });
}

}  // namespace steward::kpi
