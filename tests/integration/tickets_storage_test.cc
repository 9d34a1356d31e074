// The tickets repository, desk and SLA engine in-process against the real
// MariaDB (a scratch schema migrated with the service's own files): etag
// races, mutation retries, atomic changes, and escalations fired exactly once
// by two engine instances sharing the database.
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cppconn/driver.h>
#include <cppconn/statement.h>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/connection_pool.h"
#include "common/db/migrations.h"
#include "services/tickets/domain/ticket_desk.h"
#include "services/tickets/engine/sla_engine.h"
#include "services/tickets/storage/mysql_ticket_repository.h"
#include "tests/support/test_env.h"

namespace steward::tickets {
namespace {

using ::steward::testing::TestEnv;

// Default rows, except routine inquiries: first response within 2 s, so a
// test can watch warnings (1 s, 1.6 s) and the breach (2 s) happen.
SlaRules FastRules() {
  SlaRules rules{DefaultSlaPolicies(),
                 *calendar::BusinessCalendar::Create(
                     absl::FixedTimeZone(8 * 3600),
                     calendar::WeeklyHours::Default(), {})};
  for (SlaPolicy& p : rules.policies) {
    if (p.kind == TicketKind::kInquiry && p.priority == Priority::kRoutine) {
      p.targets[SlaTarget::kFirstResponse] =
          SlaClockSpec::Natural(absl::Seconds(2));
    }
  }
  return rules;
}

TicketDraft Inquiry(const std::string& community) {
  TicketDraft d;
  d.community = community;
  d.kind = TicketKind::kInquiry;
  d.priority = Priority::kRoutine;
  d.channel = Channel::kHotline;
  d.line = Line::kCustomerService;
  d.description = "Is the gym open on holidays?";
  d.received_by = "cs-001";
  return d;
}

TicketCommand Assign(const std::string& to) {
  TicketCommand c;
  c.action = TicketAction::kAssign;
  c.actor = {ActorKind::kStaff, "cs-001"};
  c.assignee = to;
  return c;
}

// One "replica": its own pool, repository and desk on the shared schema.
struct Replica {
  prometheus::Registry registry;
  db::DbMetrics metrics{registry};
  std::unique_ptr<db::ConnectionPool> pool;
  std::unique_ptr<MysqlTicketRepository> repository;
  std::unique_ptr<TicketDesk> desk;
};

class TicketsStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(::steward::testing::LoadTestEnv(&env_));
    schema_ = absl::StrCat("steward_tkt_", ::getpid(), "_",
                           absl::ToUnixMicros(absl::Now()) % 100000);
    Admin(absl::StrCat("CREATE DATABASE ", schema_));
    replica_ = NewReplica();
    ASSERT_NE(replica_, nullptr);
    auto files = db::LoadMigrations(env_.source_dir + "/services/tickets/schema");
    ASSERT_TRUE(files.ok()) << files.status();
    auto report = db::ApplyMigrations(*replica_->pool, *files);
    ASSERT_TRUE(report.ok()) << report.status();
  }

  void TearDown() override {
    replica_.reset();
    if (!schema_.empty()) Admin("DROP DATABASE IF EXISTS " + schema_);
  }

  std::unique_ptr<Replica> NewReplica() {
    auto r = std::make_unique<Replica>();
    db::DbConfig config;
    config.port = env_.db_port;
    config.user = "steward_admin";
    config.password = ::steward::testing::ReadPassword(env_, "admin");
    config.schema = schema_;
    config.pool_size = 4;
    auto pool = db::ConnectionPool::Create(config, &r->metrics);
    if (!pool.ok()) {
      ADD_FAILURE() << pool.status();
      return nullptr;
    }
    r->pool = *std::move(pool);
    r->repository = std::make_unique<MysqlTicketRepository>(*r->pool);
    r->desk = std::make_unique<TicketDesk>(
        *r->repository, [] { return absl::Now(); }, FastRules());
    return r;
  }

  void Admin(const std::string& statement) {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("127.0.0.1");
    options["port"] = env_.db_port;
    options["userName"] = sql::SQLString("steward_admin");
    options["password"] =
        sql::SQLString(::steward::testing::ReadPassword(env_, "admin"));
    std::unique_ptr<sql::Connection> conn(get_driver_instance()->connect(options));
    std::unique_ptr<sql::Statement>(conn->createStatement())->execute(statement);
  }

