#include "services/training/api/training_grpc_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/rpc/errors.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/idempotency.h"
#include "common/rpc/resources.h"
#include "services/training/api/training_plan_mapping.h"

namespace steward::training {
namespace {

using rpc::ToGrpcStatus;

// The filters a page token is bound to.
std::string FilterKey(const v1::ListTrainingPlansRequest& request) {
  return absl::StrCat(request.line());
}

}  // namespace

grpc::Status TrainingGrpcService::CreateTrainingPlan(
    grpc::ServerContext* context, const v1::CreateTrainingPlanRequest* request,
    v1::TrainingPlan* response) {
  return gate_.Run(
      context, kService, "CreateTrainingPlan",
      {request->parent(), request->request_id()},
      [&](const auth::Principal& caller) -> grpc::Status {
        rpc::FieldErrors errors;
        errors.Absorb(rpc::ValidateRequestId(request->request_id()));
        auto draft = DraftFromRequest(*request);
        errors.Absorb(draft.status());
        if (!errors.empty()) return ToGrpcStatus(errors.ToStatus());
        if (absl::Status s = auth::CheckCommunity(caller, draft->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto plan = desk_.Schedule(*draft, request->request_id(),
                                   rpc::RequestFingerprint(*request));
        if (!plan.ok()) return ToGrpcStatus(plan.status());
        ToProto(*plan, response);
        return grpc::Status::OK;
      });
}

grpc::Status TrainingGrpcService::GetTrainingPlan(
    grpc::ServerContext* context, const v1::GetTrainingPlanRequest* request,
    v1::TrainingPlan* response) {
  return gate_.Run(
      context, kService, "GetTrainingPlan", {request->name(), ""},
      [&](const auth::Principal& caller) -> grpc::Status {
        auto name = rpc::ParseCommunityChild(request->name(), "trainingPlans");
        if (!name.ok()) return ToGrpcStatus(name.status());
        if (absl::Status s = auth::CheckCommunity(caller, name->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto plan = desk_.Get(name->community, name->id);
        if (!plan.ok()) return ToGrpcStatus(plan.status());
        ToProto(*plan, response);
        return grpc::Status::OK;
      });
}

grpc::Status TrainingGrpcService::ListTrainingPlans(
    grpc::ServerContext* context, const v1::ListTrainingPlansRequest* request,
    v1::ListTrainingPlansResponse* response) {
  return gate_.Run(
      context, kService, "ListTrainingPlans", {request->parent(), ""},
      [&](const auth::Principal& caller) -> grpc::Status {
        auto filter = FilterFromRequest(*request);
        if (!filter.ok()) return ToGrpcStatus(filter.status());
        auto query = rpc::ParsePageQuery(
            request->parent(), request->page_size(), request->page_token(),
            "trainingPlans", FilterKey(*request), caller.id());
        if (!query.ok()) return ToGrpcStatus(query.status());
        if (absl::Status s = auth::CheckCommunity(caller, query->community);
            !s.ok()) {
          return ToGrpcStatus(s);
        }
        auto page = desk_.List(query->community, *filter, query->after_id,
                               query->page_size);
        if (!page.ok()) return ToGrpcStatus(page.status());
        for (const TrainingPlan& plan : page->plans) {
          ToProto(plan, response->add_training_plans());
        }
        response->set_next_page_token(
            rpc::NextPageToken(*query, page->next_after_id));
        return grpc::Status::OK;
      });
}

}  // namespace steward::training
