// steward-kpi: wiring only (see common/server/service_main.h).
#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/server/service_main.h"
#include "services/kpi/api/scorecard_grpc_service.h"
#include "services/kpi/domain/scorecard_desk.h"
#include "services/kpi/storage/mysql_scorecard_repository.h"

namespace {

using steward::server::ServiceBundle;
using steward::server::ServiceContext;
namespace kpi = steward::kpi;

// DOMAIN.md: communities keep Asia/Shanghai time unless they say otherwise.
constexpr char kDefaultZone[] = "Asia/Shanghai";

class KpiBundle : public ServiceBundle {
 public:
  KpiBundle(ServiceContext& context, absl::TimeZone zone)
      : repository_(context.pool),
        desk_(
            repository_, [] { return absl::Now(); }, zone),
        api_(desk_, context.gate) {}
  std::vector<grpc::Service*> handlers() override { return {&api_}; }

 private:
  kpi::MysqlScorecardRepository repository_;
  kpi::ScorecardDesk desk_;
  kpi::ScorecardGrpcService api_;
};

}  // namespace

int main(int argc, char** argv) {
  steward::server::ServiceDefinition definition;
  definition.defaults = {.name = "kpi",
                         .grpc_port = 50054,
                         .metrics_port = 9104,
                         .migrations_dir = STEWARD_MIGRATIONS_DIR};
  definition.service_names = {kpi::v1::KpiService::service_full_name()};
  definition.build = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<ServiceBundle>> {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(kDefaultZone, &zone)) {
      return absl::FailedPreconditionError(
          "cannot load time zone Asia/Shanghai; install tzdata");
    }
    return std::make_unique<KpiBundle>(context, zone);
  };
  return steward::server::ServiceMain(definition, argc, argv);
}