  // Every event in the feed, waiting out the settle time of fresh gaps.
  std::vector<TicketEvent> AllEvents() {
    std::vector<TicketEvent> all;
    int64_t cursor = 0;
    const absl::Time give_up = absl::Now() + absl::Seconds(15);
    while (absl::Now() < give_up) {
      auto page = replica_->desk->ListEvents(cursor, 1000);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      if (page->empty()) {
        // The feed holds back the first rows until they settle (5 s).
        if (!all.empty()) break;
        absl::SleepFor(absl::Milliseconds(250));
        continue;
      }
      all.insert(all.end(), page->begin(), page->end());
      cursor = all.back().id;
    }
    return all;
  }

  TestEnv env_;
  std::string schema_;
  std::unique_ptr<Replica> replica_;
};

TEST_F(TicketsStorageTest, TwoUpdatesWithOneEtagExactlyOneSucceeds) {
  auto view = replica_->desk->Register(Inquiry("race"), "create-1", "fp-c1");
  ASSERT_TRUE(view.ok()) << view.status();
  const int64_t id = view->ticket.id;
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      auto r = replica_->desk->Act("race", id, /*expected_version=*/1,
                                   absl::StrCat("assign-", i),
                                   absl::StrCat("fp-a", i),
                                   Assign(absl::StrCat("eng-", i)));
      if (r.ok()) ++ok;
      if (r.status().code() == absl::StatusCode::kAborted) ++aborted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 1);
  auto now = replica_->desk->Get("race", id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->ticket.version, 2);
  auto timeline = replica_->desk->Timeline("race", id);
  ASSERT_TRUE(timeline.ok());
  EXPECT_EQ(timeline->size(), 2u);  // registered + the one assignment
}

