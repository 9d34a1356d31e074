// gRPC edge of the communication service's notices: validates request
// shape, converts proto ↔ domain, calls the NoticeDesk and maps its Status
// once.
#ifndef STEWARD_SERVICES_COMMUNICATION_API_NOTICE_GRPC_SERVICE_H_
#define STEWARD_SERVICES_COMMUNICATION_API_NOTICE_GRPC_SERVICE_H_

#include "common/auth/call_gate.h"
#include "services/communication/domain/notice_desk.h"
#include "steward/communication/v1/communication.grpc.pb.h"

namespace steward::communication {

// Thread-safe when the desk is.
class NoticeGrpcService final : public v1::CommunicationService::Service {
 public:
  // `desk` must outlive the service.
  static constexpr absl::string_view kService =
      "steward.communication.v1.CommunicationService";

  // `desk` and `gate` must outlive the service.
  NoticeGrpcService(NoticeDesk& desk, auth::CallGate& gate)
      : desk_(desk), gate_(gate) {}

  grpc::Status CreateNotice(grpc::ServerContext* context,
                            const v1::CreateNoticeRequest* request,
                            v1::Notice* response) override;
  grpc::Status GetNotice(grpc::ServerContext* context,
                         const v1::GetNoticeRequest* request,
                         v1::Notice* response) override;
  grpc::Status ListNotices(grpc::ServerContext* context,
                           const v1::ListNoticesRequest* request,
                           v1::ListNoticesResponse* response) override;

 private:
  NoticeDesk& desk_;
  auth::CallGate& gate_;
};

}  // namespace steward::communication

#endif  // STEWARD_SERVICES_COMMUNICATION_API_NOTICE_GRPC_SERVICE_H_
