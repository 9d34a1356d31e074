#include "services/tickets/domain/lifecycle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "tests/support/status_details.h"

namespace steward::tickets {
namespace {

using ::steward::testing::BrokenRules;
using ::steward::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using S = TicketState;
using A = TicketAction;

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);  // 2026-09

absl::Time T(int minutes) { return kT0 + absl::Minutes(minutes); }

std::vector<std::string> Rules(const absl::Status& status) {
  return BrokenRules(rpc::ToGrpcStatus(status));
}

Actor Staff(std::string id) { return {ActorKind::kStaff, std::move(id)}; }

// A command for `action` with every argument it needs, valid.
TicketCommand Valid(TicketAction action, absl::Time at,
                    Actor actor = Staff("desk-li")) {
  TicketCommand c;
  c.action = action;
  c.actor = std::move(actor);
  c.at = at;
  c.note = "note";
  c.assignee = "fitter-wang";
  c.pause_reason = PauseReason::kWaitingForParts;
  c.resolution = "replaced the tap washer";
  c.charges_minor = 3500;
  c.satisfaction = 4;
  c.cancel_reason = CancelReason::kDuplicate;
  c.summary = "root cause: worn washer; checked the whole building";
  c.priority = Priority::kUrgent;
  return c;
}

Ticket Apply(const Ticket& t, TicketAction action, absl::Time at,
             Actor actor = Staff("desk-li")) {
  absl::StatusOr<ActionResult> r = ApplyAction(t, Valid(action, at, actor));
  EXPECT_TRUE(r.ok()) << ActionName(action) << " on " << StateName(t.state)
                      << ": " << r.status();
  return r.ok() ? r->ticket : t;
}

TicketDraft Draft(TicketKind kind) {
  TicketDraft d;
  d.community = "harbour-view";
  d.kind = kind;
  d.location = {.building = "3", .unit = "2", .room = "1201", .detail = ""};
  d.description = "厨房水龙头漏水";
  return d;
}

Ticket Registered(TicketKind kind) {
  Ticket t = RegisterTicket(Draft(kind), kT0);
  t.id = 7;
  return t;
}

// A ticket of `kind` brought into `state` through the lifecycle itself.
// For kPaused, `paused_from` picks the state the pause interrupted.
Ticket InState(S state, TicketKind kind, S paused_from = S::kInProgress) {
  Ticket t = Registered(kind);
  int minute = 0;
  auto step = [&](A a) { t = Apply(t, a, T(minute += 5)); };
  switch (state) {
    case S::kRegistered:
      break;
    case S::kAssigned:
      step(A::kAssign);
      break;
    case S::kResponded:
      step(A::kAssign), step(A::kRespond);
      break;
    case S::kInProgress:
      step(A::kAssign), step(A::kRespond), step(A::kStartWork);
      break;
    case S::kPaused:
      step(A::kAssign), step(A::kRespond);
      if (paused_from == S::kInProgress) step(A::kStartWork);
      step(A::kPause);
      break;
    case S::kResolved:
      step(A::kAssign), step(A::kRespond), step(A::kStartWork);
      step(A::kResolve);
      break;
    case S::kCalledBack:
      step(A::kAssign), step(A::kRespond), step(A::kStartWork);
      step(A::kResolve), step(A::kCallbackSatisfied);
      break;
    case S::kClosed:
      step(A::kAssign), step(A::kRespond), step(A::kStartWork);
      step(A::kResolve);
      if (NeedsCallback(kind)) step(A::kCallbackSatisfied);
      step(A::kClose);
      break;
    case S::kCancelled:
      step(A::kAssign), step(A::kCancel);
      break;
  }
  EXPECT_EQ(t.state, state);
  return t;
}

// The lifecycle as issue 3 states it, written out independently of
// kTicketTransitions: the resulting state, or nullopt when refused.
std::optional<S> Expected(S s, A a, TicketKind kind, S paused_from) {
  const std::set<S> before_resolution = {
      S::kRegistered, S::kAssigned, S::kResponded, S::kInProgress, S::kPaused};
  const bool unresolved = before_resolution.count(s) > 0;
  const bool open = s != S::kClosed && s != S::kCancelled;
  switch (a) {
    case A::kAssign:
      if (!unresolved) return std::nullopt;
      return s == S::kRegistered ? S::kAssigned : s;
    case A::kRespond:
      if (s == S::kRegistered || s == S::kAssigned) return S::kResponded;
      return std::nullopt;
    case A::kStartWork:
      if (s == S::kAssigned || s == S::kResponded) return S::kInProgress;
      return std::nullopt;
    case A::kPause:
      if (s == S::kResponded || s == S::kInProgress) return S::kPaused;
      return std::nullopt;
    case A::kResume:
      if (s == S::kPaused) return paused_from;
      return std::nullopt;
    case A::kUpdateProgress:
      if (open) return s;
      return std::nullopt;
    case A::kResolve:
      if (s == S::kResponded || s == S::kInProgress) return S::kResolved;
      return std::nullopt;
    case A::kCallbackSatisfied:
      if (s == S::kResolved) return S::kCalledBack;
      return std::nullopt;
    case A::kCallbackUnsatisfied:
      if (s == S::kResolved) return S::kInProgress;
      return std::nullopt;
    case A::kClose:
      if (s == S::kCalledBack) return S::kClosed;
      if (s == S::kResolved &&
          (kind == TicketKind::kInquiry || kind == TicketKind::kSuggestion)) {
        return S::kClosed;
      }
      return std::nullopt;
    case A::kCancel:
      if (unresolved) return S::kCancelled;
      return std::nullopt;
    case A::kRegister:  // timeline only: never a transition
      return std::nullopt;
    case A::kReopen:
      if (s == S::kClosed || s == S::kCalledBack) return S::kInProgress;
      return std::nullopt;
    case A::kChangePriority:
      if (unresolved) return s;
      return std::nullopt;
  }
  return std::nullopt;
}

TEST(TransitionTableTest, EveryStateActionPairIsTheListedMoveOrRefused) {
  const TicketKind kKinds[] = {
      TicketKind::kHouseholdRepair, TicketKind::kPublicRepair,
      TicketKind::kComplaint,       TicketKind::kInquiry,
      TicketKind::kSuggestion,      TicketKind::kLegacyDefect};
  int allowed = 0, refused = 0;
  for (TicketKind kind : kKinds) {
    for (S state : kAllTicketStates) {
      for (S paused_from : {S::kResponded, S::kInProgress}) {
        if (state != S::kPaused && paused_from == S::kResponded) continue;
        const Ticket t = InState(state, kind, paused_from);
        for (A action : kAllTicketActions) {
          SCOPED_TRACE(absl::StrCat(KindName(kind), " ", StateName(state),
                                    " (paused from ", StateName(paused_from),
                                    ") ", ActionName(action)));
          const std::optional<S> want =
              Expected(state, action, kind, paused_from);
          absl::StatusOr<ActionResult> r =
              ApplyAction(t, Valid(action, T(600)));
          const Transition* row = FindTransition(t, action);
          if (want.has_value()) {
            ++allowed;
            ASSERT_TRUE(r.ok()) << r.status();
            EXPECT_EQ(r->ticket.state, *want);
            EXPECT_EQ(r->entry.from_state, state);
            EXPECT_EQ(r->entry.to_state, *want);
            ASSERT_NE(row, nullptr);
            EXPECT_EQ(row->to, *want);
            EXPECT_TRUE(CheckTransition(t, action).ok());
          } else {
            ++refused;
            EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition)
                << r.status();
            const bool callback_rule =
                action == A::kClose && state == S::kResolved;
            EXPECT_THAT(Rules(r.status()),
                        ElementsAre(callback_rule ? "CALLBACK_REQUIRED"
                                                  : "TICKET_STATE"));
            EXPECT_EQ(row, nullptr);
          }
        }
      }
    }
  }
  // 6 kinds x 10 ticket shapes x 13 actions, all covered.
  EXPECT_EQ(allowed + refused, 6 * 10 * 13);
  EXPECT_GT(allowed, 0);
}

