// steward-training: wiring only (see common/server/service_main.h).
#include "absl/time/clock.h"
#include "common/server/service_main.h"
#include "services/training/api/training_grpc_service.h"
#include "services/training/domain/training_desk.h"
#include "services/training/storage/mysql_training_plan_repository.h"

namespace {

using steward::server::ServiceBundle;
using steward::server::ServiceContext;
namespace training = steward::training;

class TrainingBundle : public ServiceBundle {
 public:
  explicit TrainingBundle(ServiceContext& context)
      : repository_(context.pool),
        desk_(repository_, [] { return absl::Now(); }),
        api_(desk_, context.gate) {}
  std::vector<grpc::Service*> handlers() override { return {&api_}; }

 private:
  training::MysqlTrainingPlanRepository repository_;
  training::TrainingDesk desk_;
  training::TrainingGrpcService api_;
};

}  // namespace

int main(int argc, char** argv) {
  steward::server::ServiceDefinition definition;
  definition.defaults = {.name = "training",
                         .grpc_port = 50053,
                         .metrics_port = 9103,
                         .migrations_dir = STEWARD_MIGRATIONS_DIR};
  definition.service_names = {
      training::v1::TrainingService::service_full_name()};
  definition.build = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<ServiceBundle>> {
    return std::make_unique<TrainingBundle>(context);
  };
  return steward::server::ServiceMain(definition, argc, argv);
}
