// steward-communication: wiring only (see common/server/service_main.h).
#include "absl/time/clock.h"
#include "common/server/service_main.h"
#include "services/communication/api/notice_grpc_service.h"
#include "services/communication/domain/notice_desk.h"
#include "services/communication/storage/mysql_notice_repository.h"

namespace {

using steward::server::ServiceBundle;
using steward::server::ServiceContext;
namespace communication = steward::communication;

class CommunicationBundle : public ServiceBundle {
 public:
  explicit CommunicationBundle(ServiceContext& context)
      : notices_(context.pool),
        notice_desk_(notices_, [] { return absl::Now(); }),
        api_(notice_desk_, context.gate) {}
  std::vector<grpc::Service*> handlers() override { return {&api_}; }

 private:
  communication::MysqlNoticeRepository notices_;
  communication::NoticeDesk notice_desk_;
  communication::NoticeGrpcService api_;
};

}  // namespace

int main(int argc, char** argv) {
  steward::server::ServiceDefinition definition;
  definition.defaults = {.name = "communication",
                         .grpc_port = 50052,
                         .metrics_port = 9102,
                         .migrations_dir = STEWARD_MIGRATIONS_DIR};
  definition.service_names = {
      communication::v1::CommunicationService::service_full_name()};
  definition.build = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<ServiceBundle>> {
    return std::make_unique<CommunicationBundle>(context);
  };
  return steward::server::ServiceMain(definition, argc, argv);
}
