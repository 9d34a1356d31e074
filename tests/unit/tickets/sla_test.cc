#include "services/tickets/domain/sla.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "services/tickets/domain/lifecycle.h"
#include "tests/support/status_details.h"
#include "tests/unit/calendar/test_calendars.h"

namespace steward::tickets {
namespace {

using ::steward::calendar::ClockMode;
using ::steward::calendar::testing::At;
using ::steward::calendar::testing::ShanghaiOffice;
using ::steward::testing::ViolatedFields;
using ::testing::ElementsAre;
using A = TicketAction;

// A ticket moved through the real lifecycle, so the instants the clocks read
// are the ones ApplyAction records.
class TicketBuilder {
 public:
  TicketBuilder(TicketKind kind, Priority priority, absl::Time created) {
    TicketDraft d;
    d.community = "harbour-view";
    d.kind = kind;
    d.priority = priority;
    d.description = "leak";
    ticket_ = RegisterTicket(d, created);
    ticket_.id = 42;
  }

  TicketBuilder& Do(TicketAction action, absl::Time at) {
    TicketCommand c;
    c.action = action;
    c.actor = {ActorKind::kStaff, "desk-li"};
    c.at = at;
    c.note = "note";
    c.assignee = "fitter-wang";
    c.pause_reason = PauseReason::kWaitingForOwner;
    c.resolution = "fixed";
    c.satisfaction = action == A::kCallbackUnsatisfied ? 2 : 5;
    c.cancel_reason = CancelReason::kWithdrawn;
    c.summary = "summary";
    c.priority = priority_;
    absl::StatusOr<ActionResult> r = ApplyAction(ticket_, c);
    EXPECT_TRUE(r.ok()) << ActionName(action) << ": " << r.status();
    if (r.ok()) ticket_ = r->ticket;
    return *this;
  }

  TicketBuilder& ChangePriority(Priority p, absl::Time at) {
    priority_ = p;
    return Do(A::kChangePriority, at);
  }

  const Ticket& ticket() const { return ticket_; }

