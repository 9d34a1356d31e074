#include "services/tickets/domain/lifecycle.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/errors.h"
#include "common/util/text.h"

namespace steward::tickets {
namespace {

// "cannot <verb> a <state> ticket".
absl::string_view Verb(TicketAction action) {
  switch (action) {
    case TicketAction::kAssign:
      return "assign";
    case TicketAction::kRespond:
      return "respond to";
    case TicketAction::kStartWork:
      return "start work on";
    case TicketAction::kPause:
      return "pause";
    case TicketAction::kResume:
      return "resume";
    case TicketAction::kUpdateProgress:
      return "record progress on";
    case TicketAction::kResolve:
      return "resolve";
    case TicketAction::kCallbackSatisfied:
    case TicketAction::kCallbackUnsatisfied:
      return "record a callback on";
    case TicketAction::kClose:
      return "close";
    case TicketAction::kCancel:
      return "cancel";
    case TicketAction::kReopen:
      return "reopen";
    case TicketAction::kChangePriority:
      return "change the priority of";
    case TicketAction::kRegister:
      return "register";
  }
  return "change";
}

// "a registered", "an in-progress", ...
absl::string_view StatePhrase(TicketState state) {
  switch (state) {
    case TicketState::kRegistered:
      return "a registered";
    case TicketState::kAssigned:
      return "an assigned";
    case TicketState::kResponded:
      return "a responded";
    case TicketState::kInProgress:
      return "an in-progress";
    case TicketState::kPaused:
      return "a paused";
    case TicketState::kResolved:
      return "a resolved";
    case TicketState::kCalledBack:
      return "a called-back";
    case TicketState::kClosed:
      return "a closed";
    case TicketState::kCancelled:
      return "a cancelled";
  }
  return "this";
}

// Why the move is refused, beyond "not in this state", when it helps.
std::string Hint(TicketState state, TicketAction action) {
  const bool callback = action == TicketAction::kCallbackSatisfied ||
                        action == TicketAction::kCallbackUnsatisfied;
  if (callback && IsUnresolved(state)) {
    return ": it must be resolved first";
  }
  if (action == TicketAction::kResolve &&
      (state == TicketState::kRegistered || state == TicketState::kAssigned)) {
    return ": respond first";
  }
  if (action == TicketAction::kResolve && state == TicketState::kPaused) {
    return ": resume it first";
  }
  return "";
}

std::string Subject(const Ticket& ticket) {
  if (ticket.id <= 0 || ticket.draft.community.empty()) return "ticket";
  return absl::StrCat("communities/", ticket.draft.community, "/tickets/",
                      ticket.id);
}

void CheckText(rpc::FieldErrors& errors, absl::string_view field,
               absl::string_view text, bool required, size_t max_chars) {
  const std::optional<size_t> length = Utf8Length(text);
  if (!length.has_value()) {
    errors.Add(field, "must be valid UTF-8");
  } else if (required && absl::StripAsciiWhitespace(text).empty()) {
    errors.Add(field, "required");
  } else if (*length > max_chars) {
    errors.Add(field, absl::StrCat("at most ", max_chars, " characters"));
  }
}

bool Blank(absl::string_view text) {
  return absl::StripAsciiWhitespace(text).empty();
}

absl::Status ValidateCommand(const TicketCommand& c) {
  rpc::FieldErrors errors;
  CheckText(errors, "actor", c.actor.id, true, kMaxPersonIdChars);
  errors.Check(c.at != absl::InfinitePast() && c.at != absl::InfiniteFuture(),
               "at", "must be a finite instant");
  CheckText(errors, "note", c.note, false, kMaxNoteChars);
  CheckText(errors, "summary", c.summary, false, kMaxSummaryChars);
  switch (c.action) {
    case TicketAction::kAssign:
      CheckText(errors, "assignee", c.assignee, true, kMaxPersonIdChars);
      break;
    case TicketAction::kPause:
      errors.Check(c.pause_reason.has_value(), "pause_reason", "required");
      break;
    case TicketAction::kUpdateProgress:
    case TicketAction::kReopen:
      CheckText(errors, "note", c.note, true, kMaxNoteChars);
      break;
    case TicketAction::kResolve:
      CheckText(errors, "resolution", c.resolution, true, kMaxResolutionChars);
      if (c.charges_minor < 0) {
        errors.Add("charges_minor", "must not be negative");
      } else if (c.charges_minor > kMaxChargesMinor) {
        errors.Add("charges_minor", absl::StrCat("at most ", kMaxChargesMinor));
      }
      break;
    case TicketAction::kCallbackSatisfied:
    case TicketAction::kCallbackUnsatisfied:
      errors.Check(c.satisfaction >= 1 && c.satisfaction <= 5, "satisfaction",
                   "must be 1 to 5");
      CheckText(errors, "comment", c.comment, false, kMaxCommentChars);
      break;
    case TicketAction::kCancel:
      errors.Check(c.cancel_reason.has_value(), "cancel_reason", "required");
      break;
    case TicketAction::kChangePriority:
      errors.Check(c.priority.has_value(), "priority", "required");
      break;
    case TicketAction::kRegister:
      break;
    case TicketAction::kRespond:
    case TicketAction::kStartWork:
    case TicketAction::kResume:
    case TicketAction::kClose:
      break;
  }
  return errors.ToStatus();
}

// Rework (返修): the resolution and callback clocks restart at `at`.
void Rework(Ticket& t, absl::Time at) {
  ++t.rework_count;
  t.reworked_at = at;
  t.resolved_at.reset();
  t.called_back_at.reset();
  t.closed_at.reset();
}

void EndPause(Ticket& t, absl::Time at) {
  if (t.paused_at.has_value()) t.pauses.push_back({*t.paused_at, at});
  t.paused_from.reset();
  t.paused_at.reset();
  t.pause_reason.reset();
}

}  // namespace

absl::string_view ActionName(TicketAction action) {
  switch (action) {
    case TicketAction::kAssign:
      return "assign";
    case TicketAction::kRespond:
      return "respond";
    case TicketAction::kStartWork:
      return "start_work";
    case TicketAction::kPause:
      return "pause";
    case TicketAction::kResume:
      return "resume";
    case TicketAction::kUpdateProgress:
      return "update_progress";
    case TicketAction::kResolve:
      return "resolve";
    case TicketAction::kCallbackSatisfied:
      return "callback_satisfied";
    case TicketAction::kCallbackUnsatisfied:
      return "callback_unsatisfied";
    case TicketAction::kClose:
      return "close";
    case TicketAction::kCancel:
      return "cancel";
    case TicketAction::kReopen:
      return "reopen";
    case TicketAction::kChangePriority:
      return "change_priority";
    case TicketAction::kRegister:
      return "register";
  }
  return "unknown";
}

absl::string_view StateName(TicketState state) {
  switch (state) {
    case TicketState::kRegistered:
      return "registered";
    case TicketState::kAssigned:
      return "assigned";
    case TicketState::kResponded:
      return "responded";
    case TicketState::kInProgress:
      return "in_progress";
    case TicketState::kPaused:
      return "paused";
    case TicketState::kResolved:
      return "resolved";
    case TicketState::kCalledBack:
      return "called_back";
    case TicketState::kClosed:
      return "closed";
    case TicketState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

bool GuardHolds(TransitionGuard guard, const Ticket& ticket) {
  switch (guard) {
    case TransitionGuard::kNone:
      return true;
    case TransitionGuard::kPausedFromResponded:
      return ticket.paused_from == TicketState::kResponded;
    case TransitionGuard::kPausedFromInProgress:
      return ticket.paused_from == TicketState::kInProgress;
    case TransitionGuard::kNoCallbackNeeded:
      return !NeedsCallback(ticket.draft.kind);
  }
  return false;
}

const Transition* FindTransition(const Ticket& ticket, TicketAction action) {
  for (const Transition& row : kTicketTransitions) {
    if (row.from == ticket.state && row.action == action &&
        GuardHolds(row.guard, ticket)) {
      return &row;
    }
  }
  return nullptr;
}

absl::Status CheckTransition(const Ticket& ticket, TicketAction action) {
  if (FindTransition(ticket, action) != nullptr) return absl::OkStatus();
  if (action == TicketAction::kClose &&
      ticket.state == TicketState::kResolved) {
    return rpc::BrokenRule(
        "CALLBACK_REQUIRED", Subject(ticket),
        "this kind of ticket must be called back before it is closed (有回访)");
  }
  return rpc::BrokenRule(
      "TICKET_STATE", Subject(ticket),
      absl::StrCat("cannot ", Verb(action), " ", StatePhrase(ticket.state),
                   " ticket", Hint(ticket.state, action)));
}

std::vector<TicketAction> AllowedActions(const Ticket& ticket) {
  std::vector<TicketAction> allowed;
  for (TicketAction action : kAllTicketActions) {
    if (FindTransition(ticket, action) != nullptr) allowed.push_back(action);
  }
  return allowed;
}

Ticket RegisterTicket(const TicketDraft& draft, absl::Time now) {
  Ticket t;
  t.draft = draft;
  t.state = TicketState::kRegistered;
  t.create_time = t.update_time = now;
  t.first_responder = draft.received_by;
  return t;
}

absl::StatusOr<ActionResult> ApplyAction(const Ticket& ticket,
                                         const TicketCommand& command) {
  if (absl::Status s = ValidateCommand(command); !s.ok()) return s;
  const Transition* row = FindTransition(ticket, command.action);
  if (row == nullptr) return CheckTransition(ticket, command.action);

  const absl::Time at = std::max(command.at, ticket.update_time);
  ActionResult result{ticket, {}};
  Ticket& t = result.ticket;
  std::string detail;

  if (t.first_responder.empty() && command.actor.kind == ActorKind::kStaff) {
    t.first_responder = command.actor.id;
  }
  switch (command.action) {
    case TicketAction::kAssign:
      detail = absl::StrCat("assignee: ", t.assignee.empty() ? "-" : t.assignee,
                            " -> ", command.assignee);
      t.assignee = command.assignee;
      break;
    case TicketAction::kRespond:
      if (!t.responded_at.has_value()) t.responded_at = at;
      break;
    case TicketAction::kStartWork:
      if (!t.responded_at.has_value()) t.responded_at = at;
      if (!t.work_started_at.has_value()) t.work_started_at = at;
      if (t.assignee.empty() && command.actor.kind == ActorKind::kStaff) {
        t.assignee = command.actor.id;
        detail = absl::StrCat("assignee: - -> ", t.assignee);
      }
      break;
    case TicketAction::kPause:
      t.paused_from = t.state;
      t.paused_at = at;
      t.pause_reason = command.pause_reason;
      detail = *command.pause_reason == PauseReason::kWaitingForOwner
                   ? "waiting for the owner"
                   : "waiting for parts";
      break;
    case TicketAction::kResume:
      if (t.paused_at.has_value()) {
        detail = absl::StrCat("paused for ",
                              absl::FormatDuration(at - *t.paused_at));
      }
      EndPause(t, at);
      break;
    case TicketAction::kUpdateProgress:
      if (IsUnresolved(t.state)) t.last_progress_at = at;
      break;
    case TicketAction::kResolve: {
      if (t.charges_minor > kMaxChargesMinor - command.charges_minor) {
        return rpc::InvalidField(
            "charges_minor",
            absl::StrCat("the ticket's total charges would exceed ",
                         kMaxChargesMinor));
      }
      if (!t.responded_at.has_value()) t.responded_at = at;
      if (!t.work_started_at.has_value()) t.work_started_at = at;
      t.resolved_at = at;
      t.resolution = command.resolution;
      t.charges_minor += command.charges_minor;
      if (!Blank(command.summary)) t.summary = command.summary;
      detail = absl::StrCat("charges_minor: +", command.charges_minor,
                            " (total ", t.charges_minor, ")");
      break;
    }
    case TicketAction::kCallbackSatisfied:
    case TicketAction::kCallbackUnsatisfied: {
      const bool satisfied = command.action == TicketAction::kCallbackSatisfied;
      t.satisfaction = command.satisfaction;
      t.satisfied = satisfied;
      t.callback_comment = command.comment;
      detail = absl::StrCat("satisfaction ", command.satisfaction, "/5, ",
                            satisfied ? "satisfied" : "unsatisfied");
      if (satisfied) {
        t.called_back_at = at;
      } else {
        Rework(t, at);
        absl::StrAppend(&detail, ", rework #", t.rework_count);
      }
      break;
    }
    case TicketAction::kClose:
      if (!Blank(command.summary)) t.summary = command.summary;
      if (t.draft.kind == TicketKind::kComplaint && Blank(t.summary)) {
        return rpc::BrokenRule(
            "COMPLAINT_SUMMARY_REQUIRED", Subject(ticket),
            "a complaint cannot be closed without a written summary "
            "(一事一总结)");
      }
      t.closed_at = at;
      break;
    case TicketAction::kCancel:
      if (t.state == TicketState::kPaused) EndPause(t, at);
      t.cancelled_at = at;
      t.cancel_reason = command.cancel_reason;
      detail = *command.cancel_reason == CancelReason::kDuplicate ? "duplicate"
                                                                  : "withdrawn";
      break;
    case TicketAction::kReopen:
      Rework(t, at);
      detail = absl::StrCat("rework #", t.rework_count);
      break;
    case TicketAction::kChangePriority:
      detail = absl::StrCat("priority: ", PriorityName(t.draft.priority),
                            " -> ", PriorityName(*command.priority));
      t.draft.priority = *command.priority;
      break;
    case TicketAction::kRegister:  // no transition row: refused above
      break;
  }
  t.state = row->to;
  t.update_time = at;

  TimelineEntry& e = result.entry;
  e.actor = command.actor;
  e.time = at;
  e.action = command.action;
  e.from_state = ticket.state;
  e.to_state = t.state;
  e.note = command.note;
  e.detail = std::move(detail);
  return result;
}

}  // namespace steward::tickets
