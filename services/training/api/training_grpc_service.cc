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

// The parent and every filter: a page token is bound to it.
std::string ListQueryKey(const std::string& community,
                         const v1::ListTrainingPlansRequest& request) {
  return absl::StrCat("training_plans|", community, "|", request.line());
}

}  // namespace

grpc::Status TrainingGrpcService::CreateTrainingPlan(
    grpc::ServerContext* context, const v1::CreateTrainingPlanRequest* request,
    v1::TrainingPlan* response) {
  rpc::FieldErrors errors;
  errors.Absorb(rpc::ValidateRequestId(request->request_id()));
  auto draft = DraftFromRequest(*request);
  errors.Absorb(draft.status());
  if (!errors.empty()) return ToGrpcStatus(errors.ToStatus());
  auto plan = desk_.Schedule(*draft, request->request_id(),
                             rpc::RequestFingerprint(*request));
  if (!plan.ok()) return ToGrpcStatus(plan.status());
  ToProto(*plan, response);
  return grpc::Status::OK;
}

grpc::Status TrainingGrpcService::GetTrainingPlan(
    grpc::ServerContext* context, const v1::GetTrainingPlanRequest* request,
    v1::TrainingPlan* response) {
  auto ids =
      rpc::ParseName(request->name(), {"communities", "trainingPlans"}, "name");
  if (!ids.ok()) return ToGrpcStatus(ids.status());
  auto id = rpc::ParseRowId((*ids)[1], "name");
  if (!id.ok()) return ToGrpcStatus(id.status());
  auto plan = desk_.Get((*ids)[0], *id);
  if (!plan.ok()) return ToGrpcStatus(plan.status());
  ToProto(*plan, response);
  return grpc::Status::OK;
}

grpc::Status TrainingGrpcService::ListTrainingPlans(
    grpc::ServerContext* context, const v1::ListTrainingPlansRequest* request,
    v1::ListTrainingPlansResponse* response) {
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
  for (const TrainingPlan& plan : page->plans) {
    ToProto(plan, response->add_training_plans());
  }
  if (page->next_after_id > 0) {
    response->set_next_page_token(
        rpc::EncodePageToken({page->next_after_id}, query_key));
  }
  return grpc::Status::OK;
}

}  // namespace steward::training