TEST(TransitionTableTest, TableRowsAreExactlyTheSpecifiedMoves) {
  // Every row is a move the issue allows, no (from, action) pair has two
  // rows with the same guard, and the rows count what the issue lists.
  std::set<std::tuple<S, A, TransitionGuard>> seen;
  for (const Transition& row : kTicketTransitions) {
    EXPECT_TRUE(seen.insert({row.from, row.action, row.guard}).second)
        << StateName(row.from) << " " << ActionName(row.action);
    S paused_from = S::kInProgress;
    if (row.guard == TransitionGuard::kPausedFromResponded) {
      paused_from = S::kResponded;
    }
    const TicketKind kind = row.guard == TransitionGuard::kNoCallbackNeeded
                                ? TicketKind::kInquiry
                                : TicketKind::kHouseholdRepair;
    EXPECT_EQ(Expected(row.from, row.action, kind, paused_from), row.to)
        << StateName(row.from) << " " << ActionName(row.action);
  }
  // assign 5, respond 2, start 2, pause 2, resume 2, progress 7, resolve 2,
  // callbacks 2, close 2, cancel 5, reopen 2, priority 5.
  EXPECT_EQ(std::size(kTicketTransitions), 38u);
}

TEST(TransitionTableTest, AllowedActionsListsWhatApplyAccepts) {
  EXPECT_THAT(AllowedActions(InState(S::kResolved, TicketKind::kComplaint)),
              ElementsAre(A::kUpdateProgress, A::kCallbackSatisfied,
                          A::kCallbackUnsatisfied));
  EXPECT_THAT(AllowedActions(InState(S::kResolved, TicketKind::kInquiry)),
              ElementsAre(A::kUpdateProgress, A::kCallbackSatisfied,
                          A::kCallbackUnsatisfied, A::kClose));
  EXPECT_THAT(AllowedActions(InState(S::kCancelled, TicketKind::kInquiry)),
              ElementsAre());
}

