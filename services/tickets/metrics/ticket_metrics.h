// The tickets service's SLA metrics for ops dashboards:
//   steward_ticket_first_response_seconds{kind,priority}   histogram
//   steward_ticket_resolution_seconds{kind,priority}       histogram
//   steward_ticket_sla_total{target,outcome,community,kind,priority}
//   steward_tickets_created_total{community,kind,priority}
//   steward_group_complaint_alerts_total{community}
// Ticket, owner and staff ids are never labels. Children are created once per
// label set and cached; the request path only increments.
#ifndef STEWARD_SERVICES_TICKETS_METRICS_TICKET_METRICS_H_
#define STEWARD_SERVICES_TICKETS_METRICS_TICKET_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/tickets/domain/ticket_desk.h"

namespace steward::tickets {

class TicketMetrics : public TicketObserver {
 public:
  explicit TicketMetrics(prometheus::Registry& registry);
  void OnCommitted(const ChangeOutcome& outcome) override;

 private:
  prometheus::Counter& Counter(prometheus::Family<prometheus::Counter>& family,
                               const prometheus::Labels& labels);
  prometheus::Histogram& Histogram(
      prometheus::Family<prometheus::Histogram>& family,
      const prometheus::Labels& labels);

  prometheus::Family<prometheus::Histogram>& first_response_;
  prometheus::Family<prometheus::Histogram>& resolution_;
  prometheus::Family<prometheus::Counter>& sla_;
  prometheus::Family<prometheus::Counter>& created_;
  prometheus::Family<prometheus::Counter>& group_alerts_;
  absl::Mutex mu_;
  // Keyed by family address + rendered labels.
  absl::flat_hash_map<std::string, prometheus::Counter*> counters_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, prometheus::Histogram*> histograms_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_METRICS_TICKET_METRICS_H_
