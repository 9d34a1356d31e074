// Tickets (工单): the entities and pure rules of the tickets service. No
// protobuf and no SQL here. The lifecycle (which action is allowed in which
// state) is in lifecycle.h; SLA policies and clocks are in sla.h.
#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
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

// Stable lower-case names, usable as metric label values and in ids:
// "household_repair", "public_repair", "complaint", "inquiry", "suggestion",
// "legacy_defect"; "emergency", "urgent", "routine".
absl::string_view KindName(TicketKind kind);
absl::string_view PriorityName(Priority priority);

// True for every state but kClosed and kCancelled. Open tickets' SLA
// deadlines follow policy, priority and calendar changes; terminal ones keep
// theirs.
bool IsOpen(TicketState state);

// True for kRegistered, kAssigned, kResponded, kInProgress and kPaused: the
// states before the first (or, after rework, the next) resolution.
bool IsUnresolved(TicketState state);

// True unless the kind is closed without a callback: inquiries and
// suggestions may be closed straight from kResolved; repairs, complaints and
// legacy defects must be called back first (有回访).
bool NeedsCallback(TicketKind kind);

// Who performs an action. Only staff can become a ticket's first responder.
enum class ActorKind { kStaff = 1, kOwner = 2, kSystem = 3 };
struct Actor {
  ActorKind kind = ActorKind::kStaff;
  std::string id;  // Staff or owner id, or a system name ("sla-engine").

  friend bool operator==(const Actor&, const Actor&) = default;
};

// Why SLA clocks were stopped. Numbering matches stored values.
enum class PauseReason { kWaitingForOwner = 1, kWaitingForParts = 2 };

// Why a ticket was cancelled. Numbering matches stored values.
enum class CancelReason { kDuplicate = 1, kWithdrawn = 2 };

// A finished pause [start, end): the SLA clocks that ran at `start` stood
// still until `end`.
struct PauseInterval {
  absl::Time start;
  absl::Time end;

  friend bool operator==(const PauseInterval&, const PauseInterval&) = default;
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
  // The staff member who took the request (hotline operator, front desk,
  // patrol); empty when the owner filed it unaided (app, WeChat, email). They
  // become the first responder (首问负责人) at registration.
  std::string received_by;
  // What it is about, from the company's category list ("water_leak",
  // "noise", ...); the group-complaint warning groups by it.
  std::string category;
  // The district (片区) whose people own the work, if known.
  std::string district;
  // The reporting household ("3-2-1201"), empty for a public-area report.
  std::string household;
  // The owner principal who filed it themselves (set by the API from the
  // verified token, never from the request); empty when staff or a system
  // registered it. Owners reach their households' tickets and these.
  std::string reporter;
  // How to reach the reporter. Personal data: never logged.
  std::string contact_name;
  std::string contact_phone;
  // References to uploaded photos (object-store keys), at most kMaxPhotos.
  std::vector<std::string> photo_refs;
  // Legacy defects (地产遗留问题): when the developer's warranty ends; a
  // reminder is due a month before.
  std::optional<absl::CivilDay> warranty_end;
};

// A ticket's current record. Lifecycle fields change only through
// ApplyAction() (lifecycle.h), which keeps them consistent with `state`.
// Instants are absolute; nullopt means "not (or no longer) reached".
struct Ticket {
  int64_t id = 0;
  TicketDraft draft;
  TicketState state = TicketState::kRegistered;
  // Optimistic-concurrency version (the etag); storage bumps it on write.
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;

  // People.
  std::string assignee;  // Current handler; empty until assigned.
  // 首问负责制: the first staff member who received or acted on the ticket.
  // Accountable until it closes; never changed by reassignment.
  std::string first_responder;