TEST(LifecycleTest, PauseOnAClosedTicketIsRefusedNamingTheRule) {
  const Ticket closed = InState(S::kClosed, TicketKind::kHouseholdRepair);
  absl::StatusOr<ActionResult> r =
      ApplyAction(closed, Valid(A::kPause, T(900)));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "TICKET_STATE: cannot pause a closed ticket");
  EXPECT_THAT(Rules(r.status()), ElementsAre("TICKET_STATE"));
}

TEST(LifecycleTest, CallbackBeforeResolutionIsRefused) {
  for (S state : {S::kRegistered, S::kAssigned, S::kResponded, S::kInProgress,
                  S::kPaused}) {
    const Ticket t = InState(state, TicketKind::kHouseholdRepair);
    for (A callback : {A::kCallbackSatisfied, A::kCallbackUnsatisfied}) {
      absl::StatusOr<ActionResult> r = ApplyAction(t, Valid(callback, T(900)));
      EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_THAT(r.status().message(), HasSubstr("must be resolved first"));
    }
  }
}

TEST(LifecycleTest, FirstResponderStaysThroughReassignment) {
  // Filed in the app: the first staff member to act is accountable.
  Ticket t = Registered(TicketKind::kHouseholdRepair);
  EXPECT_EQ(t.first_responder, "");
  // An owner's action does not make them the first responder.
  t = Apply(t, A::kUpdateProgress, T(1), {ActorKind::kOwner, "owner-1201"});
  EXPECT_EQ(t.first_responder, "");
  TicketCommand assign = Valid(A::kAssign, T(5), Staff("desk-li"));
  assign.assignee = "fitter-wang";
  t = ApplyAction(t, assign)->ticket;
  EXPECT_EQ(t.first_responder, "desk-li");
  EXPECT_EQ(t.assignee, "fitter-wang");

  assign = Valid(A::kAssign, T(10), Staff("supervisor-zhao"));
  assign.assignee = "fitter-chen";
  absl::StatusOr<ActionResult> r = ApplyAction(t, assign);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->ticket.state, S::kAssigned);
  EXPECT_EQ(r->ticket.assignee, "fitter-chen");
  EXPECT_EQ(r->ticket.first_responder, "desk-li");
  EXPECT_EQ(r->entry.detail, "assignee: fitter-wang -> fitter-chen");

  // Registered at the hotline: the operator is first responder from the
  // start, and reassignment by someone else does not change it.
  TicketDraft d = Draft(TicketKind::kComplaint);
  d.received_by = "hotline-sun";
  Ticket h = RegisterTicket(d, kT0);
  EXPECT_EQ(h.first_responder, "hotline-sun");
  h = Apply(h, A::kAssign, T(1), Staff("desk-li"));
  h = Apply(h, A::kAssign, T(2), Staff("supervisor-zhao"));
  EXPECT_EQ(h.first_responder, "hotline-sun");
}

