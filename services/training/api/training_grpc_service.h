// gRPC edge of the training service: validates request shape, converts proto
// ↔ domain, calls the TrainingDesk and maps its Status once.
#ifndef STEWARD_SERVICES_TRAINING_API_TRAINING_GRPC_SERVICE_H_
#define STEWARD_SERVICES_TRAINING_API_TRAINING_GRPC_SERVICE_H_

#include "common/auth/call_gate.h"
#include "services/training/domain/training_desk.h"
#include "steward/training/v1/training.grpc.pb.h"

namespace steward::training {

// Thread-safe when the desk is.
class TrainingGrpcService final : public v1::TrainingService::Service {
 public:
  // `desk` must outlive the service.
  static constexpr absl::string_view kService =
      "steward.training.v1.TrainingService";

  // `desk` and `gate` must outlive the service.
  TrainingGrpcService(TrainingDesk& desk, auth::CallGate& gate)
      : desk_(desk), gate_(gate) {}

  // INVALID_ARGUMENT with a google.rpc.BadRequest naming every bad field
  // (request_id, parent, training_plan.*); idempotent on
  // (parent, request_id).
  grpc::Status CreateTrainingPlan(grpc::ServerContext* context,
                                  const v1::CreateTrainingPlanRequest* request,
                                  v1::TrainingPlan* response) override;
  // INVALID_ARGUMENT for a malformed name, NOT_FOUND for an unknown plan.
  grpc::Status GetTrainingPlan(grpc::ServerContext* context,
                               const v1::GetTrainingPlanRequest* request,
                               v1::TrainingPlan* response) override;
  // Newest first. A page token is only accepted with the parent and line
  // filter it was issued for.
  grpc::Status ListTrainingPlans(
      grpc::ServerContext* context, const v1::ListTrainingPlansRequest* request,
      v1::ListTrainingPlansResponse* response) override;

 private:
  TrainingDesk& desk_;
  auth::CallGate& gate_;
};

}  // namespace steward::training

#endif  // STEWARD_SERVICES_TRAINING_API_TRAINING_GRPC_SERVICE_H_
