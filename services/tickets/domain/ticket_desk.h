// The tickets service's use cases, independent of gRPC and of MySQL: register,
// act on and read tickets with their SLA clocks, serve the event feed and run
// the SLA engine's escalation step. Thread-safe when the repository is.
#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_DESK_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_DESK_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/calendar/business_calendar.h"
#include "services/tickets/domain/lifecycle.h"
#include "services/tickets/domain/sla.h"
#include "services/tickets/domain/ticket.h"
#include "services/tickets/domain/ticket_repository.h"

namespace steward::tickets {

using Clock = std::function<absl::Time()>;

// A ticket as the API shows it: the record and its SLA clocks now.
struct TicketView {
  Ticket ticket;
  TicketDeadlines deadlines;
};

// The SLA rules in force: policy rows, the business calendar and the
// property-company rules that are numbers (data, not constants).
struct SlaRules {
  std::vector<SlaPolicy> policies;
  calendar::BusinessCalendar calendar;
  GroupComplaintRule group_complaints;
  // Legacy defects: remind this many days before the warranty ends.
  int warranty_reminder_days = 30;
};

// What one committed change meant for the SLA dashboards; sent to the
// observer after the transaction committed (never for a replayed retry).
struct ChangeOutcome {
  std::string community;
  TicketKind kind = TicketKind::kInquiry;
  Priority priority = Priority::kRoutine;
  bool created = false;
  bool opened_group_incident = false;
  std::optional<TicketAction> action;  // unset for a registration
  // Clocks the change stopped, with their outcome.
  std::vector<SettledClock> settled;
  // Elapsed since registration when this change made the first response /
  // resolved the ticket.
  std::optional<absl::Duration> first_response;
  std::optional<absl::Duration> resolution;
};

// Receives ChangeOutcomes (metrics). Must be thread-safe and cheap.
class TicketObserver {
 public:
  virtual ~TicketObserver() = default;
  virtual void OnCommitted(const ChangeOutcome& outcome) = 0;
};

// One line of the daily complaint stock-take.
struct StockTakeEntry {
  TicketView view;
  absl::Duration age;
  std::string root_cause;
  bool overdue = false;
};

class TicketDesk {
 public:
  // `repository` must outlive the desk. `rules` must hold a policy for every
  // kind × priority (DefaultSlaPolicies() does).
  TicketDesk(TicketRepository& repository, Clock clock, SlaRules rules);

  // Registers a ticket (see TicketRepository::Create for idempotency),
  // recording its first timeline entry, its "created" event and its clocks.
  absl::StatusOr<TicketView> Register(const TicketDraft& draft,
                                      const std::string& request_id,
                                      const std::string& fingerprint);
  absl::StatusOr<TicketView> Get(const std::string& community, int64_t id);
  absl::StatusOr<TicketPage> List(const std::string& community,
                                  const TicketFilter& filter,
                                  int64_t before_id, int limit);
  // The clocks of `ticket` as of now.
  TicketView View(const Ticket& ticket) const;

  // Applies `command` (its `at` is set to now) to ticket `id` at version
  // `expected_version` (see TicketRepository::Mutate for retries, stale
  // versions and NOT_FOUND; lifecycle.h for the rules).
  absl::StatusOr<TicketView> Act(const std::string& community, int64_t id,
                                 int64_t expected_version,
                                 const std::string& request_id,
                                 const std::string& fingerprint,
                                 TicketCommand command);

  absl::StatusOr<std::vector<TimelineEntry>> Timeline(
      const std::string& community, int64_t id);

  // The event feed after `after_id` (see TicketRepository::ListEvents);
  // records how far the feed was handed out (for the backlog gauge).
  absl::StatusOr<std::vector<TicketEvent>> ListEvents(int64_t after_id,
                                                      int limit);
  // See TicketRepository::EventFeedTail.
  absl::StatusOr<int64_t> EventFeedTail() {
    return repository_.EventFeedTail();
  }

  // One SLA engine step: fires every escalation due now (at most `limit`
  // clocks) and returns the events written.
  absl::StatusOr<std::vector<TicketEvent>> FireDueEscalations(int limit);
  // The complaint stock-take of `community` for calendar day `date` (in the
  // calendar's time zone): complaints open at the end of that day, oldest
  // first. INVALID_ARGUMENT (field date) for a day after today.
  absl::StatusOr<std::vector<StockTakeEntry>> StockTake(
      const std::string& community, absl::CivilDay date);

