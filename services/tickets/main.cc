// steward-tickets: wiring only (see common/server/service_main.h).
#include "absl/time/clock.h"
#include "common/server/service_main.h"
#include "services/tickets/api/ticket_grpc_service.h"
#include "services/tickets/domain/ticket_desk.h"
#include "services/tickets/storage/mysql_ticket_repository.h"

namespace {

using steward::server::ServiceBundle;
using steward::server::ServiceContext;
namespace tickets = steward::tickets;

class TicketsBundle : public ServiceBundle {
 public:
  explicit TicketsBundle(ServiceContext& context)
      : repository_(context.pool),
        desk_(repository_, [] { return absl::Now(); }),
        api_(desk_) {}
  std::vector<grpc::Service*> handlers() override { return {&api_}; }
  void Shutdown() override { api_.Shutdown(); }

 private:
  tickets::MysqlTicketRepository repository_;
  tickets::TicketDesk desk_;
  tickets::TicketGrpcService api_;
};

}  // namespace

int main(int argc, char** argv) {
  steward::server::ServiceDefinition definition;
  definition.defaults = {.name = "tickets",
                         .grpc_port = 50051,
                         .metrics_port = 9101,
                         .migrations_dir = STEWARD_MIGRATIONS_DIR};
  definition.service_names = {tickets::v1::TicketService::service_full_name()};
  definition.build = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<ServiceBundle>> {
    return std::make_unique<TicketsBundle>(context);
  };
  return steward::server::ServiceMain(definition, argc, argv);
}