TEST(LifecycleTest, ReworkCountsUnsatisfiedCallbacksAndReopenings) {
  Ticket t = InState(S::kResolved, TicketKind::kHouseholdRepair);
  ASSERT_TRUE(t.resolved_at.has_value());
  TicketCommand unhappy = Valid(A::kCallbackUnsatisfied, T(100));
  unhappy.satisfaction = 2;
  unhappy.comment = "still dripping";
  absl::StatusOr<ActionResult> r = ApplyAction(t, unhappy);
  ASSERT_TRUE(r.ok()) << r.status();
  t = r->ticket;
  EXPECT_EQ(t.state, S::kInProgress);
  EXPECT_EQ(t.rework_count, 1);
  EXPECT_EQ(t.reworked_at, T(100));
  EXPECT_EQ(t.resolved_at, std::nullopt);
  EXPECT_EQ(t.satisfaction, 2);
  EXPECT_EQ(t.satisfied, false);
  EXPECT_EQ(t.callback_comment, "still dripping");
  EXPECT_EQ(r->entry.detail, "satisfaction 2/5, unsatisfied, rework #1");

  t = Apply(t, A::kResolve, T(200));
  t = Apply(t, A::kCallbackSatisfied, T(300));
  EXPECT_EQ(t.rework_count, 1);
  EXPECT_EQ(t.satisfied, true);
  EXPECT_EQ(t.called_back_at, T(300));
  t = Apply(t, A::kClose, T(310));
  EXPECT_EQ(t.closed_at, T(310));
  t = Apply(t, A::kReopen, T(400));
  EXPECT_EQ(t.state, S::kInProgress);
  EXPECT_EQ(t.rework_count, 2);
  EXPECT_EQ(t.reworked_at, T(400));
  EXPECT_EQ(t.closed_at, std::nullopt);
  EXPECT_EQ(t.called_back_at, std::nullopt);
  EXPECT_EQ(t.resolved_at, std::nullopt);

  // A satisfied callback is not rework.
  Ticket u = InState(S::kCalledBack, TicketKind::kComplaint);
  EXPECT_EQ(u.rework_count, 0);
}

TEST(LifecycleTest, AComplaintNeedsAWrittenSummaryToClose) {
  // Resolved without a summary, called back, then closed.
  Ticket t = Registered(TicketKind::kComplaint);
  t = Apply(t, A::kRespond, T(1));
  TicketCommand resolve = Valid(A::kResolve, T(2));
  resolve.summary = "";
  t = ApplyAction(t, resolve)->ticket;
  t = Apply(t, A::kCallbackSatisfied, T(3));
  ASSERT_EQ(t.summary, "");

  for (std::string blank : {"", "   \n"}) {
    TicketCommand close = Valid(A::kClose, T(4));
    close.summary = blank;
    absl::StatusOr<ActionResult> r = ApplyAction(t, close);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(Rules(r.status()), ElementsAre("COMPLAINT_SUMMARY_REQUIRED"));
    EXPECT_THAT(r.status().message(), HasSubstr("一事一总结"));
  }
  // Given with the close...
  TicketCommand close = Valid(A::kClose, T(4));
  close.summary = "noise from the pump room; rubber mounts fitted";
  absl::StatusOr<ActionResult> r = ApplyAction(t, close);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->ticket.state, S::kClosed);
  EXPECT_EQ(r->ticket.summary, close.summary);
  // ...or earlier, with the resolution.
  resolve.summary = "written at resolution";
  Ticket u = Apply(Registered(TicketKind::kComplaint), A::kRespond, T(1));
  u = ApplyAction(u, resolve)->ticket;
  u = Apply(u, A::kCallbackSatisfied, T(3));
  close.summary = "";
  r = ApplyAction(u, close);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->ticket.summary, "written at resolution");
  // Other kinds close without one.
  Ticket inquiry = InState(S::kResolved, TicketKind::kInquiry);
  inquiry.summary.clear();
  EXPECT_TRUE(ApplyAction(inquiry, close).ok());
}