 private:
  Ticket ticket_;
  Priority priority_ = Priority::kRoutine;
};

const SlaPolicy& Default(TicketKind kind, Priority priority) {
  static const std::vector<SlaPolicy>* const kDefaults =
      new std::vector<SlaPolicy>(DefaultSlaPolicies());
  const SlaPolicy* p = SelectPolicy(*kDefaults, "harbour-view", kind, priority);
  EXPECT_NE(p, nullptr);
  return *p;
}

ClockStatus Clock(const Ticket& t, const SlaPolicy& policy, SlaTarget target,
                  absl::Time now) {
  TicketDeadlines d = ComputeDeadlines(t, policy, ShanghaiOffice(), now);
  const ClockStatus* c = d.Find(target);
  EXPECT_NE(c, nullptr) << SlaTargetName(target);
  return c != nullptr ? *c : ClockStatus{};
}

// A repair policy whose on-site clock counts working time, to see both modes
// under one pause.
SlaPolicy TwoModePolicy(absl::Duration on_site_working) {
  SlaPolicy p;
  p.id = "test/two-mode";
  p.kind = TicketKind::kHouseholdRepair;
  p.priority = Priority::kRoutine;
  p.targets = {
      {SlaTarget::kOnSite, SlaClockSpec::Working(on_site_working)},
      {SlaTarget::kResolution, SlaClockSpec::Natural(absl::Hours(48))},
  };
  return p;
}

// --- Policies as data ------------------------------------------------------

TEST(DefaultSlaPoliciesTest, OneValidCompanyRowPerKindAndPriority) {
  const std::vector<SlaPolicy> rows = DefaultSlaPolicies();
  EXPECT_EQ(rows.size(), 18u);
  std::set<std::pair<TicketKind, Priority>> keys;
  std::set<std::string> ids;
  for (const SlaPolicy& p : rows) {
    EXPECT_TRUE(ValidateSlaPolicy(p).ok())
        << p.id << ": " << ValidateSlaPolicy(p);
    EXPECT_EQ(p.community, "");
    EXPECT_EQ(p.version, 1);
    EXPECT_EQ(p.warnings.handler, 0.5);
    EXPECT_EQ(p.warnings.supervisor, 0.8);
    keys.insert({p.kind, p.priority});
    ids.insert(p.id);
  }
  EXPECT_EQ(keys.size(), 18u);
  EXPECT_EQ(ids.size(), 18u);
}

TEST(DefaultSlaPoliciesTest, TargetsFromTheDomain) {
  using Spec = SlaClockSpec;
  // First response by priority, for every kind.
  for (TicketKind kind : {TicketKind::kHouseholdRepair, TicketKind::kComplaint,
                          TicketKind::kInquiry, TicketKind::kSuggestion}) {
    EXPECT_EQ(Default(kind, Priority::kEmergency)
                  .targets.at(SlaTarget::kFirstResponse),
              Spec::Natural(absl::Minutes(15)));
    EXPECT_EQ(
        Default(kind, Priority::kUrgent).targets.at(SlaTarget::kFirstResponse),
        Spec::Natural(absl::Minutes(30)));
    EXPECT_EQ(
        Default(kind, Priority::kRoutine).targets.at(SlaTarget::kFirstResponse),
        Spec::Working(absl::Minutes(30)));
  }
  const std::map<SlaTarget, SlaClockSpec> repair = {
      {SlaTarget::kFirstResponse, Spec::Working(absl::Minutes(30))},
      {SlaTarget::kOnSite, Spec::Natural(absl::Hours(24))},
      {SlaTarget::kResolution, Spec::Natural(absl::Hours(48))},
      {SlaTarget::kCallback, Spec::WorkingDays(1)},
  };
  EXPECT_EQ(Default(TicketKind::kHouseholdRepair, Priority::kRoutine).targets,
            repair);
  EXPECT_EQ(Default(TicketKind::kPublicRepair, Priority::kRoutine).targets,
            repair);
  EXPECT_EQ(Default(TicketKind::kLegacyDefect, Priority::kRoutine).targets,
            repair);
  EXPECT_EQ(Default(TicketKind::kComplaint, Priority::kUrgent).targets,
            (std::map<SlaTarget, SlaClockSpec>{
                {SlaTarget::kFirstResponse, Spec::Natural(absl::Minutes(30))},
                {SlaTarget::kComplaintFeedback, Spec::Natural(absl::Hours(24))},
                {SlaTarget::kComplaintProgress, Spec::Natural(absl::Hours(72))},
                {SlaTarget::kCallback, Spec::WorkingDays(1)},
            }));
  EXPECT_EQ(
      Default(TicketKind::kSuggestion, Priority::kRoutine).targets,
      (std::map<SlaTarget, SlaClockSpec>{
          {SlaTarget::kFirstResponse, Spec::Working(absl::Minutes(30))}}));
  EXPECT_EQ(Default(TicketKind::kInquiry, Priority::kRoutine).targets.size(),
            1u);
}

TEST(SelectPolicyTest, CommunityRowBeatsTheCompanyDefault) {
  std::vector<SlaPolicy> rows = DefaultSlaPolicies();
  SlaPolicy own = Default(TicketKind::kHouseholdRepair, Priority::kRoutine);
  own.id = "harbour-view/repair";
  own.community = "harbour-view";
  own.targets[SlaTarget::kResolution] = SlaClockSpec::Natural(absl::Hours(24));
  SlaPolicy other = own;
  other.id = "riverside/repair";
  other.community = "riverside";
  rows.push_back(other);
  rows.push_back(own);

  const SlaPolicy* p = SelectPolicy(
      rows, "harbour-view", TicketKind::kHouseholdRepair, Priority::kRoutine);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id, "harbour-view/repair");
  // Another community with no row of its own gets the company default.
  p = SelectPolicy(rows, "lakeside", TicketKind::kHouseholdRepair,
                   Priority::kRoutine);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id, "default-household_repair-routine");
  // The community row covers only its own kind and priority.
  p = SelectPolicy(rows, "harbour-view", TicketKind::kHouseholdRepair,
                   Priority::kUrgent);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id, "default-household_repair-urgent");
  // Among equally specific rows the newest version wins.
  SlaPolicy newer = own;
  newer.version = 3;
  rows.insert(rows.begin(), newer);
  p = SelectPolicy(rows, "harbour-view", TicketKind::kHouseholdRepair,
                   Priority::kRoutine);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->version, 3);
  EXPECT_EQ(SelectPolicy({}, "harbour-view", TicketKind::kComplaint,
                         Priority::kRoutine),
            nullptr);
}

TEST(ValidateSlaPolicyTest, NamesEveryBadField) {
  SlaPolicy p;
  p.id = "";
  p.version = 0;
  p.kind = static_cast<TicketKind>(9);
  p.targets = {
      {SlaTarget::kFirstResponse, {absl::Minutes(15), ClockMode::kNatural, 1}},
      {SlaTarget::kOnSite, {absl::ZeroDuration(), ClockMode::kNatural, 2}},
      {SlaTarget::kCallback, SlaClockSpec::WorkingDays(1)},
  };
  p.warnings = {0.9, 0.5};
  EXPECT_THAT(ViolatedFields(ValidateSlaPolicy(p)),
              ElementsAre("policy.id", "policy.version", "policy.kind",
                          "policy.targets.first_response",
                          "policy.targets.on_site", "policy.warnings"));
  p = Default(TicketKind::kComplaint, Priority::kRoutine);
  p.targets.clear();
  EXPECT_THAT(ViolatedFields(ValidateSlaPolicy(p)),
              ElementsAre("policy.targets"));
}

// --- The required examples --------------------------------------------------

