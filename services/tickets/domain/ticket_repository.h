// Where tickets are kept. The MySQL implementation lives in storage/; tests
// use in-memory fakes with the same contract.
#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_REPOSITORY_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_REPOSITORY_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/calendar/business_calendar.h"
#include "services/tickets/domain/lifecycle.h"
#include "services/tickets/domain/sla.h"
#include "services/tickets/domain/ticket.h"
#include "services/tickets/domain/ticket_event.h"

namespace steward::tickets {

// Everything one change writes, in one transaction: the new ticket record,
// its timeline entry, its outbox events and its SLA clocks.
struct TicketChange {
  Ticket ticket;  // version is bumped by the repository
  TimelineEntry entry;
  // ticket_id and community are filled in by the repository.
  std::vector<TicketEvent> events;
  TicketDeadlines deadlines;
};

// The group-complaint early warning (群诉预警): when at least `households`
// distinct households raise complaints of one category in one building (or,
// without a building, one community) within `window`, an incident links
// them. Numbers are data (SlaRules), not constants.
struct GroupComplaintRule {
  int households = 5;
  absl::Duration window = absl::Hours(24);
};

// A community's own business calendar settings (the statutory holiday table
// is shared by all): its time zone and office hours.
struct CommunityCalendar {
  std::string community;
  std::string time_zone;  // IANA name, e.g. "Asia/Shanghai"
  calendar::WeeklyHours hours;
};

// What Create did.
struct CreateOutcome {
  Ticket ticket;
  // True when the request id was seen before and `ticket` is the earlier
  // one (nothing was written).
  bool replayed = false;
  // Set when this ticket opened a group-complaint incident.
  std::optional<int64_t> opened_incident;
};

// A complaint in a stock-take, with the latest note of its timeline.
struct OpenComplaint {
  Ticket ticket;
  std::string latest_note;
};

// A group-complaint incident and the complaints it links.
struct Incident {
  int64_t id = 0;
  std::string community;
  std::string building;  // "" = community-wide
  std::string category;
  absl::Time opened_at;
  std::vector<int64_t> ticket_ids;
};

// Computes the change from the ticket as currently stored (locked).
using ChangeFn = std::function<absl::StatusOr<TicketChange>(const Ticket&)>;

// One SLA clock that reached an escalation step, as the engine claims it.
struct DueEscalation {
  int64_t ticket_id = 0;
  std::string community;
  SlaTarget target = SlaTarget::kFirstResponse;
  TicketState state = TicketState::kRegistered;
  ClockStatus clock;                  // as stored
  EscalationLevel escalated = EscalationLevel::kNone;  // already fired
};

// What the engine decided for a claimed clock.
struct EscalationDecision {
  EscalationLevel fired = EscalationLevel::kNone;  // kNone: nothing to fire
  // When the fired step fell due (its warning or breach time).
  absl::Time fired_due_at = absl::InfinitePast();
  // The next step's fire time, or nullopt when none remains.
  std::optional<absl::Time> next_fire_at;
};

// Open tickets of one kind, priority and state (for the backlog gauge).
struct OpenCount {
  TicketKind kind = TicketKind::kInquiry;
  Priority priority = Priority::kRoutine;
  TicketState state = TicketState::kRegistered;
  int64_t count = 0;
};

class TicketRepository {
 public:
  virtual ~TicketRepository() = default;

  // Stores a new ticket (initial.ticket, id 0) with its timeline entry,
  // events and clocks, unless (community, request_id) was used before: then
  // returns the ticket that call created (replayed) when `fingerprint`
  // matches, and INVALID_ARGUMENT (field request_id) when it does not. Safe
  // under concurrent calls with the same request_id: exactly one ticket is
  // created. For a complaint with a category, `group_rule` is applied in the
  // same transaction: the incident is opened once (with a
  // group_complaint_warning event) and later complaints are linked to it.
  virtual absl::StatusOr<CreateOutcome> Create(
      const TicketChange& initial, const std::string& request_id,
      const std::string& fingerprint, const GroupComplaintRule& group_rule) = 0;

  // Complaints of `community` registered before `as_of` and neither closed
  // nor cancelled before it, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<OpenComplaint>> ListOpenComplaints(
      const std::string& community, absl::Time as_of, int limit) = 0;

  // Open incidents of `community`, newest first.
  virtual absl::StatusOr<std::vector<Incident>> ListIncidents(
      const std::string& community) = 0;

  // Claims (SKIP LOCKED) open legacy defects whose warranty ends on or
  // before `ends_by` and that were not reminded yet, writes one
  // warranty_reminder event each at `now` and marks them reminded.
  virtual absl::StatusOr<std::vector<TicketEvent>> FireWarrantyReminders(
      absl::CivilDay ends_by, absl::Time now, int limit) = 0;

