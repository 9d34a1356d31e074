// The events the tickets service publishes for other systems (the outbox):
// one per state change or escalation, written in the same transaction as the
// change, delivered at least once in commit order with stable ids.
#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_EVENT_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_EVENT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/tickets/domain/ticket.h"

namespace steward::tickets {

// Numbering matches the stored column values; never renumber.
enum class TicketEventType {
  kCreated = 1,
  kAssigned = 2,
  kResponded = 3,
  kWorkStarted = 4,
  kPaused = 5,
  kResumed = 6,
  kProgressUpdated = 7,
  kResolved = 8,
  kCalledBack = 9,
  kReworkStarted = 10,
  kClosed = 11,
  kCancelled = 12,
  kReopened = 13,
  kPriorityChanged = 14,
  kSlaWarning = 15,
  kSlaBreached = 16,
  // A legacy defect's warranty ends within the reminder lead time.
  kWarrantyReminder = 17,
  // Enough households raised the same issue in one building or community
  // within the window: an incident links their complaints (群诉预警).
  kGroupComplaintWarning = 18,
};

// The feed's stable name of a type ("created", "sla_breached", ...).
absl::string_view EventTypeName(TicketEventType type);

struct TicketEvent {
  int64_t id = 0;  // the feed cursor; assigned by storage
  int64_t ticket_id = 0;
  std::string community;
  TicketEventType type = TicketEventType::kCreated;
  TicketState state = TicketState::kRegistered;  // after the change
  // For SLA events: the SlaTarget and EscalationLevel numbers (0 otherwise).
  int sla_target = 0;
  int escalation_level = 0;
  absl::Time time;
  // SLA events only, not stored: when the step fell due, so the engine can
  // report how late it fired (steward_sla_escalation_delay_seconds).
  absl::Time due = absl::InfinitePast();
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_EVENT_H_