TEST(LifecycleTest, RepairsMustBeCalledBackBeforeClosing) {
  const Ticket t = InState(S::kResolved, TicketKind::kHouseholdRepair);
  absl::StatusOr<ActionResult> r = ApplyAction(t, Valid(A::kClose, T(900)));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Rules(r.status()), ElementsAre("CALLBACK_REQUIRED"));
}

TEST(LifecycleTest, CallbackRatingMustBeOneToFive) {
  const Ticket t = InState(S::kResolved, TicketKind::kHouseholdRepair);
  for (A callback : {A::kCallbackSatisfied, A::kCallbackUnsatisfied}) {
    for (int rating : {0, 6, -1}) {
      TicketCommand c = Valid(callback, T(900));
      c.satisfaction = rating;
      absl::StatusOr<ActionResult> r = ApplyAction(t, c);
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(ViolatedFields(r.status()), ElementsAre("satisfaction"));
    }
    for (int rating : {1, 5}) {
      TicketCommand c = Valid(callback, T(900));
      c.satisfaction = rating;
      ASSERT_TRUE(ApplyAction(t, c).ok());
      EXPECT_EQ(ApplyAction(t, c)->ticket.satisfaction, rating);
    }
  }
}

TEST(LifecycleTest, ResolveNeedsAResolutionAndNonNegativeCharges) {
  const Ticket t = InState(S::kInProgress, TicketKind::kHouseholdRepair);
  TicketCommand c = Valid(A::kResolve, T(900));
  c.resolution = " ";
  c.charges_minor = -1;
  absl::StatusOr<ActionResult> r = ApplyAction(t, c);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(r.status()),
              ElementsAre("resolution", "charges_minor"));

  c.resolution = "replaced the valve";
  c.charges_minor = 0;
  r = ApplyAction(t, c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->ticket.resolution, "replaced the valve");
  EXPECT_EQ(r->ticket.charges_minor, 0);
  EXPECT_EQ(r->ticket.resolved_at, T(900));

  // Charges add up over rework.
  c.charges_minor = 4500;
  Ticket u = ApplyAction(t, c)->ticket;
  TicketCommand unhappy = Valid(A::kCallbackUnsatisfied, T(950));
  u = ApplyAction(u, unhappy)->ticket;
  c.at = T(1000);
  c.charges_minor = 500;
  u = ApplyAction(u, c)->ticket;
  EXPECT_EQ(u.charges_minor, 5000);

  c.charges_minor = kMaxChargesMinor + 1;
  EXPECT_THAT(ViolatedFields(ApplyAction(t, c).status()),
              ElementsAre("charges_minor"));
  u.state = S::kInProgress;
  u.charges_minor = kMaxChargesMinor;
  c.charges_minor = 1;
  EXPECT_THAT(ViolatedFields(ApplyAction(u, c).status()),
              ElementsAre("charges_minor"));
}

