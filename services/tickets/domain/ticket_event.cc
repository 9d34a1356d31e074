#include "services/tickets/domain/ticket_event.h"

namespace steward::tickets {

absl::string_view EventTypeName(TicketEventType type) {
  switch (type) {
    case TicketEventType::kCreated:
      return "created";
    case TicketEventType::kAssigned:
      return "assigned";
    case TicketEventType::kResponded:
      return "responded";
    case TicketEventType::kWorkStarted:
      return "work_started";
    case TicketEventType::kPaused:
      return "paused";
    case TicketEventType::kResumed:
      return "resumed";
    case TicketEventType::kProgressUpdated:
      return "progress_updated";
    case TicketEventType::kResolved:
      return "resolved";
    case TicketEventType::kCalledBack:
      return "called_back";
    case TicketEventType::kReworkStarted:
      return "rework_started";
    case TicketEventType::kClosed:
      return "closed";
    case TicketEventType::kCancelled:
      return "cancelled";
    case TicketEventType::kReopened:
      return "reopened";
    case TicketEventType::kPriorityChanged:
      return "priority_changed";
    case TicketEventType::kSlaWarning:
      return "sla_warning";
    case TicketEventType::kSlaBreached:
      return "sla_breached";
    case TicketEventType::kWarrantyReminder:
      return "warranty_reminder";
    case TicketEventType::kGroupComplaintWarning:
      return "group_complaint_warning";
  }
  return "unknown";
}

}  // namespace steward::tickets