TEST_F(TicketsStorageTest, RetriedMutationIsAnsweredNotReapplied) {
  auto view = replica_->desk->Register(Inquiry("retry"), "create-1", "fp-c1");
  ASSERT_TRUE(view.ok());
  const int64_t id = view->ticket.id;
  auto first = replica_->desk->Act("retry", id, 1, "assign-1", "fp-a", Assign("eng-7"));
  ASSERT_TRUE(first.ok()) << first.status();
  // The retry carries the etag the caller had before its first attempt.
  auto again = replica_->desk->Act("retry", id, 1, "assign-1", "fp-a", Assign("eng-7"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ticket.version, first->ticket.version);
  EXPECT_EQ(again->ticket.assignee, "eng-7");
  auto reused = replica_->desk->Act("retry", id, 2, "assign-1", "fp-other",
                                    Assign("eng-8"));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(replica_->desk->Timeline("retry", id)->size(), 2u);
}

TEST_F(TicketsStorageTest, RefusedChangeWritesNothing) {
  auto view = replica_->desk->Register(Inquiry("refused"), "create-1", "fp-c1");
  ASSERT_TRUE(view.ok());
  const int64_t id = view->ticket.id;
  TicketCommand pause;
  pause.action = TicketAction::kPause;
  pause.actor = {ActorKind::kStaff, "cs-001"};
  pause.pause_reason = PauseReason::kWaitingForOwner;
  auto refused = replica_->desk->Act("refused", id, 1, "pause-1", "fp-p", pause);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(replica_->desk->Get("refused", id)->ticket.version, 1);
  EXPECT_EQ(replica_->desk->Timeline("refused", id)->size(), 1u);
  // The request id was not consumed.
  EXPECT_TRUE(
      replica_->desk->Act("refused", id, 1, "pause-1", "fp-a", Assign("x")).ok());
  // Other communities cannot reach it.
  EXPECT_EQ(replica_->desk->Get("elsewhere", id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(replica_->desk->Act("elsewhere", id, 2, "r", "f", Assign("y"))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TicketsStorageTest, EscalationFiresOnceWithTwoEnginesRunning) {
  constexpr int kTickets = 12;
  std::map<int64_t, absl::Time> created;
  for (int i = 0; i < kTickets; ++i) {
    auto v = replica_->desk->Register(Inquiry("sla"), absl::StrCat("c-", i),
                                      absl::StrCat("fp-", i));
    ASSERT_TRUE(v.ok()) << v.status();
    created[v->ticket.id] = v->ticket.create_time;
  }
  // One ticket is answered in time: its first-response clock stops and no
  // further step fires for it.
  const int64_t answered = created.begin()->first;
  TicketCommand respond;
  respond.action = TicketAction::kRespond;
  respond.actor = {ActorKind::kStaff, "cs-001"};
  ASSERT_TRUE(replica_->desk->Act("sla", answered, 1, "respond", "fp-r", respond).ok());

  std::unique_ptr<Replica> other = NewReplica();
  ASSERT_NE(other, nullptr);
  prometheus::Registry r1, r2;
  SlaEngine::Options options{.max_idle = absl::Milliseconds(100), .batch = 5};
  SlaEngine a(*replica_->desk, r1, options), b(*other->desk, r2, options);
  a.Start();
  b.Start();
  absl::SleepFor(absl::Milliseconds(3500));
  a.Stop();
  b.Stop();

  std::map<std::pair<int64_t, int>, int> fired;  // (ticket, level) → count
  for (const TicketEvent& e : AllEvents()) {
    if (e.type != TicketEventType::kSlaWarning &&
        e.type != TicketEventType::kSlaBreached) {
      continue;
    }
    EXPECT_EQ(e.sla_target, static_cast<int>(SlaTarget::kFirstResponse));
    ++fired[{e.ticket_id, e.escalation_level}];
    // Raised within 1 s of its due instant (1 s, 1.6 s, 2 s after creation).
    const absl::Duration at[] = {absl::ZeroDuration(), absl::Seconds(1),
                                 absl::Milliseconds(1600), absl::Seconds(2)};
    const absl::Time due = created[e.ticket_id] + at[e.escalation_level];
    EXPECT_GE(e.time, due - absl::Milliseconds(1));
    EXPECT_LE(e.time, due + absl::Seconds(1)) << "late by " << (e.time - due);
  }
  for (const auto& [id, time] : created) {
    for (int level = 1; level <= 3; ++level) {
      const int expected = id == answered ? 0 : 1;
      EXPECT_EQ((fired[{id, level}]), expected)
          << "ticket " << id << " level " << level;
    }
  }
}

TEST_F(TicketsStorageTest, ListFiltersByAssigneeDistrictTimeAndRisk) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) {
    TicketDraft d = Inquiry("filters");
    d.district = i < 2 ? "north" : "south";
    d.photo_refs = {absl::StrCat("photos/", i, ".jpg")};
    d.contact_phone = "13800138000";
    auto v = replica_->desk->Register(d, absl::StrCat("f-", i),
                                      absl::StrCat("fp-", i));
    ASSERT_TRUE(v.ok()) << v.status();
    ids.push_back(v->ticket.id);
  }
  const absl::Time between = absl::Now();
  absl::SleepFor(absl::Milliseconds(5));
  auto late = replica_->desk->Register(Inquiry("filters"), "f-late", "fp-late");
  ASSERT_TRUE(late.ok());
  ASSERT_TRUE(replica_->desk
                  ->Act("filters", ids[1], 1, "a", "fp-a", Assign("eng-9"))
                  .ok());
  auto names = [&](const TicketFilter& f) {
    std::vector<int64_t> out;
    auto page = replica_->desk->List("filters", f, 0, 50);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const Ticket& t : page->tickets) out.push_back(t.id);
    }
    return out;
  };
  EXPECT_EQ(names({.district = "north"}), (std::vector<int64_t>{ids[1], ids[0]}));
  EXPECT_EQ(names({.assignee = "eng-9"}), std::vector<int64_t>{ids[1]});
  EXPECT_EQ(names({.line = Line::kCustomerService}).size(), 5u);
  EXPECT_TRUE(names({.line = Line::kGreening}).empty());
  EXPECT_EQ(names({.created_before = between}),
            (std::vector<int64_t>{ids[3], ids[2], ids[1], ids[0]}));
  EXPECT_EQ(names({.created_after = between}),
            std::vector<int64_t>{late->ticket.id});
  // Details round-trip.
  auto fetched = replica_->desk->Get("filters", ids[2]);
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->ticket.draft.photo_refs,
            std::vector<std::string>{"photos/2.jpg"});
  EXPECT_EQ(fetched->ticket.draft.district, "south");
  EXPECT_EQ(fetched->ticket.draft.contact_phone, "13800138000");

  // Risk filters follow the engine: nothing is at risk or overdue yet...
  EXPECT_TRUE(names({.at_risk_only = true}).empty());
  prometheus::Registry registry;
  SlaEngine engine(*replica_->desk, registry, {});
  absl::SleepFor(absl::Milliseconds(1200));
  ASSERT_TRUE(engine.RunOnce().ok());  // handler warnings (1 s)
  EXPECT_EQ(names({.at_risk_only = true}).size(), 5u);
  EXPECT_TRUE(names({.overdue_only = true}).empty());
  absl::SleepFor(absl::Milliseconds(1000));
  ASSERT_TRUE(engine.RunOnce().ok());  // supervisor warnings
  ASSERT_TRUE(engine.RunOnce().ok());  // breaches (2 s)
  EXPECT_EQ(names({.overdue_only = true}).size(), 5u);
  EXPECT_TRUE(names({.at_risk_only = true}).empty());
}

