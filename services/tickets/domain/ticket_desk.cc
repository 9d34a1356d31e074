#include "services/tickets/domain/ticket_desk.h"

#include <algorithm>
#include <utility>

#include "common/calendar/holiday_table.h"
#include "common/rpc/errors.h"
#include "common/util/status_macros.h"

namespace steward::tickets {

TicketEventType EventTypeFor(TicketAction action) {
  switch (action) {
    case TicketAction::kAssign:
      return TicketEventType::kAssigned;
    case TicketAction::kRespond:
      return TicketEventType::kResponded;
    case TicketAction::kStartWork:
      return TicketEventType::kWorkStarted;
    case TicketAction::kPause:
      return TicketEventType::kPaused;
    case TicketAction::kResume:
      return TicketEventType::kResumed;
    case TicketAction::kUpdateProgress:
      return TicketEventType::kProgressUpdated;
    case TicketAction::kResolve:
      return TicketEventType::kResolved;
    case TicketAction::kCallbackSatisfied:
      return TicketEventType::kCalledBack;
    case TicketAction::kCallbackUnsatisfied:
      return TicketEventType::kReworkStarted;
    case TicketAction::kClose:
      return TicketEventType::kClosed;
    case TicketAction::kCancel:
      return TicketEventType::kCancelled;
    case TicketAction::kReopen:
      return TicketEventType::kReopened;
    case TicketAction::kChangePriority:
      return TicketEventType::kPriorityChanged;
    case TicketAction::kRegister:
      return TicketEventType::kCreated;
  }
  return TicketEventType::kProgressUpdated;
}

namespace {

ChangeOutcome ChangeOutcomeOf(const Ticket& before, const Ticket& after,
                        TicketAction action, const TicketDeadlines& deadlines,
                        absl::Time at) {
  ChangeOutcome outcome{.community = after.draft.community,
                        .kind = after.draft.kind,
                        .priority = after.draft.priority,
                        .action = action,
                        .settled = ClocksSettledBy(action, deadlines, at)};
  if (!before.responded_at.has_value() && after.responded_at.has_value()) {
    outcome.first_response = *after.responded_at - after.create_time;
  }
  if (!before.resolved_at.has_value() && after.resolved_at.has_value()) {
    outcome.resolution = *after.resolved_at - after.create_time;
  }
  return outcome;
}

}  // namespace

TicketDesk::TicketDesk(TicketRepository& repository, Clock clock,
                       SlaRules rules)
    : repository_(repository),
      clock_(std::move(clock)),
      rules_(std::move(rules)),
      policies_(std::make_shared<const std::vector<SlaPolicy>>(
          rules_.policies)),
      calendar_(std::make_shared<const calendar::BusinessCalendar>(
          rules_.calendar)) {}

std::shared_ptr<const calendar::BusinessCalendar> TicketDesk::Calendar() const {
  absl::MutexLock lock(&policies_mu_);
  return calendar_;
}

std::shared_ptr<const calendar::BusinessCalendar> TicketDesk::CalendarFor(
    const std::string& community) const {
  absl::MutexLock lock(&policies_mu_);
  auto it = community_calendars_.find(community);
  return it == community_calendars_.end() ? calendar_ : it->second;
}

absl::StatusOr<std::shared_ptr<const calendar::BusinessCalendar>>
TicketDesk::SaveCommunityCalendar(const CommunityCalendar& settings) {
  absl::TimeZone zone;
  if (!calendar::LoadCallerTimeZone(settings.time_zone, &zone)) {
    return rpc::InvalidField("calendar.time_zone",
                             "an IANA time zone name, e.g. Asia/Shanghai");
  }
  if (absl::Status s = calendar::ValidateWeeklyHours(settings.hours); !s.ok()) {
    return rpc::InvalidField("calendar.weekly_hours", s.message());
  }
  STEWARD_RETURN_IF_ERROR(repository_.SaveCommunityCalendar(settings));
  STEWARD_RETURN_IF_ERROR(LoadPolicies());
  return CalendarFor(settings.community);
}

TicketDesk::HolidayTableInfo TicketDesk::Holidays() const {
  absl::MutexLock lock(&policies_mu_);
  return {holiday_text_, calendar_};
}

absl::StatusOr<TicketDesk::HolidayTableInfo> TicketDesk::ReplaceHolidayTable(
    const std::string& text) {
  auto table = calendar::ParseHolidayTable(text);
  if (!table.ok()) {
    return rpc::InvalidField("content", table.status().message());
  }
  STEWARD_RETURN_IF_ERROR(repository_.SaveHolidayTable(text));
  STEWARD_RETURN_IF_ERROR(LoadPolicies());
  return Holidays();
}

SlaPolicy TicketDesk::PolicyFor(const Ticket& ticket) const {
  std::shared_ptr<const std::vector<SlaPolicy>> policies;
  {
    absl::MutexLock lock(&policies_mu_);
    policies = policies_;
  }
  const SlaPolicy* policy =
      SelectPolicy(*policies, ticket.draft.community, ticket.draft.kind,
                   ticket.draft.priority);
  if (policy == nullptr) {
    // Stored rows always include a company row per kind × priority (they
    // are seeded and never deleted); fall back to the built-in ones.
    policy = SelectPolicy(rules_.policies, ticket.draft.community,
                          ticket.draft.kind, ticket.draft.priority);
  }
  return *policy;
}

std::vector<SlaPolicy> TicketDesk::Policies() const {
  absl::MutexLock lock(&policies_mu_);
  return *policies_;
}

absl::Status TicketDesk::LoadPolicies() {
  STEWARD_RETURN_IF_ERROR(repository_.SeedPolicies(rules_.policies).status());
  STEWARD_ASSIGN_OR_RETURN(std::vector<SlaPolicy> stored,
                           repository_.ListPolicies());
  auto loaded = std::make_shared<const std::vector<SlaPolicy>>(std::move(stored));
  STEWARD_ASSIGN_OR_RETURN(std::optional<std::string> text,
                           repository_.GetHolidayTable());
  std::shared_ptr<const calendar::BusinessCalendar> rebuilt;
  if (text.has_value()) {
    auto table = calendar::ParseHolidayTable(*text);
    if (!table.ok()) return table.status();  // stored only after parsing
    STEWARD_ASSIGN_OR_RETURN(
        calendar::BusinessCalendar calendar,
        calendar::BusinessCalendar::Create(rules_.calendar.time_zone(),
                                           rules_.calendar.hours(),
                                           *std::move(table)));
    rebuilt = std::make_shared<const calendar::BusinessCalendar>(
        std::move(calendar));
  }
  const calendar::BusinessCalendar& base =
      rebuilt != nullptr ? *rebuilt : rules_.calendar;
  STEWARD_ASSIGN_OR_RETURN(std::vector<CommunityCalendar> settings,
                           repository_.ListCommunityCalendars());
  std::map<std::string, std::shared_ptr<const calendar::BusinessCalendar>>
      communities;
  for (const CommunityCalendar& c : settings) {
    absl::TimeZone zone;
    if (!calendar::LoadCallerTimeZone(c.time_zone, &zone)) continue;  // validated on save
    auto built =
        calendar::BusinessCalendar::Create(zone, c.hours, base.holidays());
    if (!built.ok()) continue;
    communities[c.community] =
        std::make_shared<const calendar::BusinessCalendar>(*std::move(built));
  }
  absl::MutexLock lock(&policies_mu_);
  policies_ = std::move(loaded);
  if (rebuilt != nullptr) {
    calendar_ = std::move(rebuilt);
    holiday_text_ = *std::move(text);
  }
  community_calendars_ = std::move(communities);
  return absl::OkStatus();
}

absl::StatusOr<SlaPolicy> TicketDesk::SavePolicy(
    SlaPolicy policy, std::optional<int64_t> expected_version) {
  if (!expected_version.has_value()) policy.version = 1;
  STEWARD_RETURN_IF_ERROR(ValidateSlaPolicy(policy));
  STEWARD_ASSIGN_OR_RETURN(SlaPolicy stored,
                           repository_.SavePolicy(policy, expected_version));
  STEWARD_RETURN_IF_ERROR(LoadPolicies());
  return stored;
}

absl::StatusOr<int> TicketDesk::RecomputeMarked(int limit) {
  const absl::Time now = clock_();
  return repository_.RecomputeMarked(
      [&](const Ticket& ticket) -> std::optional<TicketDeadlines> {
        Recomputed r =
            RecomputeDeadlines(ticket, PolicyFor(ticket),
                               *CalendarFor(ticket.draft.community), now);
        if (r.outcome != RecomputeOutcome::kRecomputed) return std::nullopt;
        return r.deadlines;
      },
      now, limit);
}

TicketDeadlines TicketDesk::DeadlinesOf(const Ticket& ticket,
                                        absl::Time now) const {
  return ComputeDeadlines(ticket, PolicyFor(ticket),
                          *CalendarFor(ticket.draft.community), now);
}

TicketView TicketDesk::View(const Ticket& ticket) const {
  return {ticket, DeadlinesOf(ticket, clock_())};
}

absl::StatusOr<TicketView> TicketDesk::Register(const TicketDraft& draft,
                                                const std::string& request_id,
                                                const std::string& fingerprint) {
  STEWARD_RETURN_IF_ERROR(ValidateDraft(draft));
  const absl::Time now = clock_();
  TicketChange initial;
  initial.ticket = RegisterTicket(draft, now);
  initial.entry = {.actor = draft.received_by.empty()
                             ? Actor{ActorKind::kOwner, ""}
                             : Actor{ActorKind::kStaff, draft.received_by},
                   .time = now,
                   .action = TicketAction::kRegister,
                   .from_state = TicketState::kRegistered,
                   .to_state = TicketState::kRegistered,
                   .note = "",
                   .detail = "registered"};
  initial.events.push_back({.type = TicketEventType::kCreated,
                            .state = TicketState::kRegistered,
                            .time = now});
  initial.deadlines = DeadlinesOf(initial.ticket, now);
  STEWARD_ASSIGN_OR_RETURN(
      CreateOutcome created,
      repository_.Create(initial, request_id, fingerprint,
                         rules_.group_complaints));
  if (observer_ != nullptr && !created.replayed) {
    observer_->OnCommitted(
        {.community = draft.community,
         .kind = draft.kind,
         .priority = draft.priority,
         .created = true,
         .opened_group_incident = created.opened_incident.has_value()});
  }
  return View(created.ticket);
}

absl::StatusOr<TicketView> TicketDesk::Get(const std::string& community,
                                           int64_t id) {
  STEWARD_ASSIGN_OR_RETURN(Ticket ticket, repository_.Get(community, id));
  return View(ticket);
}

absl::StatusOr<TicketPage> TicketDesk::List(const std::string& community,
                                            const TicketFilter& filter,
                                            int64_t before_id, int limit) {
  return repository_.List(community, filter, before_id, limit);
}

absl::StatusOr<TicketView> TicketDesk::Act(const std::string& community,
                                           int64_t id, int64_t expected_version,
                                           const std::string& request_id,
                                           const std::string& fingerprint,
                                           TicketCommand command) {
  command.at = clock_();
  std::optional<ChangeOutcome> outcome;  // set only when the change applied
  STEWARD_ASSIGN_OR_RETURN(
      Ticket stored,
      repository_.Mutate(
          community, id, expected_version, request_id, fingerprint,
          [&](const Ticket& current) -> absl::StatusOr<TicketChange> {
            STEWARD_ASSIGN_OR_RETURN(ActionResult result,
                                     ApplyAction(current, command));
            outcome = ChangeOutcomeOf(current, result.ticket, command.action,
                                DeadlinesOf(current, result.entry.time),
                                result.entry.time);
            TicketChange change;
            change.events.push_back({.type = EventTypeFor(command.action),
                                     .state = result.ticket.state,
                                     .time = result.entry.time});
            change.deadlines = DeadlinesOf(result.ticket, result.entry.time);
            change.ticket = std::move(result.ticket);
            change.entry = std::move(result.entry);
            return change;
          }));
  if (observer_ != nullptr && outcome.has_value()) {
    observer_->OnCommitted(*outcome);
  }
  return View(stored);
}

absl::StatusOr<std::vector<TimelineEntry>> TicketDesk::Timeline(
    const std::string& community, int64_t id) {
  return repository_.ListTimeline(community, id);
}

absl::StatusOr<std::vector<TicketEvent>> TicketDesk::ListEvents(
    int64_t after_id, int limit) {
  STEWARD_ASSIGN_OR_RETURN(std::vector<TicketEvent> events,
                           repository_.ListEvents(after_id, limit));
  if (!events.empty()) {
    // Only the backlog gauge depends on it: a failure here must not fail
    // the read that already succeeded.
    repository_.RecordDelivered(events.back().id).IgnoreError();
  }
  return events;
}

absl::StatusOr<std::vector<TicketEvent>> TicketDesk::FireDueEscalations(
    int limit) {
  const absl::Time now = clock_();
  return repository_.FireDueEscalations(
      now, limit, [now](const DueEscalation& due) {
        EscalationDecision decision;
        auto step = NextEscalation(due.clock, due.escalated, now);
        if (step.has_value() && step->due) {
          decision.fired = step->level;
          decision.fired_due_at = step->fire_at;
          auto next = NextEscalation(due.clock, step->level, now);
          // A backlog (the engine was down) is caught up one level per pass.
          if (next.has_value()) decision.next_fire_at = next->fire_at;
        } else if (step.has_value()) {
          decision.next_fire_at = step->fire_at;
        }
        return decision;
      });
}

absl::StatusOr<std::vector<StockTakeEntry>> TicketDesk::StockTake(
    const std::string& community, absl::CivilDay date) {
  constexpr int kMaxStockTake = 2000;
  const absl::Time now = clock_();
  const absl::TimeZone zone = CalendarFor(community)->time_zone();
  if (date > absl::ToCivilDay(now, zone)) {
    return rpc::InvalidField("date", "must not be after today");
  }
  const absl::Time end = absl::FromCivil(date + 1, zone);
  const absl::Time as_of = std::min(end, now);
  STEWARD_ASSIGN_OR_RETURN(
      std::vector<OpenComplaint> complaints,
      repository_.ListOpenComplaints(community, end, kMaxStockTake));
  std::vector<StockTakeEntry> entries;
  entries.reserve(complaints.size());
  for (OpenComplaint& c : complaints) {
    StockTakeEntry entry;
    entry.view = View(c.ticket);
    entry.age = as_of - c.ticket.create_time;
    entry.root_cause = std::move(c.latest_note);
    for (const ClockStatus& clock : entry.view.deadlines.clocks) {
      entry.overdue = entry.overdue || clock.overdue();
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<TicketEvent>> TicketDesk::FireWarrantyReminders(
    int limit) {
  const absl::Time now = clock_();
  const absl::CivilDay today =
      absl::ToCivilDay(now, Calendar()->time_zone());
  return repository_.FireWarrantyReminders(
      today + rules_.warranty_reminder_days, now, limit);
}

absl::StatusOr<std::optional<absl::Time>> TicketDesk::NextEscalationTime() {
  return repository_.NextEscalationTime();
}

}  // namespace steward::tickets