TEST(SlaDeadlineTest, CallbackWithinOneWorkingDayUsesMakeUpDays) {
  const SlaPolicy& policy =
      Default(TicketKind::kHouseholdRepair, Priority::kRoutine);
  // Resolved 17:50 on Friday 9 October 2026: due 17:50 on Saturday 10
  // October, a make-up working day (调休), not Monday 12 October.
  TicketBuilder friday(TicketKind::kHouseholdRepair, Priority::kRoutine,
                       At(2026, 10, 9, 10, 0));
  friday.Do(A::kAssign, At(2026, 10, 9, 10, 5))
      .Do(A::kRespond, At(2026, 10, 9, 10, 10))
      .Do(A::kStartWork, At(2026, 10, 9, 11, 0))
      .Do(A::kResolve, At(2026, 10, 9, 17, 50));
  ClockStatus c = Clock(friday.ticket(), policy, SlaTarget::kCallback,
                        At(2026, 10, 9, 18, 0));
  EXPECT_EQ(c.mode, ClockMode::kWorking);
  EXPECT_EQ(c.length, absl::Hours(9));
  EXPECT_EQ(c.state, ClockState::kRunning);
  EXPECT_EQ(c.start, At(2026, 10, 9, 17, 50));
  EXPECT_EQ(c.due, At(2026, 10, 10, 17, 50));
  EXPECT_NE(c.due, At(2026, 10, 12, 17, 50));
  // Warnings at 50 % and 80 % of 9 office hours, also on the Saturday.
  EXPECT_EQ(c.handler_warning_at, At(2026, 10, 10, 13, 20));
  EXPECT_EQ(c.supervisor_warning_at, At(2026, 10, 10, 16, 2));

  // Resolved 17:50 on Wednesday 30 September: due Thursday 8 October,
  // after the National Day holiday.
  TicketBuilder wednesday(TicketKind::kHouseholdRepair, Priority::kRoutine,
                          At(2026, 9, 30, 9, 0));
  wednesday.Do(A::kRespond, At(2026, 9, 30, 9, 10))
      .Do(A::kResolve, At(2026, 9, 30, 17, 50));
  c = Clock(wednesday.ticket(), policy, SlaTarget::kCallback,
            At(2026, 10, 3, 12, 0));
  EXPECT_EQ(c.due, At(2026, 10, 8, 17, 50));
  EXPECT_EQ(c.state, ClockState::kRunning);  // Holidays do not count.

  // The same as BusinessCalendar::AddWorkingDays, wherever it starts.
  for (absl::Time resolved :
       {At(2026, 2, 13, 16, 0), At(2026, 2, 14, 8, 0), At(2026, 5, 8, 23, 0)}) {
    TicketBuilder b(TicketKind::kComplaint, Priority::kRoutine,
                    resolved - absl::Hours(1));
    b.Do(A::kRespond, resolved - absl::Minutes(30)).Do(A::kResolve, resolved);
    EXPECT_EQ(
        Clock(b.ticket(), Default(TicketKind::kComplaint, Priority::kRoutine),
              SlaTarget::kCallback, resolved)
            .due,
        ShanghaiOffice().AddWorkingDays(resolved, 1));
  }
}

TEST(SlaDeadlineTest, EmergencyResponseOnAHolidayRunsRoundTheClock) {
  // Created 23:55 on National Day, 2026-10-01: due 00:10.
  const absl::Time created = At(2026, 10, 1, 23, 55);
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kEmergency, created);
  const SlaPolicy& policy =
      Default(TicketKind::kHouseholdRepair, Priority::kEmergency);
  ClockStatus c = Clock(b.ticket(), policy, SlaTarget::kFirstResponse, created);
  EXPECT_EQ(c.mode, ClockMode::kNatural);
  EXPECT_EQ(c.due, At(2026, 10, 2, 0, 10));
  EXPECT_EQ(c.handler_warning_at, At(2026, 10, 2, 0, 2, 30));
  EXPECT_EQ(c.supervisor_warning_at, At(2026, 10, 2, 0, 7));
  EXPECT_EQ(c.state, ClockState::kRunning);
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kFirstResponse,
                  At(2026, 10, 2, 0, 11))
                .state,
            ClockState::kBreached);
  // Answered exactly at the due instant: met.
  b.Do(A::kRespond, At(2026, 10, 2, 0, 10));
  c = Clock(b.ticket(), policy, SlaTarget::kFirstResponse,
            At(2026, 10, 2, 9, 0));
  EXPECT_EQ(c.state, ClockState::kMet);
  EXPECT_EQ(c.stop, At(2026, 10, 2, 0, 10));
  EXPECT_EQ(OutcomeOf(c), SlaOutcome::kMet);
}