TEST(LifecycleTest, CommandArgumentsAreCheckedBeforeTheState) {
  const Ticket closed = InState(S::kClosed, TicketKind::kHouseholdRepair);
  TicketCommand c = Valid(A::kAssign, T(900));
  c.assignee = "";
  c.actor.id = "";
  absl::StatusOr<ActionResult> r = ApplyAction(closed, c);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(r.status()), ElementsAre("actor", "assignee"));

  const Ticket open = InState(S::kInProgress, TicketKind::kHouseholdRepair);
  TicketCommand pause = Valid(A::kPause, T(900));
  pause.pause_reason.reset();
  EXPECT_THAT(ViolatedFields(ApplyAction(open, pause).status()),
              ElementsAre("pause_reason"));
  TicketCommand cancel = Valid(A::kCancel, T(900));
  cancel.cancel_reason.reset();
  EXPECT_THAT(ViolatedFields(ApplyAction(open, cancel).status()),
              ElementsAre("cancel_reason"));
  TicketCommand progress = Valid(A::kUpdateProgress, T(900));
  progress.note = "";
  EXPECT_THAT(ViolatedFields(ApplyAction(open, progress).status()),
              ElementsAre("note"));
  TicketCommand priority = Valid(A::kChangePriority, T(900));
  priority.priority.reset();
  EXPECT_THAT(ViolatedFields(ApplyAction(open, priority).status()),
              ElementsAre("priority"));
  TicketCommand reopen = Valid(A::kReopen, T(900));
  reopen.note = "";
  EXPECT_THAT(ViolatedFields(ApplyAction(closed, reopen).status()),
              ElementsAre("note"));
  TicketCommand at = Valid(A::kUpdateProgress, absl::InfiniteFuture());
  EXPECT_THAT(ViolatedFields(ApplyAction(open, at).status()),
              ElementsAre("at"));
}

TEST(LifecycleTest, PauseAndResumeRecordTheIntervalAndReturn) {
  for (S from : {S::kResponded, S::kInProgress}) {
    Ticket t = InState(from, TicketKind::kHouseholdRepair);
    t = Apply(t, A::kPause, T(100));
    EXPECT_EQ(t.state, S::kPaused);
    EXPECT_EQ(t.paused_from, from);
    EXPECT_EQ(t.paused_at, T(100));
    EXPECT_EQ(t.pause_reason, PauseReason::kWaitingForParts);
    absl::StatusOr<ActionResult> r = ApplyAction(t, Valid(A::kResume, T(220)));
    ASSERT_TRUE(r.ok()) << r.status();
    t = r->ticket;
    EXPECT_EQ(t.state, from);
    EXPECT_EQ(t.paused_from, std::nullopt);
    EXPECT_EQ(t.paused_at, std::nullopt);
    EXPECT_THAT(t.pauses, ElementsAre(PauseInterval{T(100), T(220)}));
    EXPECT_EQ(r->entry.detail, "paused for 2h");
    t = Apply(Apply(t, A::kPause, T(300)), A::kResume, T(310));
    EXPECT_THAT(t.pauses, ElementsAre(PauseInterval{T(100), T(220)},
                                      PauseInterval{T(300), T(310)}));
  }
}

TEST(LifecycleTest, CancelRecordsTheReasonAndEndsAPause) {
  Ticket t = InState(S::kPaused, TicketKind::kHouseholdRepair);
  const absl::Time paused_at = *t.paused_at;
  TicketCommand c = Valid(A::kCancel, T(500), {ActorKind::kOwner, "owner-1"});
  c.cancel_reason = CancelReason::kWithdrawn;
  absl::StatusOr<ActionResult> r = ApplyAction(t, c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->ticket.state, S::kCancelled);
  EXPECT_EQ(r->ticket.cancel_reason, CancelReason::kWithdrawn);
  EXPECT_EQ(r->ticket.cancelled_at, T(500));
  EXPECT_EQ(r->ticket.paused_at, std::nullopt);
  EXPECT_THAT(r->ticket.pauses, ElementsAre(PauseInterval{paused_at, T(500)}));
  EXPECT_EQ(r->entry.detail, "withdrawn");
  EXPECT_EQ(r->entry.actor, (Actor{ActorKind::kOwner, "owner-1"}));
}

TEST(LifecycleTest, LaterMilestonesFillInTheEarlierOnes) {
  // Start work without a recorded response: it is the first response, and
  // the worker becomes the assignee.
  Ticket t = Registered(TicketKind::kHouseholdRepair);
  t = Apply(t, A::kRespond, T(3), Staff("desk-li"));
  t.responded_at.reset();  // as if responded before this field existed
  t = Apply(t, A::kStartWork, T(10), Staff("fitter-wang"));
  EXPECT_EQ(t.responded_at, T(10));
  EXPECT_EQ(t.work_started_at, T(10));
  EXPECT_EQ(t.assignee, "fitter-wang");
  EXPECT_EQ(t.first_responder, "desk-li");
  // Resolving straight from responded marks the on-site instant too.
  Ticket u = Apply(Registered(TicketKind::kInquiry), A::kRespond, T(2));
  EXPECT_EQ(u.responded_at, T(2));
  u = Apply(u, A::kResolve, T(8));
  EXPECT_EQ(u.responded_at, T(2));
  EXPECT_EQ(u.work_started_at, T(8));
}

