// The ticket lifecycle (工单流转): which action is allowed in which state, what
// it leads to, and the pure function that applies an action to a ticket.
//
// Every request is registered, handled, followed up, closed and called back
// (有登记、有处理、有跟进、有关闭、有回访):
//
//   registered → assigned → responded → in progress ⇄ paused → resolved
//     → called back → closed;  cancelled (duplicate / withdrawn) before
//     resolution;  an unsatisfied callback or a reopening sends the ticket
//     back to in progress as rework (返修).
//
// The allowed moves are data: kTicketTransitions below, one row per
// (state, action) move, which the tests enumerate in full. A (state, action)
// pair without a row is refused with FAILED_PRECONDITION naming the rule
// ("TICKET_STATE: cannot pause a closed ticket"). No protobuf, SQL or clock
// here: the caller passes the instant, and the functions are pure and
// thread-compatible.

#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_LIFECYCLE_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_LIFECYCLE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/tickets/domain/ticket.h"

namespace steward::tickets {

// What someone does to a ticket. Numbering is stable (stored in timelines).
enum class TicketAction {
  kAssign = 1,               // Assign or reassign a handler.
  kRespond = 2,              // First response to the owner.
  kStartWork = 3,            // Handler on site / work started.
  kPause = 4,                // Waiting for the owner or for parts: clocks stop.
  kResume = 5,               // Back to the state the pause interrupted.
  kUpdateProgress = 6,       // A progress note; no state change.
  kResolve = 7,              // Work done, with resolution text and charges.
  kCallbackSatisfied = 8,    // Callback (回访): the owner is satisfied.
  kCallbackUnsatisfied = 9,  // Callback: not satisfied, rework (返修).
  kClose = 10,
  kCancel = 11,  // Duplicate or withdrawn, before resolution.
  kReopen = 12,  // A closed or called-back ticket comes back: rework.
  kChangePriority = 13,
  // Timeline only: the registration entry. Not in the transition table (and
  // not in kAllTicketActions); ApplyAction refuses it.
  kRegister = 14,
};

inline constexpr std::array<TicketAction, 13> kAllTicketActions = {
    TicketAction::kAssign,
    TicketAction::kRespond,
    TicketAction::kStartWork,
    TicketAction::kPause,
    TicketAction::kResume,
    TicketAction::kUpdateProgress,
    TicketAction::kResolve,
    TicketAction::kCallbackSatisfied,
    TicketAction::kCallbackUnsatisfied,
    TicketAction::kClose,
    TicketAction::kCancel,
    TicketAction::kReopen,
    TicketAction::kChangePriority,
};

inline constexpr std::array<TicketState, 9> kAllTicketStates = {
    TicketState::kRegistered, TicketState::kAssigned, TicketState::kResponded,
    TicketState::kInProgress, TicketState::kPaused,   TicketState::kResolved,
    TicketState::kCalledBack, TicketState::kClosed,   TicketState::kCancelled,
};

// Stable lower-case names, e.g. "start_work", "callback_unsatisfied"; usable
// as event types and metric label values.
absl::string_view ActionName(TicketAction action);
// e.g. "registered", "in_progress", "called_back".
absl::string_view StateName(TicketState state);

// A condition on the ticket that a row needs besides its state.
enum class TransitionGuard {
  kNone,
  kPausedFromResponded,   // Resume: the pause began in kResponded.
  kPausedFromInProgress,  // Resume: the pause began in kInProgress.
  kNoCallbackNeeded,      // Close from kResolved: NeedsCallback(kind) false.
};

// One allowed move. `to == from` for actions that keep the state.
struct Transition {
  TicketState from;
  TicketAction action;
  TicketState to;
  TransitionGuard guard = TransitionGuard::kNone;
};

// The whole lifecycle. For a given (from, action) at most one row's guard can
// hold for any ticket, so the result is unambiguous.
inline constexpr Transition kTicketTransitions[] = {
    // Assign / reassign: any state before resolution. The first assignment
    // moves a registered ticket to kAssigned; later ones keep the state.
    {TicketState::kRegistered, TicketAction::kAssign, TicketState::kAssigned},
    {TicketState::kAssigned, TicketAction::kAssign, TicketState::kAssigned},
    {TicketState::kResponded, TicketAction::kAssign, TicketState::kResponded},
    {TicketState::kInProgress, TicketAction::kAssign, TicketState::kInProgress},
    {TicketState::kPaused, TicketAction::kAssign, TicketState::kPaused},
    // First response: from registered (the receiver answers at once) or
    // assigned.
    {TicketState::kRegistered, TicketAction::kRespond, TicketState::kResponded},
    {TicketState::kAssigned, TicketAction::kRespond, TicketState::kResponded},
    // Start work (also counts as the first response when none was recorded).
    {TicketState::kAssigned, TicketAction::kStartWork,
     TicketState::kInProgress},
    {TicketState::kResponded, TicketAction::kStartWork,
     TicketState::kInProgress},
    // Pause and resume: back to the state the pause interrupted.
    {TicketState::kResponded, TicketAction::kPause, TicketState::kPaused},
    {TicketState::kInProgress, TicketAction::kPause, TicketState::kPaused},
    {TicketState::kPaused, TicketAction::kResume, TicketState::kResponded,
     TransitionGuard::kPausedFromResponded},
    {TicketState::kPaused, TicketAction::kResume, TicketState::kInProgress,
     TransitionGuard::kPausedFromInProgress},
    // Progress notes in every open state.
    {TicketState::kRegistered, TicketAction::kUpdateProgress,
     TicketState::kRegistered},
    {TicketState::kAssigned, TicketAction::kUpdateProgress,
     TicketState::kAssigned},
    {TicketState::kResponded, TicketAction::kUpdateProgress,
     TicketState::kResponded},
    {TicketState::kInProgress, TicketAction::kUpdateProgress,
     TicketState::kInProgress},
    {TicketState::kPaused, TicketAction::kUpdateProgress, TicketState::kPaused},
    {TicketState::kResolved, TicketAction::kUpdateProgress,
     TicketState::kResolved},
    {TicketState::kCalledBack, TicketAction::kUpdateProgress,
     TicketState::kCalledBack},
    // Resolve.
    {TicketState::kResponded, TicketAction::kResolve, TicketState::kResolved},
    {TicketState::kInProgress, TicketAction::kResolve, TicketState::kResolved},
    // Callback, only after resolution. Unsatisfied is rework.
    {TicketState::kResolved, TicketAction::kCallbackSatisfied,
     TicketState::kCalledBack},
    {TicketState::kResolved, TicketAction::kCallbackUnsatisfied,
     TicketState::kInProgress},
    // Close: after the callback, or straight from resolved for kinds that
    // need none (inquiry, suggestion).
    {TicketState::kCalledBack, TicketAction::kClose, TicketState::kClosed},
    {TicketState::kResolved, TicketAction::kClose, TicketState::kClosed,
     TransitionGuard::kNoCallbackNeeded},
    // Cancel: any state before resolution.
    {TicketState::kRegistered, TicketAction::kCancel, TicketState::kCancelled},
    {TicketState::kAssigned, TicketAction::kCancel, TicketState::kCancelled},
    {TicketState::kResponded, TicketAction::kCancel, TicketState::kCancelled},
    {TicketState::kInProgress, TicketAction::kCancel, TicketState::kCancelled},
    {TicketState::kPaused, TicketAction::kCancel, TicketState::kCancelled},
    // Reopen as rework.
    {TicketState::kCalledBack, TicketAction::kReopen, TicketState::kInProgress},
    {TicketState::kClosed, TicketAction::kReopen, TicketState::kInProgress},
    // Priority: any state before resolution (afterwards it moves nothing).
    {TicketState::kRegistered, TicketAction::kChangePriority,
     TicketState::kRegistered},
    {TicketState::kAssigned, TicketAction::kChangePriority,
     TicketState::kAssigned},
    {TicketState::kResponded, TicketAction::kChangePriority,
     TicketState::kResponded},
    {TicketState::kInProgress, TicketAction::kChangePriority,
     TicketState::kInProgress},
    {TicketState::kPaused, TicketAction::kChangePriority, TicketState::kPaused},
};

// True if `guard` holds for `ticket`.
bool GuardHolds(TransitionGuard guard, const Ticket& ticket);

// The row that lets `action` proceed on `ticket` (its state and its guard),
// or nullptr if none does.
const Transition* FindTransition(const Ticket& ticket, TicketAction action);

// OK if FindTransition() finds a row; otherwise FAILED_PRECONDITION with a
// google.rpc.PreconditionFailure naming the rule, its subject being the
// ticket's resource name ("communities/c/tickets/7", or "ticket" before it
// has an id):
//   TICKET_STATE       no row for (state, action), e.g. "cannot pause a
//                      closed ticket";
//   CALLBACK_REQUIRED  close from kResolved for a kind that needs a callback.
absl::Status CheckTransition(const Ticket& ticket, TicketAction action);

// The actions CheckTransition() allows on `ticket`, in enum order (for a UI
// that shows only the buttons that work).
std::vector<TicketAction> AllowedActions(const Ticket& ticket);

// An action with its arguments. Each action reads only the fields listed
// for it; the others are ignored.
struct TicketCommand {
  TicketAction action = TicketAction::kUpdateProgress;
  Actor actor;    // Required (non-empty id).
  absl::Time at;  // When it happened; must be finite.
  // Why / what: optional for most actions; required for kUpdateProgress
  // (the progress itself) and kReopen (why it came back).
  std::string note;
  std::string assignee;                       // kAssign: required.
  std::optional<PauseReason> pause_reason;    // kPause: required.
  std::string resolution;                     // kResolve: required.
  int64_t charges_minor = 0;                  // kResolve: >= 0, in fen.
  int satisfaction = 0;                       // Callbacks: 1..5.
  std::string comment;                        // Callbacks: optional.
  std::optional<CancelReason> cancel_reason;  // kCancel: required.
  // kResolve, kClose: the written summary (一事一总结); when non-empty it
  // replaces the ticket's. Closing a complaint needs one, given here or
  // earlier.
  std::string summary;
  std::optional<Priority> priority;  // kChangePriority: required.
};

// Limits on command text, in Unicode code points.
inline constexpr size_t kMaxNoteChars = 2000;
inline constexpr size_t kMaxResolutionChars = 4000;
inline constexpr size_t kMaxCommentChars = 2000;
inline constexpr size_t kMaxSummaryChars = 4000;
// Upper bound of one resolution's charges and of a ticket's total: 10^12
// fen (10 billion yuan), far above any repair and far below overflow.
inline constexpr int64_t kMaxChargesMinor = 1'000'000'000'000;

// One line of a ticket's timeline: who did what, when, from which state to
// which, and why.
struct TimelineEntry {
  Actor actor;
  absl::Time time;
  TicketAction action = TicketAction::kUpdateProgress;
  TicketState from_state = TicketState::kRegistered;
  TicketState to_state = TicketState::kRegistered;
  std::string note;    // The caller's note (the progress text for updates).
  std::string detail;  // What changed, generated, e.g. "assignee: a -> b".
};

struct ActionResult {
  Ticket ticket;        // The new record.
  TimelineEntry entry;  // To append to the timeline.
};

// A new ticket registered at `now`: state kRegistered, create and update
// time `now`, first responder draft.received_by. Does not validate the draft
// (see ValidateDraft()).
Ticket RegisterTicket(const TicketDraft& draft, absl::Time now);

// Applies `command` to `ticket` and returns the new record with its timeline
// entry. `ticket` itself is never modified.
//
// Checks, in this order:
//  1. the command's fields: INVALID_ARGUMENT listing every violation, with
//     the TicketCommand field names ("assignee", "pause_reason",
//     "resolution", "charges_minor", "satisfaction", "comment",
//     "cancel_reason", "note", "summary", "priority", "actor", "at");
//  2. the transition (CheckTransition());
//  3. rules on the resulting record: closing a complaint without a summary
//     is FAILED_PRECONDITION COMPLAINT_SUMMARY_REQUIRED (一事一总结); charges
//     whose total would exceed kMaxChargesMinor are INVALID_ARGUMENT.
//
// Effects, besides `state` becoming the row's `to` and update_time `at`:
//  * every action: if first_responder is empty and the actor is staff, the
//    actor becomes the first responder; it never changes afterwards.
//  * kAssign sets assignee. kStartWork sets work_started_at (and
//    responded_at if unset) and makes a staff actor the assignee if there
//    is none. kRespond sets responded_at.
//  * kPause records paused_from/paused_at/pause_reason; kResume appends
//    [paused_at, at) to `pauses`; kCancel of a paused ticket does too.
//  * kUpdateProgress sets last_progress_at while the ticket is unresolved.
//  * kResolve sets resolved_at (and responded_at / work_started_at if
//    unset), the resolution text, and adds charges_minor to the total.
//  * callbacks record satisfaction, the verdict and the comment; satisfied
//    sets called_back_at. Unsatisfied, and kReopen, are rework: rework_count
//    + 1, reworked_at = at, resolved_at / called_back_at / closed_at cleared.
//  * kClose sets closed_at; kCancel sets cancelled_at and cancel_reason;
//    kChangePriority sets draft.priority.
//
// `at` earlier than ticket.update_time (clock skew between replicas) is
// taken as ticket.update_time, so recorded instants never run backwards.
// The version is left alone: storage bumps it when it writes.
absl::StatusOr<ActionResult> ApplyAction(const Ticket& ticket,
                                         const TicketCommand& command);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_LIFECYCLE_H_