TEST(SlaPauseTest, TwoHoursOfPauseMoveNaturalByTwoHoursWorkingByOfficeTime) {
  const SlaPolicy policy = TwoModePolicy(absl::Hours(16));
  // Tuesday 2026-03-03, office 09:00-18:00. Paused 17:00-19:00: two hours
  // of natural time, one of office time.
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine,
                  At(2026, 3, 3, 9, 0));
  b.Do(A::kRespond, At(2026, 3, 3, 9, 10));
  const Ticket unpaused = b.ticket();
  const absl::Time later = At(2026, 3, 3, 20, 0);
  const ClockStatus on_site0 =
      Clock(unpaused, policy, SlaTarget::kOnSite, later);
  const ClockStatus resolution0 =
      Clock(unpaused, policy, SlaTarget::kResolution, later);
  EXPECT_EQ(on_site0.due, At(2026, 3, 4, 16, 0));    // 9 h Tue + 7 h Wed
  EXPECT_EQ(resolution0.due, At(2026, 3, 5, 9, 0));  // 48 h

  // While paused, the clocks stand still and the due instants are projected
  // as if resumed now.
  b.Do(A::kPause, At(2026, 3, 3, 17, 0));
  ClockStatus on_site =
      Clock(b.ticket(), policy, SlaTarget::kOnSite, At(2026, 3, 3, 19, 0));
  ClockStatus resolution =
      Clock(b.ticket(), policy, SlaTarget::kResolution, At(2026, 3, 3, 19, 0));
  EXPECT_EQ(on_site.state, ClockState::kPaused);
  EXPECT_EQ(resolution.state, ClockState::kPaused);
  EXPECT_EQ(on_site.due, At(2026, 3, 4, 17, 0));
  EXPECT_EQ(resolution.due, At(2026, 3, 5, 11, 0));

  b.Do(A::kResume, At(2026, 3, 3, 19, 0));
  on_site = Clock(b.ticket(), policy, SlaTarget::kOnSite, later);
  resolution = Clock(b.ticket(), policy, SlaTarget::kResolution, later);
  EXPECT_EQ(on_site.state, ClockState::kRunning);
  EXPECT_EQ(resolution.state, ClockState::kRunning);
  EXPECT_EQ(resolution.due - resolution0.due, absl::Hours(2));
  EXPECT_EQ(on_site.due, At(2026, 3, 4, 17, 0));  // One office hour later.
  EXPECT_EQ(ShanghaiOffice().WorkingTimeBetween(on_site0.due, on_site.due),
            absl::Hours(1));
  // The warnings move with them.
  EXPECT_EQ(resolution.handler_warning_at,
            resolution0.handler_warning_at + absl::Hours(2));
  // Started work the next morning: on-site met at the shifted due, which
  // the unpaused ticket would have breached.
  b.Do(A::kStartWork, At(2026, 3, 4, 16, 30));
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kOnSite, later).state,
            ClockState::kMet);
  EXPECT_EQ(EvaluateStop(At(2026, 3, 4, 16, 30), on_site0.due),
            SlaOutcome::kBreached);
}

TEST(SlaPauseTest, PauseOverAHolidayMovesOnlyNaturalClocks) {
  const SlaPolicy policy = TwoModePolicy(absl::Hours(16));
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine,
                  At(2026, 9, 30, 10, 0));
  b.Do(A::kRespond, At(2026, 9, 30, 10, 5))
      .Do(A::kPause, At(2026, 9, 30, 18, 0))
      .Do(A::kResume, At(2026, 10, 8, 9, 0));
  const absl::Time now = At(2026, 10, 8, 9, 0);
  // 8 office hours on Sep 30, 8 more on Oct 8; the pause covered none.
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kOnSite, now).due,
            At(2026, 10, 8, 17, 0));
  // 48 h plus 7 days 15 hours of pause.
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kResolution, now).due,
            At(2026, 10, 10, 1, 0));
}

TEST(SlaPauseTest, SeveralPausesAddUp) {
  const SlaPolicy policy = TwoModePolicy(absl::Hours(16));
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine,
                  At(2026, 3, 3, 9, 0));
  b.Do(A::kRespond, At(2026, 3, 3, 9, 10))
      .Do(A::kPause, At(2026, 3, 3, 10, 0))
      .Do(A::kResume, At(2026, 3, 3, 11, 0))
      .Do(A::kStartWork, At(2026, 3, 3, 13, 0))
      .Do(A::kPause, At(2026, 3, 3, 14, 0))
      .Do(A::kResume, At(2026, 3, 3, 15, 30));
  const absl::Time now = At(2026, 3, 3, 16, 0);
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kResolution, now).due,
            At(2026, 3, 5, 9, 0) + absl::Hours(2) + absl::Minutes(30));
  // On-site stopped at 13:00, so only the first pause moved it.
  ClockStatus on_site = Clock(b.ticket(), policy, SlaTarget::kOnSite, now);
  EXPECT_EQ(on_site.due, At(2026, 3, 4, 17, 0));
  EXPECT_EQ(on_site.state, ClockState::kMet);
}

TEST(SlaPauseTest, APauseAfterTheDueInstantDoesNotUndoABreach) {
  const SlaPolicy policy = TwoModePolicy(absl::Hours(1));
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine,
                  At(2026, 3, 3, 9, 0));
  b.Do(A::kRespond, At(2026, 3, 3, 9, 10)).Do(A::kPause, At(2026, 3, 3, 11, 0));
  ClockStatus on_site =
      Clock(b.ticket(), policy, SlaTarget::kOnSite, At(2026, 3, 3, 12, 0));
  EXPECT_EQ(on_site.due, At(2026, 3, 3, 10, 0));
  EXPECT_EQ(on_site.state, ClockState::kBreached);
  EXPECT_TRUE(on_site.overdue());
  EXPECT_EQ(
      Clock(b.ticket(), policy, SlaTarget::kResolution, At(2026, 3, 3, 12, 0))
          .state,
      ClockState::kPaused);
  // Once the pause is over, the same holds for the recorded interval.
  b.Do(A::kResume, At(2026, 3, 3, 12, 0));
  on_site =
      Clock(b.ticket(), policy, SlaTarget::kOnSite, At(2026, 3, 3, 12, 30));
  EXPECT_EQ(on_site.due, At(2026, 3, 3, 10, 0));
  EXPECT_EQ(on_site.state, ClockState::kBreached);
  EXPECT_EQ(
      Clock(b.ticket(), policy, SlaTarget::kResolution, At(2026, 3, 3, 12, 30))
          .due,
      At(2026, 3, 5, 10, 0));
}