  // Locks ticket `id` of `community` and:
  //  - when `request_id` was already used on this ticket: returns the ticket
  //    as it is now if `fingerprint` matches (a retry), INVALID_ARGUMENT on
  //    request_id if not;
  //  - when its version is not `expected_version`: ABORTED (stale etag);
  //  - otherwise stores what `change` returns (its error is returned and
  //    nothing is written) and returns the new ticket, version + 1.
  // NOT_FOUND when the ticket does not exist in `community`.
  virtual absl::StatusOr<Ticket> Mutate(const std::string& community,
                                        int64_t id, int64_t expected_version,
                                        const std::string& request_id,
                                        const std::string& fingerprint,
                                        const ChangeFn& change) = 0;

  // NOT_FOUND when no ticket `id` exists in `community`.
  virtual absl::StatusOr<Ticket> Get(const std::string& community,
                                     int64_t id) = 0;

  // Tickets of `community` matching `filter`, newest first, with ids below
  // `before_id` (0: from the newest), at most `limit`.
  virtual absl::StatusOr<TicketPage> List(const std::string& community,
                                          const TicketFilter& filter,
                                          int64_t before_id, int limit) = 0;

  // The ticket's timeline, oldest first. NOT_FOUND as Get.
  virtual absl::StatusOr<std::vector<TimelineEntry>> ListTimeline(
      const std::string& community, int64_t id) = 0;

  // Events after `after_id` in commit order, at most `limit`, stopping
  // before any id that may still be in flight (see event_feed.h).
  virtual absl::StatusOr<std::vector<TicketEvent>> ListEvents(int64_t after_id,
                                                              int limit) = 0;
  // A cursor at the end of the feed as it stands: every event at or before
  // it has committed or never will, so a reader starting there skips nothing
  // committed later. Events of the last settle time may follow it. 0 when no
  // event is that old.
  virtual absl::StatusOr<int64_t> EventFeedTail() = 0;

  // SLA engine: claims up to `limit` clocks whose next escalation step is
  // due at `now` — rows other instances hold are skipped, never waited for —
  // asks `decide` what to do with each, and in the same transaction records
  // the fired level, the next fire time and one sla event per fired step.
  // Returns the events written.
  virtual absl::StatusOr<std::vector<TicketEvent>> FireDueEscalations(
      absl::Time now, int limit,
      const std::function<EscalationDecision(const DueEscalation&)>& decide) = 0;

  // The earliest pending escalation fire time, if any (an index lookup).
  virtual absl::StatusOr<std::optional<absl::Time>> NextEscalationTime() = 0;

  // SLA policy rows. Seeding inserts the rows whose id is not stored yet
  // and returns how many it inserted.
  virtual absl::StatusOr<std::vector<SlaPolicy>> ListPolicies() = 0;
  virtual absl::StatusOr<int> SeedPolicies(
      const std::vector<SlaPolicy>& defaults) = 0;
  // Stores `policy` (validated by the caller): a new id when
  // `expected_version` is nullopt (ALREADY_EXISTS if taken), else the
  // replacement of version `expected_version` (NOT_FOUND, ABORTED when
  // stale), stored as the next version. In the same transaction, marks the
  // open tickets the row may apply to (its kind and priority, and community
  // when it has one) for recomputation. Returns the stored row.
  virtual absl::StatusOr<SlaPolicy> SavePolicy(
      const SlaPolicy& policy, std::optional<int64_t> expected_version) = 0;
  // Claims (SKIP LOCKED) up to `limit` tickets marked for recomputation,
  // stores the deadlines `recompute` returns for each (and the policy and
  // calendar version that produced them) and clears the mark. Returns how
  // many were recomputed.
  virtual absl::StatusOr<int> RecomputeMarked(
      const std::function<std::optional<TicketDeadlines>(const Ticket&)>&
          recompute,
      absl::Time now, int limit) = 0;

  // The statutory holiday table's text as last stored (nullopt: never
  // stored, the shipped file is in force). Saving replaces it and marks
  // every open ticket for recomputation, in one transaction.
  virtual absl::StatusOr<std::optional<std::string>> GetHolidayTable() = 0;
  virtual absl::Status SaveHolidayTable(const std::string& text) = 0;

  // Communities' own calendar settings; saving one replaces it and marks
  // that community's open tickets for recomputation, in one transaction.
  virtual absl::StatusOr<std::vector<CommunityCalendar>>
  ListCommunityCalendars() = 0;
  virtual absl::Status SaveCommunityCalendar(
      const CommunityCalendar& settings) = 0;

  // The outbox backlog: records that events up to `id` were handed out, and
  // counts the events written after the furthest one handed out.
  virtual absl::Status RecordDelivered(int64_t id) = 0;
  virtual absl::StatusOr<int64_t> EventBacklog() = 0;

  // Open (not closed or cancelled) tickets by kind, priority and state.
  virtual absl::StatusOr<std::vector<OpenCount>> CountOpen() = 0;
  // Running clocks that were warned but have not breached, by target.
  virtual absl::StatusOr<std::map<SlaTarget, int64_t>> CountAtRisk() = 0;
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_REPOSITORY_H_