TEST_F(TicketsStorageTest, GroupComplaintOpensOneIncidentAtTheThreshold) {
  SlaRules rules = FastRules();
  rules.group_complaints = {.households = 3, .window = absl::Hours(1)};
  TicketDesk desk(*replica_->repository, [] { return absl::Now(); }, rules);
  auto complain = [&](const std::string& household, const std::string& building,
                      const std::string& id) {
    TicketDraft d = Inquiry("group");
    d.kind = TicketKind::kComplaint;
    d.category = "noise";
    d.household = household;
    d.location.building = building;
    d.description = "Construction noise after 22:00";
    auto v = desk.Register(d, id, "fp-" + id);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? v->ticket.id : 0;
  };
  std::vector<int64_t> linked;
  linked.push_back(complain("5-1-101", "5", "g1"));
  linked.push_back(complain("5-1-102", "5", "g2"));
  linked.push_back(complain("5-1-102", "5", "g3"));  // same household again
  EXPECT_TRUE(desk.ListIncidents("group")->empty());
  const int64_t elsewhere = complain("6-1-101", "6", "g4");  // other building
  EXPECT_TRUE(desk.ListIncidents("group")->empty());
  linked.push_back(complain("5-2-201", "5", "g5"));  // third household: opens
  linked.push_back(complain("5-2-202", "5", "g6"));  // linked, no new warning
  auto incidents = desk.ListIncidents("group");
  ASSERT_TRUE(incidents.ok()) << incidents.status();
  ASSERT_EQ(incidents->size(), 1u);
  EXPECT_EQ((*incidents)[0].building, "5");
  EXPECT_EQ((*incidents)[0].category, "noise");
  EXPECT_EQ((*incidents)[0].ticket_ids, linked);
  EXPECT_EQ(std::count(linked.begin(), linked.end(), elsewhere), 0);
  int warnings = 0;
  for (const TicketEvent& e : AllEvents()) {
    if (e.type == TicketEventType::kGroupComplaintWarning) {
      ++warnings;
      EXPECT_EQ(e.ticket_id, linked[3]);
    }
  }
  EXPECT_EQ(warnings, 1);
}

TEST_F(TicketsStorageTest, WarrantyReminderFiresOnceWithinTheLeadTime) {
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
  auto defect = [&](int days_left, const std::string& id) {
    TicketDraft d = Inquiry("warranty");
    d.kind = TicketKind::kLegacyDefect;
    d.location.building = "2";
    d.warranty_end = today + days_left;
    auto v = replica_->desk->Register(d, id, "fp-" + id);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? v->ticket.id : 0;
  };
  const int64_t soon = defect(20, "w1");
  defect(45, "w2");  // beyond the 30-day lead time
  auto first = replica_->desk->FireWarrantyReminders(100);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].ticket_id, soon);
  EXPECT_EQ((*first)[0].type, TicketEventType::kWarrantyReminder);
  auto again = replica_->desk->FireWarrantyReminders(100);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST_F(TicketsStorageTest, StockTakeReadsOpenComplaintsWithTheirLatestNote) {
  TicketDraft d = Inquiry("stock");
  d.kind = TicketKind::kComplaint;
  auto open = replica_->desk->Register(d, "st-1", "fp-1");
  ASSERT_TRUE(open.ok()) << open.status();
  TicketCommand note;
  note.action = TicketAction::kUpdateProgress;
  note.actor = {ActorKind::kStaff, "cs-001"};
  note.note = "Root cause: the lift contractor's schedule";
  ASSERT_TRUE(replica_->desk->Act("stock", open->ticket.id, 1, "st-n", "fp-n", note)
                  .ok());
  auto other = replica_->desk->Register(d, "st-2", "fp-2");
  ASSERT_TRUE(other.ok());
  TicketCommand cancel;
  cancel.action = TicketAction::kCancel;
  cancel.actor = {ActorKind::kStaff, "cs-001"};
  cancel.cancel_reason = CancelReason::kDuplicate;
  ASSERT_TRUE(
      replica_->desk->Act("stock", other->ticket.id, 1, "st-c", "fp-c", cancel)
          .ok());
  const absl::CivilDay today =
      absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
  auto take = replica_->desk->StockTake("stock", today);
  ASSERT_TRUE(take.ok()) << take.status();
  ASSERT_EQ(take->size(), 1u);
  EXPECT_EQ((*take)[0].view.ticket.id, open->ticket.id);
  EXPECT_EQ((*take)[0].root_cause, "Root cause: the lift contractor's schedule");
  auto yesterday = replica_->desk->StockTake("stock", today - 1);
  ASSERT_TRUE(yesterday.ok());
  EXPECT_TRUE(yesterday->empty());
}

