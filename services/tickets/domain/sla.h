// SLA policies (服务时限) as data, and the clocks they put on a ticket.
//
// A policy row, per ticket kind × priority and optionally per community,
// holds a time target for each clock that applies (first response, on-site,
// resolution, complaint feedback, complaint progress, callback), each counted
// in natural time or in the community's working time (calendar::ClockMode),
// plus the warning thresholds at which a running clock escalates.
//
// ComputeDeadlines() derives every clock's start, due instant, warning
// instants and state from the ticket's recorded instants alone (lifecycle.h
// keeps them), so deadlines can be recomputed at any time: after a policy,
// priority or calendar change, or to re-index the SLA engine. Everything here
// is pure and thread-compatible; the caller passes `now`.
//
// Clocks (start → stop):
//   first response      creation → first response (or start of work/resolve)
//   on-site             creation → start of work (or resolve)
//   resolution          creation, or the last rework → resolve
//   complaint feedback  creation, or the last rework → resolve
//   complaint progress  creation, the last progress update while unresolved,
//                       or the last rework, whichever is latest → resolve;
//                       a progress update ends one run and starts the next
//   callback            resolve → callback
// A pause stops every running clock: its due (and warning) instants move by
// the paused span in natural mode and by the office time the pause covered in
// working mode (calendar::ShiftForPause). A pause that began after an instant
// had already passed does not move it: a breached clock stays breached.
// Rework (an unsatisfied callback or a reopening) restarts the resolution,
// complaint feedback, complaint progress and callback clocks from the rework
// instant; first response and on-site keep their first outcome.
// On a cancelled ticket the clocks still running stop without an outcome
// (kCancelled); on a closed one they stop at the close and are judged then.

#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_SLA_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_SLA_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/calendar/business_calendar.h"
#include "common/calendar/deadline.h"
#include "services/tickets/domain/lifecycle.h"
#include "services/tickets/domain/ticket.h"

namespace steward::tickets {

// The clocks a policy can put on a ticket. Numbering is stable (stored).
enum class SlaTarget {
  kFirstResponse = 1,
  kOnSite = 2,
  kResolution = 3,
  kComplaintFeedback = 4,
  kComplaintProgress = 5,
  kCallback = 6,
};

inline constexpr std::array<SlaTarget, 6> kAllSlaTargets = {
    SlaTarget::kFirstResponse,     SlaTarget::kOnSite,
    SlaTarget::kResolution,        SlaTarget::kComplaintFeedback,
    SlaTarget::kComplaintProgress, SlaTarget::kCallback,
};

// "first_response", "on_site", "resolution", "complaint_feedback",
// "complaint_progress", "callback": the `target` metric label values.
absl::string_view SlaTargetName(SlaTarget target);

// How long one clock may run, and how it counts.
//
// Either `target` > 0 (any mode), or `working_days` > 0 with mode kWorking
// and target zero: n working days are n standard office days of working time,
// i.e. calendar::BusinessCalendar::AddWorkingDays semantics (from 17:50 on a
// working day, 1 working day is 17:50 on the next working day).
struct SlaClockSpec {
  absl::Duration target = absl::ZeroDuration();
  calendar::ClockMode mode = calendar::ClockMode::kNatural;
  int working_days = 0;

  static SlaClockSpec Natural(absl::Duration target);
  static SlaClockSpec Working(absl::Duration target);
  static SlaClockSpec WorkingDays(int days);

  // The target as a duration of `mode` time on `calendar`:
  // working_days * calendar.standard_day() or `target`.
  absl::Duration Length(const calendar::BusinessCalendar& calendar) const;

  friend bool operator==(const SlaClockSpec&, const SlaClockSpec&) = default;
};

// Fractions of a clock's target at which it escalates before breach, each
// measured in the clock's own mode. Valid: 0 < handler <= supervisor < 1.
struct WarningThresholds {
  double handler = 0.5;     // First warning, to the handler.
  double supervisor = 0.8;  // Second warning, to the supervisor.