// --- Recomputation
// ------------------------------------------------------------

TEST(RecomputeTest, PolicyChangeMovesOpenTicketsAndLeavesClosedOnes) {
  const SlaPolicy& v1 =
      Default(TicketKind::kHouseholdRepair, Priority::kRoutine);
  SlaPolicy v2 = v1;
  v2.version = 2;
  v2.targets[SlaTarget::kResolution] = SlaClockSpec::Natural(absl::Hours(24));
  const absl::Time created = At(2026, 3, 3, 9, 0);
  const absl::Time now = At(2026, 3, 3, 12, 0);

  TicketBuilder open(TicketKind::kHouseholdRepair, Priority::kRoutine, created);
  open.Do(A::kRespond, At(2026, 3, 3, 9, 10))
      .Do(A::kStartWork, At(2026, 3, 3, 10, 0));
  EXPECT_EQ(Clock(open.ticket(), v1, SlaTarget::kResolution, now).due,
            At(2026, 3, 5, 9, 0));
  Recomputed r = RecomputeDeadlines(open.ticket(), v2, ShanghaiOffice(), now);
  ASSERT_EQ(r.outcome, RecomputeOutcome::kRecomputed);
  ASSERT_TRUE(r.deadlines.has_value());
  EXPECT_EQ(r.deadlines->policy_id, v1.id);
  EXPECT_EQ(r.deadlines->policy_version, 2);
  EXPECT_EQ(r.deadlines->calendar_fingerprint, ShanghaiOffice().fingerprint());
  EXPECT_EQ(r.deadlines->Find(SlaTarget::kResolution)->due,
            At(2026, 3, 4, 9, 0));  // From the recorded start, 24 h.
  EXPECT_EQ(r.deadlines->Find(SlaTarget::kResolution)->start, created);

  TicketBuilder closed(TicketKind::kHouseholdRepair, Priority::kRoutine,
                       created);
  closed.Do(A::kRespond, At(2026, 3, 3, 9, 10))
      .Do(A::kResolve, At(2026, 3, 4, 10, 0))
      .Do(A::kCallbackSatisfied, At(2026, 3, 4, 11, 0))
      .Do(A::kClose, At(2026, 3, 4, 12, 0));
  r = RecomputeDeadlines(closed.ticket(), v2, ShanghaiOffice(), now);
  EXPECT_EQ(r.outcome, RecomputeOutcome::kUnchangedTerminal);
  EXPECT_FALSE(r.deadlines.has_value());

  TicketBuilder cancelled(TicketKind::kHouseholdRepair, Priority::kRoutine,
                          created);
  cancelled.Do(A::kCancel, At(2026, 3, 3, 9, 5));
  EXPECT_EQ(
      RecomputeDeadlines(cancelled.ticket(), v2, ShanghaiOffice(), now).outcome,
      RecomputeOutcome::kUnchangedTerminal);

  // A resolved ticket is still open: its callback clock follows the policy.
  SlaPolicy v3 = v2;
  v3.targets[SlaTarget::kCallback] = SlaClockSpec::WorkingDays(2);
  TicketBuilder resolved(TicketKind::kHouseholdRepair, Priority::kRoutine,
                         created);
  resolved.Do(A::kRespond, At(2026, 3, 3, 9, 10))
      .Do(A::kResolve, At(2026, 3, 3, 17, 50));
  r = RecomputeDeadlines(resolved.ticket(), v3, ShanghaiOffice(), now);
  ASSERT_EQ(r.outcome, RecomputeOutcome::kRecomputed);
  EXPECT_EQ(r.deadlines->Find(SlaTarget::kCallback)->due,
            At(2026, 3, 5, 17, 50));
}

TEST(RecomputeTest, PriorityChangeSelectsTheNewRow) {
  const std::vector<SlaPolicy> rows = DefaultSlaPolicies();
  const absl::Time created = At(2026, 3, 3, 9, 0);
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine, created);
  const SlaPolicy* routine = SelectPolicy(
      rows, "harbour-view", TicketKind::kHouseholdRepair, Priority::kRoutine);
  EXPECT_EQ(Clock(b.ticket(), *routine, SlaTarget::kFirstResponse, created).due,
            At(2026, 3, 3, 9, 30));
  b.ChangePriority(Priority::kEmergency, At(2026, 3, 3, 9, 2));
  const SlaPolicy* emergency = SelectPolicy(
      rows, "harbour-view", b.ticket().draft.kind, b.ticket().draft.priority);
  ASSERT_NE(emergency, nullptr);
  Recomputed r = RecomputeDeadlines(b.ticket(), *emergency, ShanghaiOffice(),
                                    At(2026, 3, 3, 9, 2));
  ASSERT_EQ(r.outcome, RecomputeOutcome::kRecomputed);
  EXPECT_EQ(r.deadlines->policy_id, "default-household_repair-emergency");
  EXPECT_EQ(r.deadlines->Find(SlaTarget::kFirstResponse)->due,
            At(2026, 3, 3, 9, 15));
}

// --- Clock states, rework, complaints ---------------------------------------