TEST_F(TicketsStorageTest, SavedPolicyRecomputesOpenTicketsClocks) {
  ASSERT_TRUE(replica_->desk->LoadPolicies().ok());
  EXPECT_EQ(replica_->desk->Policies().size(), 18u);  // seeded defaults
  auto open = replica_->desk->Register(Inquiry("policy"), "p-1", "fp-1");
  ASSERT_TRUE(open.ok());
  // The stored FastRules row would warn after 1 s; the community row gives
  // the first response an hour.
  SlaPolicy row;
  row.id = "policy-inquiries";
  row.kind = TicketKind::kInquiry;
  row.priority = Priority::kRoutine;
  row.community = "policy";
  row.targets[SlaTarget::kFirstResponse] = SlaClockSpec::Natural(absl::Hours(1));
  auto saved = replica_->desk->SavePolicy(row, std::nullopt);
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_EQ(saved->version, 1);
  EXPECT_EQ(replica_->desk->SavePolicy(row, std::nullopt).status().code(),
            absl::StatusCode::kAlreadyExists);
  auto recomputed = replica_->desk->RecomputeMarked(100);
  ASSERT_TRUE(recomputed.ok()) << recomputed.status();
  EXPECT_GE(*recomputed, 1);
  EXPECT_EQ(*replica_->desk->RecomputeMarked(100), 0);  // marks cleared
  // The stored clock moved: nothing is due within the old 2 s target.
  prometheus::Registry registry;
  SlaEngine engine(*replica_->desk, registry, {});
  absl::SleepFor(absl::Milliseconds(1200));
  auto fired = engine.RunOnce();
  ASSERT_TRUE(fired.ok());
  EXPECT_EQ(*fired, 0);
  auto next = replica_->desk->NextEscalationTime();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_GT(**next, absl::Now() + absl::Minutes(25));  // the 50 % warning
  // A stale update is refused; a current one bumps the version.
  row.targets[SlaTarget::kFirstResponse] = SlaClockSpec::Natural(absl::Hours(2));
  EXPECT_EQ(replica_->desk->SavePolicy(row, 7).status().code(),
            absl::StatusCode::kAborted);
  auto updated = replica_->desk->SavePolicy(row, 1);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->version, 2);
}

TEST_F(TicketsStorageTest, ReplacedHolidayTableReachesOtherReplicas) {
  ASSERT_TRUE(replica_->desk->Register(Inquiry("hol"), "h-1", "fp-1").ok());
  const std::string text =
      "year 2027\n2027-02-06..2027-02-12 holiday Spring Festival\n";
  auto replaced = replica_->desk->ReplaceHolidayTable(text);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  std::unique_ptr<Replica> other = NewReplica();
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other->desk->Calendar()->fingerprint(),
            replaced->calendar->fingerprint());
  ASSERT_TRUE(other->desk->LoadPolicies().ok());
  EXPECT_EQ(other->desk->Calendar()->fingerprint(),
            replaced->calendar->fingerprint());
  EXPECT_EQ(other->desk->Holidays().text, text);
  // Every open ticket was marked for recomputation.
  auto recomputed = other->desk->RecomputeMarked(100);
  ASSERT_TRUE(recomputed.ok()) << recomputed.status();
  EXPECT_GE(*recomputed, 1);
}

