// gRPC edge of the KPI service: validates request shape, converts proto ↔
// domain, calls the ScorecardDesk and maps its Status once.
#ifndef STEWARD_SERVICES_KPI_API_SCORECARD_GRPC_SERVICE_H_
#define STEWARD_SERVICES_KPI_API_SCORECARD_GRPC_SERVICE_H_

#include "services/kpi/domain/scorecard_desk.h"
#include "steward/kpi/v1/kpi.grpc.pb.h"

namespace steward::kpi {

// Thread-safe when the desk is.
class ScorecardGrpcService final : public v1::KpiService::Service {
 public:
  // `desk` must outlive the service.
  explicit ScorecardGrpcService(ScorecardDesk& desk) : desk_(desk) {}

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
};

}  // namespace steward::kpi

#endif  // STEWARD_SERVICES_KPI_API_SCORECARD_GRPC_SERVICE_H_