  // Reminds (once) every open legacy defect whose warranty ends within
  // warranty_reminder_days of today in the calendar's time zone.
  absl::StatusOr<std::vector<TicketEvent>> FireWarrantyReminders(int limit);
  absl::StatusOr<std::vector<Incident>> ListIncidents(
      const std::string& community) {
    return repository_.ListIncidents(community);
  }

  // When the next escalation falls due, if any.
  absl::StatusOr<std::optional<absl::Time>> NextEscalationTime();

  // Backlog and risk counts for the dashboards (see TicketRepository).
  absl::StatusOr<std::vector<OpenCount>> CountOpen() {
    return repository_.CountOpen();
  }
  absl::StatusOr<std::map<SlaTarget, int64_t>> CountAtRisk() {
    return repository_.CountAtRisk();
  }
  absl::StatusOr<int64_t> EventBacklog() { return repository_.EventBacklog(); }

  // The policy row that applies to a ticket (a copy: rows can be replaced
  // while it is in use).
  SlaPolicy PolicyFor(const Ticket& ticket) const;

  // SLA policies and the statutory holiday table as data. LoadPolicies seeds
  // the default rows the first time, reads the stored rows and, when one has
  // been stored, the holiday table (call once before serving; the engine
  // calls it again so changes saved by other replicas take effect).
  absl::Status LoadPolicies();

  // The company's business calendar in force (a snapshot).
  std::shared_ptr<const calendar::BusinessCalendar> Calendar() const;
  // The calendar of `community`: its own time zone and office hours when it
  // has saved them, else the company's; the holiday table is shared.
  std::shared_ptr<const calendar::BusinessCalendar> CalendarFor(
      const std::string& community) const;
  // Saves a community's time zone and office hours: INVALID_ARGUMENT naming
  // the field for an unknown zone or malformed hours. Its open tickets'
  // deadlines are then recomputed (RecomputeMarked).
  absl::StatusOr<std::shared_ptr<const calendar::BusinessCalendar>>
  SaveCommunityCalendar(const CommunityCalendar& settings);
  // The holiday table's text as stored (or "" while the shipped file is in
  // force) and the calendar in force.
  struct HolidayTableInfo {
    std::string text;
    std::shared_ptr<const calendar::BusinessCalendar> calendar;
  };
  HolidayTableInfo Holidays() const;
  // Replaces China's statutory holiday table (e.g. when next year's schedule
  // is announced): INVALID_ARGUMENT naming the line for a malformed table.
  // Every open ticket's deadlines are then recomputed (RecomputeMarked).
  absl::StatusOr<HolidayTableInfo> ReplaceHolidayTable(const std::string& text);
  std::vector<SlaPolicy> Policies() const;
  // Creates (`expected_version` nullopt) or replaces a row; INVALID_ARGUMENT
  // naming the field for a bad row, FAILED_PRECONDITION when replacing a
  // company default with a row that leaves a kind × priority uncovered is
  // impossible (rows are never deleted). Open tickets it may apply to are
  // recomputed by RecomputeMarked.
  absl::StatusOr<SlaPolicy> SavePolicy(SlaPolicy policy,
                                       std::optional<int64_t> expected_version);
  // Recomputes the deadlines of up to `limit` tickets marked by a policy
  // change; returns how many.
  absl::StatusOr<int> RecomputeMarked(int limit);

  // Set once before serving; null (the default) observes nothing. The
  // observer must outlive the desk.
  void SetObserver(TicketObserver* observer) { observer_ = observer; }

 private:
  TicketDeadlines DeadlinesOf(const Ticket& ticket, absl::Time now) const;

  TicketRepository& repository_;
  Clock clock_;
  const SlaRules rules_;
  mutable absl::Mutex policies_mu_;
  // Starts as rules_.policies; replaced wholesale by LoadPolicies.
  std::shared_ptr<const std::vector<SlaPolicy>> policies_
      ABSL_GUARDED_BY(policies_mu_);
  // Starts as rules_.calendar; rebuilt when a holiday table is stored.
  std::shared_ptr<const calendar::BusinessCalendar> calendar_
      ABSL_GUARDED_BY(policies_mu_);
  std::string holiday_text_ ABSL_GUARDED_BY(policies_mu_);
  std::map<std::string, std::shared_ptr<const calendar::BusinessCalendar>>
      community_calendars_ ABSL_GUARDED_BY(policies_mu_);
  TicketObserver* observer_ = nullptr;
};

// The outbox event type an action produces.
TicketEventType EventTypeFor(TicketAction action);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_DESK_H_
