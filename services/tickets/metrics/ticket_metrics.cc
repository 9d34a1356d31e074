#include "services/tickets/metrics/ticket_metrics.h"

#include "absl/strings/str_cat.h"

namespace steward::tickets {
namespace {

// Seconds; include the SLA targets (15 and 30 min, 24 and 48 h) so
// "within target" is an exact bucket.
const prometheus::Histogram::BucketBoundaries& DurationBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      60,    300,    600,    900,    1800,   3600,   7200,
      14400, 28800,  43200,  86400,  172800, 259200, 604800};
  return *buckets;
}

std::string Key(const void* family, const prometheus::Labels& labels) {
  std::string key = absl::StrCat(reinterpret_cast<uintptr_t>(family));
  for (const auto& [name, value] : labels) absl::StrAppend(&key, "|", value);
  return key;
}

}  // namespace

TicketMetrics::TicketMetrics(prometheus::Registry& registry)
    : first_response_(prometheus::BuildHistogram()
                          .Name("steward_ticket_first_response_seconds")
                          .Help("Time from registration to first response")
                          .Register(registry)),
      resolution_(prometheus::BuildHistogram()
                      .Name("steward_ticket_resolution_seconds")
                      .Help("Time from registration to resolution")
                      .Register(registry)),
      sla_(prometheus::BuildCounter()
               .Name("steward_ticket_sla_total")
               .Help("SLA clocks stopped, by target and outcome (met or "
                     "breached)")
               .Register(registry)),
      created_(prometheus::BuildCounter()
                   .Name("steward_tickets_created_total")
                   .Help("Tickets registered")
                   .Register(registry)),
      group_alerts_(prometheus::BuildCounter()
                        .Name("steward_group_complaint_alerts_total")
                        .Help("Group-complaint incidents opened (群诉预警)")
                        .Register(registry)) {}

prometheus::Counter& TicketMetrics::Counter(
    prometheus::Family<prometheus::Counter>& family,
    const prometheus::Labels& labels) {
  const std::string key = Key(&family, labels);
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = counters_.try_emplace(key, nullptr);
  if (inserted) it->second = &family.Add(labels);
  return *it->second;
}

prometheus::Histogram& TicketMetrics::Histogram(
    prometheus::Family<prometheus::Histogram>& family,
    const prometheus::Labels& labels) {
  const std::string key = Key(&family, labels);
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = histograms_.try_emplace(key, nullptr);
  if (inserted) it->second = &family.Add(labels, DurationBuckets());
  return *it->second;
}

void TicketMetrics::OnCommitted(const ChangeOutcome& outcome) {
  const std::string kind(KindName(outcome.kind));
  const std::string priority(PriorityName(outcome.priority));
  if (outcome.created) {
    Counter(created_, {{"community", outcome.community},
                       {"kind", kind},
                       {"priority", priority}})
        .Increment();
  }
  if (outcome.opened_group_incident) {
    Counter(group_alerts_, {{"community", outcome.community}}).Increment();
  }
  for (const SettledClock& clock : outcome.settled) {
    Counter(sla_, {{"target", std::string(SlaTargetName(clock.target))},
                   {"outcome", std::string(SlaOutcomeName(clock.outcome))},
                   {"community", outcome.community},
                   {"kind", kind},
                   {"priority", priority}})
        .Increment();
  }
  const prometheus::Labels labels = {{"kind", kind}, {"priority", priority}};
  if (outcome.first_response.has_value()) {
    Histogram(first_response_, labels)
        .Observe(absl::ToDoubleSeconds(*outcome.first_response));
  }
  if (outcome.resolution.has_value()) {
    Histogram(resolution_, labels)
        .Observe(absl::ToDoubleSeconds(*outcome.resolution));
  }
}

}  // namespace steward::tickets