TEST(LifecycleTest, ProgressUpdatesMoveTheProgressMarkOnlyWhileUnresolved) {
  Ticket t = InState(S::kInProgress, TicketKind::kComplaint);
  t = Apply(t, A::kUpdateProgress, T(100));
  EXPECT_EQ(t.last_progress_at, T(100));
  t = Apply(t, A::kResolve, T(200));
  t = Apply(t, A::kUpdateProgress, T(300));
  EXPECT_EQ(t.last_progress_at, T(100));
  EXPECT_EQ(t.update_time, T(300));
}

TEST(LifecycleTest, TimelineEntrySaysWhoWhenWhatAndWhy) {
  const Ticket t = InState(S::kAssigned, TicketKind::kHouseholdRepair);
  TicketCommand c = Valid(A::kChangePriority, T(77), Staff("supervisor-zhao"));
  c.priority = Priority::kEmergency;
  c.note = "water reaching the flat below";
  absl::StatusOr<ActionResult> r = ApplyAction(t, c);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->ticket.draft.priority, Priority::kEmergency);
  EXPECT_EQ(r->ticket.update_time, T(77));
  EXPECT_EQ(r->entry.actor, Staff("supervisor-zhao"));
  EXPECT_EQ(r->entry.time, T(77));
  EXPECT_EQ(r->entry.action, A::kChangePriority);
  EXPECT_EQ(r->entry.from_state, S::kAssigned);
  EXPECT_EQ(r->entry.to_state, S::kAssigned);
  EXPECT_EQ(r->entry.note, "water reaching the flat below");
  EXPECT_EQ(r->entry.detail, "priority: routine -> emergency");
  // The input ticket is untouched.
  EXPECT_EQ(t.draft.priority, Priority::kRoutine);
}

TEST(LifecycleTest, TimeNeverRunsBackwards) {
  Ticket t = InState(S::kInProgress, TicketKind::kHouseholdRepair);
  const absl::Time last = t.update_time;
  t = Apply(t, A::kPause, last - absl::Seconds(2));  // a skewed replica
  EXPECT_EQ(t.paused_at, last);
  t = Apply(t, A::kResume, last + absl::Minutes(1));
  EXPECT_THAT(t.pauses,
              ElementsAre(PauseInterval{last, last + absl::Minutes(1)}));
}

TEST(LifecycleTest, NamesAreStable) {
  EXPECT_EQ(ActionName(A::kCallbackUnsatisfied), "callback_unsatisfied");
  EXPECT_EQ(ActionName(A::kStartWork), "start_work");
  EXPECT_EQ(StateName(S::kInProgress), "in_progress");
  EXPECT_EQ(StateName(S::kCalledBack), "called_back");
  std::set<absl::string_view> names;
  for (A a : kAllTicketActions) names.insert(ActionName(a));
  EXPECT_EQ(names.size(), kAllTicketActions.size());
}

}  // namespace
}  // namespace steward::tickets

namespace steward::tickets {
namespace {

TEST(LifecycleRegisterTest, RegisterIsATimelineEntryNotAnAction) {
  Ticket t = RegisterTicket(TicketDraft{.community = "c",
                                        .description = "x"},
                            absl::FromUnixSeconds(1791538400));
  TicketCommand command;
  command.action = TicketAction::kRegister;
  command.actor = {ActorKind::kStaff, "desk-li"};
  command.at = absl::FromUnixSeconds(1791538460);
  EXPECT_EQ(ApplyAction(t, command).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ActionName(TicketAction::kRegister), "register");
}

}  // namespace
}  // namespace steward::tickets
