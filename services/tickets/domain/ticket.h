// Tickets (工单): the entities and pure rules of the tickets service. No
// protobuf and no SQL here.
#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace steward::tickets {

// Numbering matches the stored column values; never renumber.
enum class TicketKind {
  kHouseholdRepair = 1,
  kPublicRepair = 2,
  kComplaint = 3,
  kInquiry = 4,
  kSuggestion = 5,
  kLegacyDefect = 6,
};
enum class Priority { kEmergency = 1, kUrgent = 2, kRoutine = 3 };
enum class Channel {
  kApp = 1,
  kHotline = 2,
  kFrontDesk = 3,
  kVisit = 4,
  kWeChat = 5,
  kEmail = 6,
  kPatrol = 7,
};
enum class Line {
  kSecurity = 1,
  kEngineering = 2,
  kCleaning = 3,
  kGreening = 4,
  kCustomerService = 5,
};
enum class TicketState {
  kRegistered = 1,
  kAssigned = 2,
  kResponded = 3,
  kInProgress = 4,
  kPaused = 5,
  kResolved = 6,
  kCalledBack = 7,
  kClosed = 8,
  kCancelled = 9,
};

struct Location {
  std::string building;
  std::string unit;
  std::string room;    // empty for a public area
  std::string detail;  // free text
};

// What a caller supplies to register a ticket.
struct TicketDraft {
  std::string community;
  TicketKind kind = TicketKind::kInquiry;
  Priority priority = Priority::kRoutine;
  Channel channel = Channel::kApp;
  Line line = Line::kCustomerService;
  Location location;
  std::string description;
};

struct Ticket {
  int64_t id = 0;
  TicketDraft draft;
  TicketState state = TicketState::kRegistered;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

struct TicketFilter {
  std::optional<TicketState> state;
  std::optional<TicketKind> kind;
  std::optional<Priority> priority;
};

struct TicketPage {
  std::vector<Ticket> tickets;
  // Id to continue after, or 0 when this was the last page.
  int64_t next_after_id = 0;
};

// Limits on free text, in Unicode code points.
inline constexpr size_t kMaxDescriptionChars = 4000;
inline constexpr size_t kMaxLocationFieldChars = 32;
inline constexpr size_t kMaxLocationDetailChars = 200;

// Checks the content rules of a draft (lengths, a household needs building
// and room, ...). INVALID_ARGUMENT naming every offending field, with field
// paths as the API spells them ("ticket.description").
absl::Status ValidateDraft(const TicketDraft& draft);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_H_
