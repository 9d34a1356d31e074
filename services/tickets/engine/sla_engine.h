// The SLA escalation engine: a background thread that fires every warning
// and breach when it falls due. It never scans open tickets: clocks are
// indexed by their next fire time, the engine sleeps until the earliest one
// (at most `max_idle`, so clocks written by other replicas are picked up),
// and claims due rows with SKIP LOCKED so several replicas never fire the
// same step twice.
#ifndef STEWARD_SERVICES_TICKETS_ENGINE_SLA_ENGINE_H_
#define STEWARD_SERVICES_TICKETS_ENGINE_SLA_ENGINE_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <map>
#include <tuple>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "services/tickets/domain/ticket_desk.h"

namespace steward::tickets {

class SlaEngine {
 public:
  struct Options {
    // Longest sleep between looks at the index.
    absl::Duration max_idle = absl::Milliseconds(500);
    // Clocks claimed per transaction.
    int batch = 200;
    // How often the backlog gauges are refreshed (two GROUP BY queries),
    // warranty reminders are looked for, policy rows are reloaded and
    // tickets marked by a policy change are recomputed.
    absl::Duration gauge_interval = absl::Seconds(15);
  };

  // Registers steward_ticket_escalations_total{level} and the backlog
  // gauges steward_tickets_open{kind,priority,state},
  // steward_tickets_at_risk{target} and steward_ticket_events_backlog. `desk` must outlive the engine. Does
  // not start the thread.
  SlaEngine(TicketDesk& desk, prometheus::Registry& registry, Options options);
  ~SlaEngine();  // stops the thread

  void Start();
  // Idempotent; returns once the thread has finished its current step.
  void Stop();

  // One pass: fires what is due now. Returns the number of events written.
  // Exposed for tests; the thread calls it in a loop.
  absl::StatusOr<int> RunOnce();
  // Refreshes the backlog gauges from the database. Exposed for tests.
  absl::Status RefreshGauges();

 private:
  void Loop();

  TicketDesk& desk_;
  const Options options_;
  // Indexed by EscalationLevel (1 handler, 2 supervisor, 3 manager).
  std::array<prometheus::Counter*, 4> escalations_{};
  prometheus::Histogram* delay_ = nullptr;
  prometheus::Family<prometheus::Gauge>* open_;
  // Children of open_ created so far (only the engine thread touches it);
  // zeroed before each refresh so drained combinations read 0.
  std::map<std::tuple<int, int, int>, prometheus::Gauge*> open_children_;
  std::map<SlaTarget, prometheus::Gauge*> at_risk_;
  prometheus::Gauge* event_backlog_;
  absl::Time next_gauge_refresh_ = absl::InfinitePast();
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_ENGINE_SLA_ENGINE_H_