  // Milestones. A later milestone fills in the earlier ones it implies:
  // starting work is a first response; resolving implies both.
  std::optional<absl::Time> responded_at;     // First response.
  std::optional<absl::Time> work_started_at;  // On site / work started.
  std::optional<absl::Time> resolved_at;      // Cleared by rework.
  std::optional<absl::Time> called_back_at;   // Cleared by rework.
  std::optional<absl::Time> closed_at;        // Cleared by reopening.
  std::optional<absl::Time> cancelled_at;
  // The last progress update made while unresolved: the complaint progress
  // clock restarts here. Updates after resolution do not move it.
  std::optional<absl::Time> last_progress_at;
  // The last rework (unsatisfied callback or reopen): resolution, complaint
  // feedback, complaint progress and callback clocks restart here.
  std::optional<absl::Time> reworked_at;

  // Pausing (waiting for the owner or for parts). While state == kPaused,
  // paused_from is the state to return to (kResponded or kInProgress) and
  // paused_at when the current pause began; otherwise all three are nullopt.
  std::optional<TicketState> paused_from;
  std::optional<absl::Time> paused_at;
  std::optional<PauseReason> pause_reason;
  // Finished pauses, oldest first (the current one is not in the list).
  std::vector<PauseInterval> pauses;

  // Rework (返修): unsatisfied callbacks plus reopenings.
  int rework_count = 0;

  // Resolution.
  std::string resolution;  // What was done (the last resolution's text).
  // Repair charges in minor units (fen), the sum over all resolutions.
  int64_t charges_minor = 0;

  // The last callback (回访): rating 1..5 (0 before any), verdict, comment.
  int satisfaction = 0;
  std::optional<bool> satisfied;
  std::string callback_comment;

  std::optional<CancelReason> cancel_reason;

  // The written summary (一事一总结); required to close a complaint.
  std::string summary;
};

struct TicketFilter {
  std::optional<TicketState> state;
  std::optional<TicketKind> kind;
  std::optional<Priority> priority;
  std::optional<Line> line;
  std::string assignee;  // "" = any
  std::string district;  // "" = any
  // Only tickets of these households ("3-2-1201"); empty = any. Owners' lists
  // are always restricted to their own households and their own reports.
  std::vector<std::string> households;
  // With households: also the tickets this owner principal reported (an
  // owner's own list: their households' tickets or their reports). "" = no
  // such addition.
  std::string or_reported_by;
  // Only tickets whose contact phone normalises (crypto::NormalizePhone) to
  // the same digits as this one; "" = any.
  std::string contact_phone;
  std::optional<absl::Time> created_after;   // inclusive
  std::optional<absl::Time> created_before;  // exclusive
  bool overdue_only = false;   // a clock breached and still running
  bool at_risk_only = false;   // a clock warned, not yet breached
};

struct TicketPage {
  std::vector<Ticket> tickets;
  // Id to continue after, or 0 when this was the last page.
  int64_t next_after_id = 0;
};

// Limits on free text, in Unicode code points, and on photos.
inline constexpr size_t kMaxPhotos = 9;
inline constexpr size_t kMaxPhotoRefChars = 512;
inline constexpr size_t kMaxCategoryChars = 64;
inline constexpr size_t kMaxContactNameChars = 50;
inline constexpr size_t kMaxDescriptionChars = 4000;
inline constexpr size_t kMaxLocationFieldChars = 32;
inline constexpr size_t kMaxLocationDetailChars = 200;
inline constexpr size_t kMaxPersonIdChars = 64;  // received_by, assignee, actor

// Checks the content rules of a draft (lengths, a household needs building
// and room, ...). INVALID_ARGUMENT naming every offending field, with field
// paths as the API spells them ("ticket.description").
absl::Status ValidateDraft(const TicketDraft& draft);

// A contact phone as tickets accept it: digits with an optional leading +
// and spaces or dashes between, 5..20 characters (kPhoneShape says so).
bool IsPhoneShaped(absl::string_view phone);
inline constexpr char kPhoneShape[] =
    "5-20 characters of digits, spaces and dashes, optionally starting with +";

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_H_