TEST(SlaClockTest, StatesThroughARepair) {
  const SlaPolicy& policy =
      Default(TicketKind::kHouseholdRepair, Priority::kRoutine);
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine,
                  At(2026, 3, 3, 9, 0));
  const absl::Time t1 = At(2026, 3, 3, 9, 20);
  TicketDeadlines d =
      ComputeDeadlines(b.ticket(), policy, ShanghaiOffice(), t1);
  ASSERT_EQ(d.clocks.size(), 4u);
  EXPECT_EQ(d.clocks[0].target, SlaTarget::kFirstResponse);
  EXPECT_EQ(d.clocks[0].state, ClockState::kRunning);
  EXPECT_EQ(d.clocks[1].target, SlaTarget::kOnSite);
  EXPECT_EQ(d.clocks[2].target, SlaTarget::kResolution);
  EXPECT_EQ(d.clocks[3].target, SlaTarget::kCallback);
  EXPECT_EQ(d.clocks[3].state, ClockState::kNotStarted);
  EXPECT_EQ(d.Find(SlaTarget::kComplaintFeedback), nullptr);

  // No response by 09:45: overdue, still running.
  ClockStatus fr = Clock(b.ticket(), policy, SlaTarget::kFirstResponse,
                         At(2026, 3, 3, 9, 45));
  EXPECT_EQ(fr.state, ClockState::kBreached);
  EXPECT_TRUE(fr.overdue());
  EXPECT_EQ(fr.stop, std::nullopt);
  EXPECT_EQ(OutcomeOf(fr), std::nullopt);
  // Responded at 09:50: breached and stopped.
  b.Do(A::kRespond, At(2026, 3, 3, 9, 50));
  fr = Clock(b.ticket(), policy, SlaTarget::kFirstResponse,
             At(2026, 3, 3, 10, 0));
  EXPECT_EQ(fr.state, ClockState::kBreached);
  EXPECT_FALSE(fr.overdue());
  EXPECT_EQ(OutcomeOf(fr), SlaOutcome::kBreached);

  // Cancelled while the others run: they stop without an outcome.
  b.Do(A::kCancel, At(2026, 3, 3, 11, 0));
  d = ComputeDeadlines(b.ticket(), policy, ShanghaiOffice(),
                       At(2026, 3, 9, 0, 0));
  EXPECT_EQ(d.Find(SlaTarget::kFirstResponse)->state, ClockState::kBreached);
  EXPECT_EQ(d.Find(SlaTarget::kOnSite)->state, ClockState::kCancelled);
  EXPECT_EQ(d.Find(SlaTarget::kOnSite)->stop, At(2026, 3, 3, 11, 0));
  EXPECT_EQ(OutcomeOf(*d.Find(SlaTarget::kOnSite)), std::nullopt);
  EXPECT_EQ(d.Find(SlaTarget::kResolution)->state, ClockState::kCancelled);
  EXPECT_EQ(d.Find(SlaTarget::kCallback)->state, ClockState::kNotStarted);
}

TEST(SlaClockTest, ClosingEndsWhatStillRunsAndJudgesIt) {
  SlaPolicy policy = Default(TicketKind::kInquiry, Priority::kRoutine);
  policy.targets[SlaTarget::kCallback] = SlaClockSpec::WorkingDays(1);
  TicketBuilder b(TicketKind::kInquiry, Priority::kRoutine,
                  At(2026, 3, 3, 9, 0));
  b.Do(A::kRespond, At(2026, 3, 3, 9, 5))
      .Do(A::kResolve, At(2026, 3, 3, 10, 0))
      .Do(A::kClose, At(2026, 3, 3, 11, 0));
  const ClockStatus c =
      Clock(b.ticket(), policy, SlaTarget::kCallback, At(2026, 3, 9, 0, 0));
  EXPECT_EQ(c.state, ClockState::kMet);
  EXPECT_EQ(c.stop, At(2026, 3, 3, 11, 0));
}

TEST(SlaClockTest, ReworkRestartsResolutionAndCallbackClocks) {
  const SlaPolicy& policy =
      Default(TicketKind::kHouseholdRepair, Priority::kRoutine);
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine,
                  At(2026, 3, 3, 9, 0));
  b.Do(A::kRespond, At(2026, 3, 3, 9, 10))
      .Do(A::kStartWork, At(2026, 3, 3, 10, 0))
      .Do(A::kResolve, At(2026, 3, 4, 10, 0))
      .Do(A::kCallbackUnsatisfied, At(2026, 3, 4, 11, 0));
  const absl::Time now = At(2026, 3, 4, 12, 0);
  ClockStatus resolution =
      Clock(b.ticket(), policy, SlaTarget::kResolution, now);
  EXPECT_EQ(resolution.state, ClockState::kRunning);
  EXPECT_EQ(resolution.start, At(2026, 3, 4, 11, 0));
  EXPECT_EQ(resolution.due, At(2026, 3, 6, 11, 0));
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kCallback, now).state,
            ClockState::kNotStarted);
  // First response and on-site keep their first outcome.
  ClockStatus fr = Clock(b.ticket(), policy, SlaTarget::kFirstResponse, now);
  EXPECT_EQ(fr.state, ClockState::kMet);
  EXPECT_EQ(fr.stop, At(2026, 3, 3, 9, 10));
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kOnSite, now).state,
            ClockState::kMet);

  b.Do(A::kResolve, At(2026, 3, 5, 10, 0));
  ClockStatus callback =
      Clock(b.ticket(), policy, SlaTarget::kCallback, At(2026, 3, 5, 10, 0));
  EXPECT_EQ(callback.start, At(2026, 3, 5, 10, 0));
  EXPECT_EQ(callback.due, At(2026, 3, 6, 10, 0));  // 8 h Thu + 1 h Fri
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kResolution, now).state,
            ClockState::kMet);
}