  friend bool operator==(const WarningThresholds&,
                         const WarningThresholds&) = default;
};

// One policy row. `id` stays the same across edits and `version` grows; a
// ticket records (id, version) and the calendar fingerprint that produced its
// deadlines.
struct SlaPolicy {
  std::string id;
  int64_t version = 1;
  TicketKind kind = TicketKind::kInquiry;
  Priority priority = Priority::kRoutine;
  std::string community;  // "" = the company default.
  // Only the clocks that apply; a target not listed is not measured.
  std::map<SlaTarget, SlaClockSpec> targets;
  WarningThresholds warnings;
};

// Limits checked by ValidateSlaPolicy().
inline constexpr absl::Duration kMaxSlaTarget = absl::Hours(24 * 366);
inline constexpr int kMaxSlaWorkingDays = 250;
inline constexpr size_t kMaxSlaPolicyIdChars = 64;

// OK, or INVALID_ARGUMENT listing every violation, with field paths such as
// "policy.id", "policy.version", "policy.kind", "policy.priority",
// "policy.targets", "policy.targets.callback", "policy.warnings".
absl::Status ValidateSlaPolicy(const SlaPolicy& policy);

// The company defaults of DOMAIN.md, one row per kind × priority (18 rows,
// community "", version 1, ids "default-<kind>-<priority>", warnings at 50 %
// and 80 %):
//   first response   emergency 15 min natural; urgent 30 min natural;
//                    routine 30 min working time (every kind)
//   repairs (household, public) and legacy defects:
//                    on-site 24 h natural, resolution 48 h natural,
//                    callback 1 working day
//   complaints:      feedback 24 h natural, progress every 72 h natural,
//                    callback 1 working day
//   inquiries, suggestions: first response only.
std::vector<SlaPolicy> DefaultSlaPolicies();

// The row that governs (community, kind, priority): a row of `community`
// beats a company default (community ""). Among equally specific rows the
// highest version wins, then the smallest id, so the choice is deterministic.
// nullptr when no row matches. The pointer points into `policies`.
const SlaPolicy* SelectPolicy(absl::Span<const SlaPolicy> policies,
                              absl::string_view community, TicketKind kind,
                              Priority priority);

// Where a clock stands at the `now` it was computed for.
enum class ClockState {
  kNotStarted = 1,  // Its start event has not happened (e.g. callback).
  kRunning = 2,     // Started, not stopped, not past due.
  kPaused = 3,      // The ticket is paused and the clock was running.
  kMet = 4,         // Stopped at or before due.
  kBreached = 5,    // Stopped after due, or still running past due.
  kCancelled = 6,   // The ticket was cancelled while it ran: no outcome.
};
absl::string_view ClockStateName(ClockState state);

// One clock of one ticket.
struct ClockStatus {
  SlaTarget target = SlaTarget::kFirstResponse;
  calendar::ClockMode mode = calendar::ClockMode::kNatural;
  absl::Duration length;  // The target, as SlaClockSpec::Length().
  ClockState state = ClockState::kNotStarted;
  // The instants below are meaningful unless state == kNotStarted. `due`
  // and the warnings include every pause; for a paused clock they are
  // projected as if it resumed at `now`.
  absl::Time start;
  absl::Time due;
  absl::Time handler_warning_at;     // At warnings.handler of the target.
  absl::Time supervisor_warning_at;  // At warnings.supervisor of the target.
  // When it stopped (met, breached after stopping, cancelled); nullopt
  // while it runs.
  std::optional<absl::Time> stop;

  // True while the clock runs: kRunning, or kBreached and not stopped
  // (overdue). Paused clocks are not live: they cannot escalate.
  bool live() const;
  // Live and past due.
  bool overdue() const;
};

// All clocks of a ticket under one policy and calendar.
struct TicketDeadlines {
  std::string policy_id;
  int64_t policy_version = 0;
  std::string calendar_fingerprint;
  // One per target of the policy, in SlaTarget order.
  std::vector<ClockStatus> clocks;