TEST_F(TicketsStorageTest, CommunityCalendarIsStoredAndReloaded) {
  CommunityCalendar settings;
  settings.community = "cal";
  settings.time_zone = "Asia/Urumqi";
  settings.hours.days[0] = {{8 * 60, 12 * 60}, {14 * 60, 18 * 60}};
  settings.hours.days[5] = {{9 * 60, 12 * 60}};
  settings.hours.makeup_day = std::vector<calendar::OfficeInterval>{{9 * 60, 17 * 60}};
  auto saved = replica_->desk->SaveCommunityCalendar(settings);
  ASSERT_TRUE(saved.ok()) << saved.status();
  std::unique_ptr<Replica> other = NewReplica();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->desk->LoadPolicies().ok());
  auto loaded = other->desk->CalendarFor("cal");
  EXPECT_EQ(loaded->fingerprint(), (*saved)->fingerprint());
  EXPECT_EQ(loaded->time_zone().name(), "Asia/Urumqi");
  EXPECT_EQ(loaded->hours().days[0], settings.hours.days[0]);
  EXPECT_EQ(loaded->hours().days[5], settings.hours.days[5]);
  EXPECT_TRUE(loaded->hours().days[6].empty());
  EXPECT_EQ(loaded->hours().makeup_day, settings.hours.makeup_day);
  EXPECT_NE(other->desk->CalendarFor("another")->fingerprint(),
            loaded->fingerprint());
}

TEST_F(TicketsStorageTest, BacklogGaugesCountOpenAndAtRiskTickets) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(replica_->desk
                    ->Register(Inquiry("gauges"), absl::StrCat("g-", i),
                               absl::StrCat("fp-", i))
                    .ok());
  }
  auto first = replica_->desk->List("gauges", {}, 0, 10);
  ASSERT_TRUE(first.ok());
  TicketCommand respond;
  respond.action = TicketAction::kRespond;
  respond.actor = {ActorKind::kStaff, "cs-001"};
  ASSERT_TRUE(replica_->desk
                  ->Act("gauges", first->tickets[0].id, 1, "r", "fp-r", respond)
                  .ok());
  prometheus::Registry registry;
  SlaEngine engine(*replica_->desk, registry, {});
  auto gauge = [&](const std::string& family,
                   const std::map<std::string, std::string>& labels) {
    for (const auto& f : registry.Collect()) {
      if (f.name != family) continue;
      for (const auto& m : f.metric) {
        std::map<std::string, std::string> have;
        for (const auto& l : m.label) have[l.name] = l.value;
        if (have == labels) return m.gauge.value;
      }
    }
    return -1.0;
  };
  absl::SleepFor(absl::Milliseconds(1200));  // past the 1 s handler warning
  ASSERT_TRUE(engine.RunOnce().ok());
  ASSERT_TRUE(engine.RefreshGauges().ok());
  const std::map<std::string, std::string> registered = {
      {"kind", "inquiry"}, {"priority", "routine"}, {"state", "registered"}};
  EXPECT_EQ(gauge("steward_tickets_open", registered), 2);
  EXPECT_EQ(gauge("steward_tickets_open", {{"kind", "inquiry"},
                                           {"priority", "routine"},
                                           {"state", "responded"}}),
            1);
  EXPECT_EQ(gauge("steward_tickets_at_risk", {{"target", "first_response"}}), 2);
  absl::SleepFor(absl::Milliseconds(1000));  // past the 2 s breach
  ASSERT_TRUE(engine.RunOnce().ok());       // supervisor warnings
  ASSERT_TRUE(engine.RunOnce().ok());       // breaches
  ASSERT_TRUE(engine.RefreshGauges().ok());
  EXPECT_EQ(gauge("steward_tickets_at_risk", {{"target", "first_response"}}), 0);
  EXPECT_EQ(gauge("steward_tickets_open", registered), 2);
  // 3 created + 1 responded + 2 × 3 escalations, none handed out yet.
  EXPECT_EQ(gauge("steward_ticket_events_backlog", {}), 10);
  EXPECT_EQ(AllEvents().size(), 10u);
  ASSERT_TRUE(engine.RefreshGauges().ok());
  EXPECT_EQ(gauge("steward_ticket_events_backlog", {}), 0);
}

}  // namespace
}  // namespace steward::tickets
