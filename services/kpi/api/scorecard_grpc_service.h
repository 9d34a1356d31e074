// gRPC edge of the KPI service: validates request shape, converts proto ↔
// domain, calls the ScorecardDesk and maps its Status once.
#ifndef STEWARD_SERVICES_KPI_API_SCORECARD_GRPC_SERVICE_H_
#define STEWARD_SERVICES_KPI_API_SCORECARD_GRPC_SERVICE_H_

#include "common/auth/call_gate.h"
#include "services/kpi/domain/scorecard_desk.h"
#include "steward/kpi/v1/kpi.grpc.pb.h"

namespace steward::kpi {

// Thread-safe when the desk is.
class ScorecardGrpcService final : public v1::KpiService::Service {
 public:
  // `desk` must outlive the service.
  static constexpr absl::string_view kService = "steward.kpi.v1.KpiService";

  // `desk` and `gate` must outlive the service.
  ScorecardGrpcService(ScorecardDesk& desk, auth::CallGate& gate)
      : desk_(desk), gate_(gate) {}

  grpc::Status CreateScorecard(grpc::ServerContext* context,
                               const v1::CreateScorecardRequest* request,
                               v1::Scorecard* response) override;
  grpc::Status GetScorecard(grpc::ServerContext* context,
                            const v1::GetScorecardRequest* request,
                            v1::Scorecard* response) override;
  grpc::Status ListScorecards(grpc::ServerContext* context,
                              const v1::ListScorecardsRequest* request,
                              v1::ListScorecardsResponse* response) override;

 private:
  ScorecardDesk& desk_;
  auth::CallGate& gate_;
};

}  // namespace steward::kpi

#endif  // STEWARD_SERVICES_KPI_API_SCORECARD_GRPC_SERVICE_H_