  // The clock for `target`, or nullptr when the policy does not measure it.
  const ClockStatus* Find(SlaTarget target) const;
};

// Every clock of `ticket` under `policy` on `calendar`, as of `now` (the
// header comment says when clocks start, stop and pause). Does not check
// that `policy` is the one SelectPolicy() would pick: the caller chooses.
TicketDeadlines ComputeDeadlines(const Ticket& ticket, const SlaPolicy& policy,
                                 const calendar::BusinessCalendar& calendar,
                                 absl::Time now);

// Met or breached, for steward_ticket_sla_total{target,outcome}.
enum class SlaOutcome { kMet = 1, kBreached = 2 };
absl::string_view SlaOutcomeName(SlaOutcome outcome);  // "met", "breached"

// A clock stopped at `stop` with due instant `due`: met iff stop <= due.
SlaOutcome EvaluateStop(absl::Time stop, absl::Time due);

// The outcome of a stopped clock (kMet, or kBreached with a stop); nullopt
// for one that runs, is paused, was cancelled or never started.
std::optional<SlaOutcome> OutcomeOf(const ClockStatus& clock);

// True if `action` ends the current run of `target`'s clock when it is
// running: respond, start work and resolve end first response; start work
// and resolve end on-site; resolve ends resolution, complaint feedback and
// progress; a progress update ends a progress run (and starts the next);
// either callback ends the callback clock; close ends whatever still runs;
// cancel ends runs without an outcome, so it is never listed.
bool ActionStops(TicketAction action, SlaTarget target);

struct SettledClock {
  SlaTarget target;
  SlaOutcome outcome;
  friend bool operator==(const SettledClock&, const SettledClock&) = default;
};

// The clocks that `action`, applied at `at`, settles, with their outcomes:
// each clock of `before` that runs, is paused or is overdue and that
// ActionStops(). `before` must be ComputeDeadlines() of the ticket *before*
// the action, computed with now = `at`. This is what metrics count once per
// action, including runs that the action then restarts (a progress update,
// an unsatisfied callback).
std::vector<SettledClock> ClocksSettledBy(TicketAction action,
                                          const TicketDeadlines& before,
                                          absl::Time at);

// Who is told as a clock nears and passes its due instant.
enum class EscalationLevel {
  kNone = 0,
  kHandler = 1,     // First warning (warnings.handler of the target).
  kSupervisor = 2,  // Second warning (warnings.supervisor).
  kManager = 3,     // Breach: fires at the due instant.
};
absl::string_view EscalationLevelName(EscalationLevel level);

struct EscalationStep {
  EscalationLevel level = EscalationLevel::kNone;
  absl::Time fire_at;
  bool due = false;  // fire_at <= now: fire it now.

  friend bool operator==(const EscalationStep&,
                         const EscalationStep&) = default;
};

// The next escalation of a live clock, given the highest level already fired
// for this run of it (`escalated`; kNone for a new run; a restarted clock
// — new `start` — is a new run). nullopt when nothing can fire: the clock is
// not live (not started, paused, stopped, cancelled) or `escalated` is
// already kManager.
//
// Pure, so idempotent: the same (clock, escalated, now) gives the same step.
// An engine indexes step.fire_at per (ticket, target), wakes then, fires the
// step if still `due` after recomputing the clock, records its level as
// `escalated` and asks again; levels passed while it was away come one by
// one, in order, each exactly once.
std::optional<EscalationStep> NextEscalation(const ClockStatus& clock,
                                             EscalationLevel escalated,
                                             absl::Time now);

// The highest level whose instant has passed at `now` for a live clock
// (kNone for clocks that are not live).
EscalationLevel LevelReached(const ClockStatus& clock, absl::Time now);

// Live, not yet due, and past its first warning: the
// steward_tickets_at_risk{target} gauge.
bool AtRisk(const ClockStatus& clock, absl::Time now);

// What RecomputeDeadlines() did.
enum class RecomputeOutcome {
  kRecomputed = 1,         // `deadlines` holds the new clocks.
  kUnchangedTerminal = 2,  // Closed or cancelled: keep the recorded ones.
};
struct Recomputed {
  RecomputeOutcome outcome = RecomputeOutcome::kUnchangedTerminal;
  std::optional<TicketDeadlines> deadlines;  // Set iff kRecomputed.
};

// After a policy change, a priority change (select the new row first) or a
// calendar change: the deadlines of an open ticket under `policy` and
// `calendar`, recomputed from its recorded start instants; a closed or
// cancelled ticket keeps the deadlines it has.
Recomputed RecomputeDeadlines(const Ticket& ticket, const SlaPolicy& policy,
                              const calendar::BusinessCalendar& calendar,
                              absl::Time now);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_SLA_H_