TEST(SlaClockTest, ComplaintFeedbackAndProgressClocks) {
  const SlaPolicy& policy = Default(TicketKind::kComplaint, Priority::kRoutine);
  TicketBuilder b(TicketKind::kComplaint, Priority::kRoutine,
                  At(2026, 3, 2, 9, 0));
  b.Do(A::kRespond, At(2026, 3, 2, 9, 10));
  const absl::Time now = At(2026, 3, 3, 12, 0);
  ClockStatus feedback =
      Clock(b.ticket(), policy, SlaTarget::kComplaintFeedback, now);
  EXPECT_EQ(feedback.due, At(2026, 3, 3, 9, 0));
  EXPECT_EQ(feedback.state, ClockState::kBreached);
  ClockStatus progress =
      Clock(b.ticket(), policy, SlaTarget::kComplaintProgress, now);
  EXPECT_EQ(progress.due, At(2026, 3, 5, 9, 0));
  // Each progress report restarts the 72 h progress clock.
  b.Do(A::kUpdateProgress, At(2026, 3, 4, 9, 0));
  progress = Clock(b.ticket(), policy, SlaTarget::kComplaintProgress,
                   At(2026, 3, 6, 0, 0));
  EXPECT_EQ(progress.start, At(2026, 3, 4, 9, 0));
  EXPECT_EQ(progress.due, At(2026, 3, 7, 9, 0));
  EXPECT_EQ(progress.state, ClockState::kRunning);
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kComplaintFeedback, now).due,
            At(2026, 3, 3, 9, 0));
  // Resolution stops both.
  b.Do(A::kResolve, At(2026, 3, 6, 10, 0));
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kComplaintProgress,
                  At(2026, 3, 9, 0, 0))
                .state,
            ClockState::kMet);
  EXPECT_EQ(Clock(b.ticket(), policy, SlaTarget::kComplaintFeedback,
                  At(2026, 3, 9, 0, 0))
                .state,
            ClockState::kBreached);
}

TEST(SlaOutcomeTest, ActionsSettleTheClocksTheyStop) {
  const SlaPolicy& policy = Default(TicketKind::kComplaint, Priority::kRoutine);
  TicketBuilder b(TicketKind::kComplaint, Priority::kRoutine,
                  At(2026, 3, 2, 9, 0));
  const auto settled = [&](A action, absl::Time at) {
    return ClocksSettledBy(
        action, ComputeDeadlines(b.ticket(), policy, ShanghaiOffice(), at), at);
  };
  EXPECT_THAT(
      settled(A::kRespond, At(2026, 3, 2, 9, 20)),
      ElementsAre(SettledClock{SlaTarget::kFirstResponse, SlaOutcome::kMet}));
  EXPECT_THAT(settled(A::kRespond, At(2026, 3, 2, 9, 31)),
              ElementsAre(SettledClock{SlaTarget::kFirstResponse,
                                       SlaOutcome::kBreached}));
  EXPECT_THAT(settled(A::kAssign, At(2026, 3, 2, 9, 20)), ElementsAre());
  EXPECT_THAT(settled(A::kCancel, At(2026, 3, 2, 9, 20)), ElementsAre());
  b.Do(A::kRespond, At(2026, 3, 2, 9, 20));
  EXPECT_THAT(settled(A::kUpdateProgress, At(2026, 3, 2, 12, 0)),
              ElementsAre(SettledClock{SlaTarget::kComplaintProgress,
                                       SlaOutcome::kMet}));
  EXPECT_THAT(
      settled(A::kResolve, At(2026, 3, 3, 10, 0)),
      ElementsAre(
          SettledClock{SlaTarget::kComplaintFeedback, SlaOutcome::kBreached},
          SettledClock{SlaTarget::kComplaintProgress, SlaOutcome::kMet}));
  b.Do(A::kResolve, At(2026, 3, 3, 10, 0));
  // An unsatisfied callback is counted before the rework restarts clocks.
  EXPECT_THAT(
      settled(A::kCallbackUnsatisfied, At(2026, 3, 3, 11, 0)),
      ElementsAre(SettledClock{SlaTarget::kCallback, SlaOutcome::kMet}));
  EXPECT_EQ(SlaOutcomeName(SlaOutcome::kBreached), "breached");
  EXPECT_EQ(SlaTargetName(SlaTarget::kFirstResponse), "first_response");
}

// --- Escalation
// ----------------------------------------------------------------

