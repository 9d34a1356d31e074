// steward-tickets: wiring only (see common/server/service_main.h).
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/calendar/business_calendar.h"
#include "common/calendar/holiday_table.h"
#include "common/server/service_main.h"
#include "common/util/status_macros.h"
#include "services/tickets/api/ticket_grpc_service.h"
#include "services/tickets/domain/sla.h"
#include "services/tickets/domain/ticket_desk.h"
#include "services/tickets/engine/sla_engine.h"
#include "services/tickets/metrics/ticket_metrics.h"
#include "services/tickets/storage/mysql_ticket_repository.h"

ABSL_FLAG(int, group_complaint_households, 5,
          "Group-complaint warning: distinct households raising one category "
          "in one building (or community) within the window");
ABSL_FLAG(absl::Duration, group_complaint_window, absl::Hours(24),
          "Group-complaint warning: the window");
ABSL_FLAG(int, warranty_reminder_days, 30,
          "Legacy defects: remind this many days before the warranty ends");

namespace {

using steward::server::ServiceBundle;
using steward::server::ServiceContext;
namespace calendar = steward::calendar;
namespace tickets = steward::tickets;

// Every community's calendar until per-community calendars land.
constexpr char kTimeZone[] = "Asia/Shanghai";

// The business calendar SLA clocks count working time on: Asia/Shanghai,
// Monday-Friday 09:00-18:00 and the statutory holidays of the file named by
// STEWARD_CALENDAR_FILE, or of the shipped table when it is unset. (A
// --calendar_file setting will replace the variable.) An error names the
// file and what is wrong with it.
absl::StatusOr<calendar::BusinessCalendar> LoadCalendar() {
  const char* from_env = std::getenv("STEWARD_CALENDAR_FILE");
  const std::string path = from_env != nullptr && *from_env != '\0'
                               ? std::string(from_env)
                               : std::string(STEWARD_CALENDAR_DATA);
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(kTimeZone, &zone)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load time zone ", kTimeZone, " (install tzdata)"));
  }
  STEWARD_ASSIGN_OR_RETURN(calendar::HolidayTable holidays,
                           calendar::LoadHolidayTableFile(path));
  return calendar::BusinessCalendar::Create(
      zone, calendar::WeeklyHours::Default(), std::move(holidays));
}

class TicketsBundle : public ServiceBundle {
 public:
  TicketsBundle(ServiceContext& context, tickets::SlaRules rules)
      : repository_(context.pool, context.keys),
        desk_(
            repository_, [] { return absl::Now(); }, std::move(rules)),
        metrics_(context.registry),
        api_(desk_, context.gate),
        engine_(desk_, context.registry, {}) {
    desk_.SetObserver(&metrics_);
  }
  // Loads the stored SLA policies (seeding the defaults on first start),
  // then starts the engine. Before serving.
  absl::Status Init() {
    if (absl::Status s = desk_.LoadPolicies(); !s.ok()) return s;
    engine_.Start();
    return absl::OkStatus();
  }
  std::vector<grpc::Service*> handlers() override { return {&api_}; }
  void Shutdown() override {
    engine_.Stop();
    api_.Shutdown();
  }

 private:
  tickets::MysqlTicketRepository repository_;
  tickets::TicketDesk desk_;
  tickets::TicketMetrics metrics_;
  tickets::TicketGrpcService api_;
  tickets::SlaEngine engine_;  // declared last: stopped and destroyed first
};

}  // namespace

int main(int argc, char** argv) {
  if (absl::Status s = steward::server::ApplyEnvironment(
          {"group_complaint_households", "group_complaint_window",
           "warranty_reminder_days"});
      !s.ok()) {
    std::fprintf(stderr, "steward-tickets: %s\n",
                 std::string(s.message()).c_str());
    return 2;
  }
  steward::server::ServiceDefinition definition;
  definition.defaults = {.name = "tickets",
                         .grpc_port = 50051,
                         .metrics_port = 9101,
                         .migrations_dir = STEWARD_MIGRATIONS_DIR};
  definition.service_names = {tickets::v1::TicketService::service_full_name()};
  definition.build = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<ServiceBundle>> {
    auto calendar = LoadCalendar();
    if (!calendar.ok()) {
      return absl::Status(
          calendar.status().code(),
          absl::StrCat("business calendar (set STEWARD_CALENDAR_FILE): ",
                       calendar.status().message()));
    }
    tickets::SlaRules rules{tickets::DefaultSlaPolicies(),
                            *std::move(calendar)};
    rules.group_complaints = {
        .households = absl::GetFlag(FLAGS_group_complaint_households),
        .window = absl::GetFlag(FLAGS_group_complaint_window)};
    rules.warranty_reminder_days = absl::GetFlag(FLAGS_warranty_reminder_days);
    if (rules.group_complaints.households < 2 ||
        rules.group_complaints.window <= absl::ZeroDuration() ||
        rules.warranty_reminder_days < 1) {
      return absl::InvalidArgumentError(
          "--group_complaint_households (>= 2), --group_complaint_window (> 0) "
          "and --warranty_reminder_days (>= 1) are out of range");
    }
    auto bundle = std::make_unique<TicketsBundle>(context, std::move(rules));
    if (absl::Status s = bundle->Init(); !s.ok()) return s;
    return bundle;
  };
  return steward::server::ServiceMain(definition, argc, argv);
}
