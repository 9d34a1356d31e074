#include "services/tickets/metrics/ticket_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "absl/strings/match.h"

namespace steward::tickets {
namespace {

std::string Render(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(TicketMetricsTest, CountsOutcomesAndObservesDurationsWithoutIds) {
  prometheus::Registry registry;
  TicketMetrics metrics(registry);
  metrics.OnCommitted({.community = "harbour-view",
                       .kind = TicketKind::kComplaint,
                       .priority = Priority::kUrgent,
                       .created = true});
  ChangeOutcome responded{.community = "harbour-view",
                          .kind = TicketKind::kComplaint,
                          .priority = Priority::kUrgent,
                          .action = TicketAction::kRespond,
                          .settled = {{SlaTarget::kFirstResponse,
                                       SlaOutcome::kBreached}},
                          .first_response = absl::Minutes(20)};
  metrics.OnCommitted(responded);
  metrics.OnCommitted(responded);  // the same label set again: cached child
  const std::string page = Render(registry);
  EXPECT_TRUE(absl::StrContains(
      page,
      "steward_tickets_created_total{community=\"harbour-view\",kind=\""
      "complaint\",priority=\"urgent\"} 1"))
      << page;
  EXPECT_TRUE(absl::StrContains(
      page,
      "steward_ticket_sla_total{community=\"harbour-view\",kind=\"complaint\","
      "outcome=\"breached\",priority=\"urgent\",target=\"first_response\"} 2"))
      << page;
  // 20 minutes is above the 15-minute bucket and within the 30-minute one.
  EXPECT_TRUE(absl::StrContains(
      page,
      "steward_ticket_first_response_seconds_bucket{kind=\"complaint\","
      "priority=\"urgent\",le=\"900\"} 0"))
      << page;
  EXPECT_TRUE(absl::StrContains(
      page,
      "steward_ticket_first_response_seconds_bucket{kind=\"complaint\","
      "priority=\"urgent\",le=\"1800\"} 2"));
  EXPECT_TRUE(absl::StrContains(page, "le=\"86400\""));
  EXPECT_TRUE(absl::StrContains(page, "le=\"172800\""));
  // No resolution happened yet: no resolution series.
  EXPECT_FALSE(absl::StrContains(page, "steward_ticket_resolution_seconds_count{"));
}

}  // namespace
}  // namespace steward::tickets