TEST(EscalationTest, WarningsThenBreachEachOnceAndIdempotent) {
  const SlaPolicy& policy =
      Default(TicketKind::kHouseholdRepair, Priority::kRoutine);
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine,
                  At(2026, 3, 3, 9, 0));
  // First response: 30 office minutes, warnings at 09:15 and 09:24.
  auto clock = [&](absl::Time now) {
    return Clock(b.ticket(), policy, SlaTarget::kFirstResponse, now);
  };
  const absl::Time t0 = At(2026, 3, 3, 9, 0);
  ClockStatus c = clock(t0);
  EXPECT_EQ(c.handler_warning_at, At(2026, 3, 3, 9, 15));
  EXPECT_EQ(c.supervisor_warning_at, At(2026, 3, 3, 9, 24));
  EXPECT_EQ(c.due, At(2026, 3, 3, 9, 30));

  const EscalationStep first{EscalationLevel::kHandler, At(2026, 3, 3, 9, 15),
                             false};
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kNone, t0), first);
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kNone, t0), first);
  // Woken at 09:15: fire the handler warning. Asking again before recording
  // it gives the same step; after recording, the next one.
  const absl::Time t1 = At(2026, 3, 3, 9, 15);
  c = clock(t1);
  const EscalationStep fire1{EscalationLevel::kHandler, t1, true};
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kNone, t1), fire1);
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kNone, t1), fire1);
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kHandler, t1),
            (EscalationStep{EscalationLevel::kSupervisor, At(2026, 3, 3, 9, 24),
                            false}));
  EXPECT_EQ(LevelReached(c, t1), EscalationLevel::kHandler);
  EXPECT_TRUE(AtRisk(c, t1));
  EXPECT_FALSE(AtRisk(c, At(2026, 3, 3, 9, 14)));

  // An engine that slept past the breach catches up one level at a time.
  const absl::Time t2 = At(2026, 3, 3, 9, 40);
  c = clock(t2);
  EXPECT_EQ(c.state, ClockState::kBreached);
  EXPECT_FALSE(AtRisk(c, t2));
  EXPECT_EQ(LevelReached(c, t2), EscalationLevel::kManager);
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kHandler, t2),
            (EscalationStep{EscalationLevel::kSupervisor, At(2026, 3, 3, 9, 24),
                            true}));
  EXPECT_EQ(
      NextEscalation(c, EscalationLevel::kSupervisor, t2),
      (EscalationStep{EscalationLevel::kManager, At(2026, 3, 3, 9, 30), true}));
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kManager, t2), std::nullopt);

  // Once answered, nothing more escalates.
  b.Do(A::kRespond, At(2026, 3, 3, 9, 41));
  c = clock(At(2026, 3, 3, 9, 42));
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kNone, t2), std::nullopt);
  EXPECT_EQ(LevelReached(c, t2), EscalationLevel::kNone);
}

TEST(EscalationTest, PausedAndUnstartedClocksDoNotEscalate) {
  const SlaPolicy policy = TwoModePolicy(absl::Hours(16));
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kRoutine,
                  At(2026, 3, 3, 9, 0));
  b.Do(A::kRespond, At(2026, 3, 3, 9, 10)).Do(A::kPause, At(2026, 3, 3, 10, 0));
  const absl::Time now = At(2026, 3, 5, 12, 0);  // long past the old due
  const ClockStatus c = Clock(b.ticket(), policy, SlaTarget::kResolution, now);
  EXPECT_EQ(c.state, ClockState::kPaused);
  EXPECT_EQ(NextEscalation(c, EscalationLevel::kNone, now), std::nullopt);
  EXPECT_EQ(LevelReached(c, now), EscalationLevel::kNone);
  // After resuming, the next step is the handler warning, moved by the
  // pause.
  b.Do(A::kResume, now);
  const ClockStatus r = Clock(b.ticket(), policy, SlaTarget::kResolution, now);
  const absl::Duration paused = now - At(2026, 3, 3, 10, 0);
  EXPECT_EQ(NextEscalation(r, EscalationLevel::kNone, now),
            (EscalationStep{EscalationLevel::kHandler,
                            At(2026, 3, 4, 9, 0) + paused, false}));

  const SlaPolicy& repair =
      Default(TicketKind::kHouseholdRepair, Priority::kRoutine);
  const ClockStatus callback =
      Clock(b.ticket(), repair, SlaTarget::kCallback, now);
  EXPECT_EQ(callback.state, ClockState::kNotStarted);
  EXPECT_EQ(NextEscalation(callback, EscalationLevel::kNone, now),
            std::nullopt);
}

TEST(EscalationTest, ThresholdsAreDataOfThePolicy) {
  SlaPolicy policy = Default(TicketKind::kHouseholdRepair, Priority::kUrgent);
  policy.warnings = {0.25, 0.9};
  TicketBuilder b(TicketKind::kHouseholdRepair, Priority::kUrgent,
                  At(2026, 3, 3, 9, 0));
  const ClockStatus c =
      Clock(b.ticket(), policy, SlaTarget::kResolution, At(2026, 3, 3, 9, 0));
  EXPECT_EQ(c.handler_warning_at, At(2026, 3, 3, 21, 0));  // 12 of 48 h
  EXPECT_EQ(c.supervisor_warning_at,
            At(2026, 3, 3, 9, 0) + absl::Minutes(48 * 60 * 9 / 10));
  EXPECT_EQ(EscalationLevelName(EscalationLevel::kSupervisor), "supervisor");
}

}  // namespace
}  // namespace steward::tickets
