// The tickets repository, desk and SLA engine in-process against the real
// MariaDB (a scratch schema migrated with the service's own files): etag
// races, mutation retries, atomic changes, escalations fired exactly once
// by two engine instances sharing the database, and personal data sealed at
// rest (raw rows, key rotation, legacy plaintext rows).
#include <cppconn/driver.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/crypto/data_keys.h"
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
    keys_text_ = crypto::DataKeyRing::GenerateText();
    auto keys = crypto::DataKeyRing::Parse(keys_text_);
    ASSERT_TRUE(keys.ok()) << keys.status();
    keys_.emplace(*std::move(keys));
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

  // A replica sealing with `keys` (the fixture's ring when null) on `schema`
  // (the fixture's when empty).
  std::unique_ptr<Replica> NewReplica(const crypto::DataKeyRing* keys = nullptr,
                                      const std::string& schema = "") {
    auto r = std::make_unique<Replica>();
    db::DbConfig config;
    config.port = env_.db_port;
    config.user = "steward_admin";
    config.password = ::steward::testing::ReadPassword(env_, "admin");
    config.schema = schema.empty() ? schema_ : schema;
    config.pool_size = 4;
    auto pool = db::ConnectionPool::Create(config, &r->metrics);
    if (!pool.ok()) {
      ADD_FAILURE() << pool.status();
      return nullptr;
    }
    r->pool = *std::move(pool);
    r->repository = std::make_unique<MysqlTicketRepository>(
        *r->pool, keys != nullptr ? *keys : *keys_);
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

  // A plain connection to the scratch schema, outside the repository.
  std::unique_ptr<sql::Connection> Raw() {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("127.0.0.1");
    options["port"] = env_.db_port;
    options["userName"] = sql::SQLString("steward_admin");
    options["password"] =
        sql::SQLString(::steward::testing::ReadPassword(env_, "admin"));
    options["schema"] = sql::SQLString(schema_);
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    return std::unique_ptr<sql::Connection>(
        get_driver_instance()->connect(options));
  }

  // Every column of a tickets row as stored (NULL: absent).
  std::map<std::string, std::optional<std::string>> RawRow(int64_t id) {
    std::map<std::string, std::optional<std::string>> row;
    auto conn = Raw();
    std::unique_ptr<sql::PreparedStatement> select(
        conn->prepareStatement("SELECT * FROM tickets WHERE id = ?"));
    select->setInt64(1, id);
    std::unique_ptr<sql::ResultSet> r(select->executeQuery());
    if (!r->next()) {
      ADD_FAILURE() << "no tickets row " << id;
      return row;
    }
    sql::ResultSetMetaData* meta = r->getMetaData();
    for (unsigned int i = 1; i <= meta->getColumnCount(); ++i) {
      const std::string name = meta->getColumnLabel(i);
      if (r->isNull(i)) {
        row[name] = std::nullopt;
      } else {
        row[name] = std::string(r->getString(i));
      }
    }
    return row;
  }

  // Fails the test when any of `secrets` occurs in any column of the row.
  void ExpectNoPlaintext(int64_t id, const std::vector<std::string>& secrets) {
    for (const auto& [column, value] : RawRow(id)) {
      if (!value.has_value()) continue;
      for (const std::string& secret : secrets) {
        EXPECT_EQ(value->find(secret), std::string::npos)
            << "ticket " << id << " column " << column << " holds \"" << secret
            << "\" in the clear";
      }
    }
  }

  int64_t RawCount(const std::string& where) {
    auto conn = Raw();
    std::unique_ptr<sql::Statement> statement(conn->createStatement());
    std::unique_ptr<sql::ResultSet> r(
        statement->executeQuery("SELECT COUNT(*) FROM tickets WHERE " + where));
    return r->next() ? r->getInt64(1) : -1;
  }

  // A ring whose active key is a new "k2", keeping the fixture's keys (k1 and
  // the lookup key) to open and hash with: a rotation in progress.
  crypto::DataKeyRing RotatedRing() {
    const std::string fresh = crypto::DataKeyRing::GenerateText();
    const size_t at = fresh.find("\nk1 ");
    EXPECT_NE(at, std::string::npos);
    const size_t end = fresh.find('\n', at + 1);
    const std::string key = fresh.substr(at + 4, end - (at + 4));
    auto ring =
        crypto::DataKeyRing::Parse(absl::StrCat("k2 ", key, "\n", keys_text_));
    EXPECT_TRUE(ring.ok()) << ring.status();
    EXPECT_EQ(ring->active_key_id(), "k2");
    return *std::move(ring);
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
  std::string keys_text_;
  std::optional<crypto::DataKeyRing> keys_;
  std::string schema_;
  std::unique_ptr<Replica> replica_;
};

// A ticket with every personal field set (all of them sealed at rest).
TicketDraft Personal(const std::string& community,
                     const std::string& household) {
  TicketDraft d = Inquiry(community);
  d.kind = TicketKind::kHouseholdRepair;
  d.description = "Water leaking from the bathroom ceiling";
  d.location.building = "3";
  d.location.unit = "2";
  d.location.room = "一二〇一室";
  d.household = household;
  d.contact_name = "欧阳娜娜";
  d.contact_phone = "+86 138-0013-8000";
  return d;
}

void ExpectSamePersonalData(const TicketDraft& got, const TicketDraft& want) {
  EXPECT_EQ(got.household, want.household);
  EXPECT_EQ(got.location.room, want.location.room);
  EXPECT_EQ(got.contact_name, want.contact_name);
  EXPECT_EQ(got.contact_phone, want.contact_phone);
}

std::vector<int64_t> Ids(const absl::StatusOr<TicketPage>& page) {
  std::vector<int64_t> ids;
  EXPECT_TRUE(page.ok()) << page.status();
  if (page.ok()) {
    for (const Ticket& t : page->tickets) ids.push_back(t.id);
  }
  return ids;
}

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
  // Both engines report each step's delay once, every one within 1 s.
  uint64_t observed = 0, within_1s = 0;
  for (prometheus::Registry* registry : {&r1, &r2}) {
    for (const auto& family : registry->Collect()) {
      if (family.name != "steward_sla_escalation_delay_seconds") continue;
      for (const auto& metric : family.metric) {
        observed += metric.histogram.sample_count;
        for (const auto& bucket : metric.histogram.bucket) {
          if (bucket.upper_bound == 1) within_1s += bucket.cumulative_count;
        }
      }
    }
  }
  EXPECT_EQ(observed, static_cast<uint64_t>((kTickets - 1) * 3));
  EXPECT_EQ(within_1s, observed);
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

TEST_F(TicketsStorageTest, TheFeedTailStopsBeforeEventsYoungerThanTheSettleTime) {
  MysqlTicketRepository repository(*replica_->pool, *keys_,
                                   absl::Milliseconds(400));
  auto tail = repository.EventFeedTail();
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_EQ(*tail, 0);  // an empty feed starts at its beginning

  ASSERT_TRUE(replica_->desk->Register(Inquiry("tail"), "t-1", "fp-1").ok());
  EXPECT_EQ(*repository.EventFeedTail(), 0);  // too young to be past
  absl::SleepFor(absl::Milliseconds(600));
  const int64_t first = *repository.EventFeedTail();
  EXPECT_GT(first, 0);
  ASSERT_TRUE(replica_->desk->Register(Inquiry("tail"), "t-2", "fp-2").ok());
  EXPECT_EQ(*repository.EventFeedTail(), first);
  absl::SleepFor(absl::Milliseconds(600));
  const int64_t second = *repository.EventFeedTail();
  EXPECT_GT(second, first);
  // Nothing after the tail but what came later: one "created" per ticket.
  auto after = replica_->desk->ListEvents(second, 10);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_TRUE(after->empty());
  auto between = replica_->desk->ListEvents(first, 10);
  ASSERT_TRUE(between.ok()) << between.status();
  ASSERT_EQ(between->size(), 1u);
  EXPECT_EQ((*between)[0].id, second);
}

}  // namespace
}  // namespace steward::tickets

namespace steward::tickets {
namespace {

TEST_F(TicketsStorageTest, PersonalDataRoundTrips) {
  const TicketDraft draft = Personal("pii", "3-2-1201");
  auto created = replica_->desk->Register(draft, "pii-1", "fp-1");
  ASSERT_TRUE(created.ok()) << created.status();
  ExpectSamePersonalData(created->ticket.draft, draft);
  auto fetched = replica_->desk->Get("pii", created->ticket.id);
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  ExpectSamePersonalData(fetched->ticket.draft, draft);
  EXPECT_EQ(fetched->ticket.draft.location.building, "3");
  EXPECT_EQ(fetched->ticket.draft.location.unit, "2");
  auto listed = replica_->desk->List("pii", {}, 0, 10);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->tickets.size(), 1u);
  ExpectSamePersonalData(listed->tickets[0].draft, draft);
  // A retried create answers with the stored row, opened.
  auto replayed = replica_->desk->Register(draft, "pii-1", "fp-1");
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->ticket.id, created->ticket.id);
  ExpectSamePersonalData(replayed->ticket.draft, draft);
  // Lifecycle changes leave the sealed columns as they were.
  ASSERT_TRUE(
      replica_->desk
          ->Act("pii", created->ticket.id, 1, "a-1", "fp-a", Assign("eng-1"))
          .ok());
  ExpectSamePersonalData(
      replica_->desk->Get("pii", created->ticket.id)->ticket.draft, draft);
  // Empty personal fields stay empty, with no lookup hashes.
  auto bare = replica_->desk->Register(Inquiry("pii"), "pii-2", "fp-2");
  ASSERT_TRUE(bare.ok()) << bare.status();
  auto row = RawRow(bare->ticket.id);
  EXPECT_EQ(row["household"], "");
  EXPECT_EQ(row["contact_phone"], "");
  EXPECT_EQ(row["household_hash"], std::nullopt);
  EXPECT_EQ(row["contact_phone_hash"], std::nullopt);
  EXPECT_EQ(row["pii_sealed"], "1");
  EXPECT_EQ(replica_->desk->Get("pii", bare->ticket.id)->ticket.draft.household,
            "");
}

TEST_F(TicketsStorageTest, RawRowsHoldNoPlaintextPersonalData) {
  const TicketDraft draft = Personal("raw", "3-2-1201");
  auto created = replica_->desk->Register(draft, "raw-1", "fp-1");
  ASSERT_TRUE(created.ok()) << created.status();
  ExpectNoPlaintext(
      created->ticket.id,
      {"13800138000", "138-0013-8000", draft.contact_phone, draft.contact_name,
       "欧阳", draft.household, draft.location.room});
  auto row = RawRow(created->ticket.id);
  ASSERT_TRUE(row["household_hash"].has_value());
  ASSERT_TRUE(row["contact_phone_hash"].has_value());
  EXPECT_EQ(row["household_hash"]->size(), 32u);
  EXPECT_EQ(row["contact_phone_hash"]->size(), 32u);
  EXPECT_EQ(row["pii_sealed"], "1");
  // The key id travels in the blob; unsealed columns stay readable.
  EXPECT_EQ(crypto::DataKeyRing::SealedKeyId(*row["contact_phone"]), "k1");
  EXPECT_EQ(crypto::DataKeyRing::SealedKeyId(*row["household"]), "k1");
  EXPECT_EQ(crypto::DataKeyRing::SealedKeyId(*row["room"]), "k1");
  EXPECT_EQ(crypto::DataKeyRing::SealedKeyId(*row["contact_name"]), "k1");
  EXPECT_EQ(row["building"], "3");
  // The phone hash is of the normalised number, the household's of
  // "community/household".
  EXPECT_EQ(*row["contact_phone_hash"],
            keys_->LookupHash("tickets.contact_phone", "13800138000"));
  EXPECT_EQ(*row["household_hash"],
            keys_->LookupHash("tickets.household", "raw/3-2-1201"));
}

TEST_F(TicketsStorageTest, UnopenableValueReadsEmptyAndKeepsItsBytes) {
  const TicketDraft draft = Personal("tamper", "3-2-1201");
  auto created = replica_->desk->Register(draft, "t-1", "fp-1");
  ASSERT_TRUE(created.ok()) << created.status();
  const int64_t id = created->ticket.id;
  // A blob moved to another column no longer opens (the column is bound in).
  Admin(absl::StrCat(
      "UPDATE ", schema_,
      ".tickets SET contact_name = contact_phone WHERE id = ", id));
  const auto before = RawRow(id);
  auto fetched = replica_->desk->Get("tamper", id);
  ASSERT_TRUE(fetched.ok()) << fetched.status();
  EXPECT_EQ(fetched->ticket.draft.contact_name, "");
  EXPECT_EQ(fetched->ticket.draft.contact_phone, draft.contact_phone);
  EXPECT_EQ(fetched->ticket.draft.household, draft.household);
  auto listed = replica_->desk->List("tamper", {}, 0, 10);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_TRUE(
      replica_->desk->Act("tamper", id, 1, "a", "fp-a", Assign("e")).ok());
  const auto after = RawRow(id);
  EXPECT_EQ(after.at("contact_name"), before.at("contact_name"));
  EXPECT_EQ(after.at("household"), before.at("household"));
}

TEST_F(TicketsStorageTest, ListFiltersByHousehold) {
  auto add = [&](const std::string& community, const std::string& household,
                 const std::string& id) {
    auto v = replica_->desk->Register(Personal(community, household), id,
                                      "fp-" + id);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? v->ticket.id : 0;
  };
  const int64_t a1 = add("hh", "3-2-1201", "a1");
  const int64_t b1 = add("hh", "3-2-1202", "b1");
  const int64_t a2 = add("hh", "3-2-1201", "a2");
  const int64_t c1 = add("hh", "4-1-0101", "c1");
  add("other", "3-2-1201", "x1");  // the same household id elsewhere
  TicketDraft public_area = Inquiry("hh");
  public_area.kind = TicketKind::kPublicRepair;
  public_area.location.building = "3";
  ASSERT_TRUE(replica_->desk->Register(public_area, "p1", "fp-p1").ok());
  auto list = [&](std::vector<std::string> households) {
    TicketFilter filter;
    filter.households = std::move(households);
    return Ids(replica_->desk->List("hh", filter, 0, 50));
  };
  EXPECT_EQ(list({"3-2-1201"}), (std::vector<int64_t>{a2, a1}));
  EXPECT_EQ(list({"3-2-1201", "3-2-1202"}), (std::vector<int64_t>{a2, b1, a1}));
  EXPECT_EQ(list({"3-2-1202", "4-1-0101", "3-2-1201"}),
            (std::vector<int64_t>{c1, a2, b1, a1}));
  EXPECT_TRUE(list({"9-9-9999"}).empty());
  EXPECT_EQ(list({}).size(), 5u);
  // Combined with another filter; paging carries it.
  TicketFilter with_kind{.kind = TicketKind::kHouseholdRepair};
  with_kind.households = {"3-2-1201"};
  auto first = replica_->desk->List("hh", with_kind, 0, 1);
  EXPECT_EQ(Ids(first), std::vector<int64_t>{a2});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(replica_->desk->List("hh", with_kind, first->next_after_id, 1)),
            std::vector<int64_t>{a1});
  // Eight is the most one query takes.
  std::vector<std::string> eight = {"3-2-1201", "1", "2", "3",
                                    "4",        "5", "6", "7"};
  EXPECT_EQ(list(eight), (std::vector<int64_t>{a2, a1}));
  std::vector<std::string> nine = eight;
  nine.push_back("8");
  TicketFilter too_many;
  too_many.households = nine;
  auto refused = replica_->repository->List("hh", too_many, 0, 50);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("households"),
            absl::string_view::npos)
      << refused.status();
}

TEST_F(TicketsStorageTest, ListFindsAPhoneNumbersTicketsByItsLookupHash) {
  auto add = [&](const std::string& community, const std::string& phone,
                 const std::string& id) {
    TicketDraft draft = Personal(community, "3-2-1201");
    draft.contact_phone = phone;
    auto v = replica_->desk->Register(draft, id, "fp-" + id);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? v->ticket.id : 0;
  };
  const int64_t p1 = add("ph", "+86 138-0013-8000", "p1");
  const int64_t q1 = add("ph", "139 0000 1111", "q1");
  const int64_t p2 = add("ph", "13800138000", "p2");
  const int64_t p3 = add("ph", "0086 138 0013 8000", "p3");
  add("ph-other", "13800138000", "x1");  // the same number elsewhere
  add("ph", "", "none");
  auto list = [&](const std::string& phone, int64_t before, int limit) {
    TicketFilter filter;
    filter.contact_phone = phone;
    return replica_->desk->List("ph", filter, before, limit);
  };
  EXPECT_EQ(Ids(list("138-0013-8000", 0, 50)),
            (std::vector<int64_t>{p3, p2, p1}));
  EXPECT_EQ(Ids(list("13900001111", 0, 50)), std::vector<int64_t>{q1});
  EXPECT_TRUE(Ids(list("13900002222", 0, 50)).empty());
  // Paging walks the same number's tickets; other filters still apply.
  auto first = list("13800138000", 0, 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Ids(first), (std::vector<int64_t>{p3, p2}));
  EXPECT_EQ(Ids(list("13800138000", first->next_after_id, 2)),
            std::vector<int64_t>{p1});
  TicketFilter closed{.state = TicketState::kClosed};
  closed.contact_phone = "13800138000";
  EXPECT_TRUE(Ids(replica_->desk->List("ph", closed, 0, 50)).empty());
  // The stored column is the keyed hash, never the number.
  EXPECT_EQ(RawCount("contact_phone_hash IS NOT NULL AND community_id = 'ph'"),
            4);
  EXPECT_EQ(RawCount("contact_phone LIKE '%13800138000%'"), 0);
}

TEST_F(TicketsStorageTest, AnOwnersListAddsTheirOwnReports) {
  auto add = [&](TicketDraft draft, const std::string& reporter,
                 const std::string& id) {
    draft.reporter = reporter;
    auto v = replica_->desk->Register(draft, id, "fp-" + id);
    EXPECT_TRUE(v.ok()) << v.status();
    if (v.ok()) EXPECT_EQ(v->ticket.draft.reporter, reporter);
    return v.ok() ? v->ticket.id : 0;
  };
  TicketDraft lift = Inquiry("rep");
  lift.kind = TicketKind::kPublicRepair;
  lift.location.building = "3";
  const int64_t home = add(Personal("rep", "3-2-1201"), "", "h1");
  const int64_t mine = add(lift, "o-1", "p1");
  add(lift, "o-2", "p2");                    // another owner's report
  add(lift, "", "p3");                       // registered by staff
  TicketDraft elsewhere = lift;
  elsewhere.community = "rep-other";
  add(elsewhere, "o-1", "p4");               // their report in another community
  const int64_t later = add(lift, "o-1", "p5");

  auto get = replica_->desk->Get("rep", mine);
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ(get->ticket.draft.reporter, "o-1");
  TicketFilter own;
  own.households = {"3-2-1201"};
  own.or_reported_by = "o-1";
  EXPECT_EQ(Ids(replica_->desk->List("rep", own, 0, 50)),
            (std::vector<int64_t>{later, mine, home}));
  // Paging carries it.
  auto first = replica_->desk->List("rep", own, 0, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Ids(replica_->desk->List("rep", own, first->next_after_id, 2)),
            std::vector<int64_t>{home});
  // With no household here only their reports; a filter still applies.
  TicketFilter reports_only;
  reports_only.or_reported_by = "o-1";
  EXPECT_EQ(Ids(replica_->desk->List("rep", reports_only, 0, 50)),
            (std::vector<int64_t>{later, mine}));
  reports_only.kind = TicketKind::kHouseholdRepair;
  EXPECT_TRUE(Ids(replica_->desk->List("rep", reports_only, 0, 50)).empty());
  EXPECT_EQ(Ids(replica_->desk->List("rep", TicketFilter{}, 0, 50)).size(), 5u);
}

TEST_F(TicketsStorageTest, KeyRotationKeepsOldValuesReadable) {
  const TicketDraft first = Personal("rot", "3-2-1201");
  auto old_ticket = replica_->desk->Register(first, "r-1", "fp-1");
  ASSERT_TRUE(old_ticket.ok()) << old_ticket.status();
  const crypto::DataKeyRing rotated = RotatedRing();
  std::unique_ptr<Replica> r2 = NewReplica(&rotated);
  ASSERT_NE(r2, nullptr);
  // Sealed under k1, opened by the rotated ring.
  auto read = r2->desk->Get("rot", old_ticket->ticket.id);
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSamePersonalData(read->ticket.draft, first);
  // New values are sealed under k2 and read back with the rotated ring.
  TicketDraft second = Personal("rot", "3-2-1201");
  second.contact_name = "张三";
  second.contact_phone = "13912345678";
  auto new_ticket = r2->desk->Register(second, "r-2", "fp-2");
  ASSERT_TRUE(new_ticket.ok()) << new_ticket.status();
  auto reread = r2->desk->Get("rot", new_ticket->ticket.id);
  ASSERT_TRUE(reread.ok()) << reread.status();
  ExpectSamePersonalData(reread->ticket.draft, second);
  EXPECT_EQ(crypto::DataKeyRing::SealedKeyId(
                *RawRow(new_ticket->ticket.id)["contact_phone"]),
            "k2");
  EXPECT_EQ(crypto::DataKeyRing::SealedKeyId(
                *RawRow(old_ticket->ticket.id)["contact_phone"]),
            "k1");
  // The lookup key did not rotate: one household filter finds both.
  TicketFilter filter;
  filter.households = {"3-2-1201"};
  const std::vector<int64_t> both = {new_ticket->ticket.id,
                                     old_ticket->ticket.id};
  EXPECT_EQ(Ids(r2->desk->List("rot", filter, 0, 10)), both);
  EXPECT_EQ(Ids(replica_->desk->List("rot", filter, 0, 10)), both);
  // A replica without k2 still answers: the values it cannot open are empty.
  auto stale = replica_->desk->Get("rot", new_ticket->ticket.id);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(stale->ticket.draft.contact_phone, "");
  EXPECT_EQ(stale->ticket.draft.household, "");
  EXPECT_EQ(stale->ticket.draft.location.building, "3");
}

TEST_F(TicketsStorageTest, LegacyPlaintextRowsAreSealedInPlace) {
  // Rows as the code before V010 wrote them: plaintext, pii_sealed = 0.
  auto legacy = [&](const std::string& household, const std::string& name,
                    const std::string& phone, const std::string& request) {
    auto conn = Raw();
    std::unique_ptr<sql::PreparedStatement> insert(conn->prepareStatement(
        "INSERT INTO tickets (community_id, kind, priority, channel, line,"
        " building, unit, room, description, state, version, request_id,"
        " request_fingerprint, create_time, update_time, category, household,"
        " contact_name, contact_phone) VALUES ('legacy', 3, 3, 2, 5, '5', '1',"
        " ?, 'Noise at night', 1, 1, ?, 'fp', UTC_TIMESTAMP(6),"
        " UTC_TIMESTAMP(6), 'noise', ?, ?, ?)"));
    insert->setString(1, "一〇一室");
    insert->setString(2, request);
    insert->setString(3, household);
    insert->setString(4, name);
    insert->setString(5, phone);
    insert->executeUpdate();
    std::unique_ptr<sql::Statement> s(conn->createStatement());
    std::unique_ptr<sql::ResultSet> r(
        s->executeQuery("SELECT LAST_INSERT_ID()"));
    r->next();
    return r->getInt64(1);
  };
  const int64_t first = legacy("5-1-101", "李四", "139-0000-1111", "l-1");
  const int64_t second = legacy("5-1-102", "王五", "13900002222", "l-2");
  EXPECT_EQ(RawCount("pii_sealed = 0"), 2);
  // Not sealed yet: read as stored.
  auto before = replica_->repository->Get("legacy", first);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(before->draft.contact_phone, "139-0000-1111");
  EXPECT_EQ(before->draft.location.room, "一〇一室");

  auto sealed = replica_->repository->SealLegacyRows();
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(*sealed, 2);
  EXPECT_EQ(*replica_->repository->SealLegacyRows(), 0);  // idempotent
  EXPECT_EQ(RawCount("pii_sealed = 0"), 0);
  ExpectNoPlaintext(
      first, {"139-0000-1111", "13900001111", "李四", "5-1-101", "一〇一室"});
  ExpectNoPlaintext(second, {"13900002222", "王五", "5-1-102"});
  auto row = RawRow(first);
  ASSERT_TRUE(row["household_hash"].has_value());
  EXPECT_EQ(row["household_hash"]->size(), 32u);
  EXPECT_EQ(*row["contact_phone_hash"],
            keys_->LookupHash("tickets.contact_phone", "13900001111"));
  auto after = replica_->repository->Get("legacy", first);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->draft.household, "5-1-101");
  EXPECT_EQ(after->draft.contact_name, "李四");
  EXPECT_EQ(after->draft.contact_phone, "139-0000-1111");
  EXPECT_EQ(after->draft.location.room, "一〇一室");
  TicketFilter filter;
  filter.households = {"5-1-102"};
  EXPECT_EQ(Ids(replica_->desk->List("legacy", filter, 0, 10)),
            std::vector<int64_t>{second});

  // The sealed households count towards a group complaint: a third one
  // opens the incident and links all three.
  SlaRules rules = FastRules();
  rules.group_complaints = {.households = 3, .window = absl::Hours(1)};
  TicketDesk desk(
      *replica_->repository, [] { return absl::Now(); }, rules);
  TicketDraft third = Inquiry("legacy");
  third.kind = TicketKind::kComplaint;
  third.category = "noise";
  third.location.building = "5";
  third.household = "5-1-103";
  auto opened = desk.Register(third, "l-3", "fp-3");
  ASSERT_TRUE(opened.ok()) << opened.status();
  auto incidents = desk.ListIncidents("legacy");
  ASSERT_TRUE(incidents.ok()) << incidents.status();
  ASSERT_EQ(incidents->size(), 1u);
  EXPECT_EQ((*incidents)[0].ticket_ids,
            (std::vector<int64_t>{first, second, opened->ticket.id}));
}

TEST_F(TicketsStorageTest, TwoReplicasSealLegacyRowsTogether) {
  constexpr int kRows = 1234;  // more than two batches each
  Admin(absl::StrCat(
      "INSERT INTO ", schema_,
      ".tickets (community_id, kind, priority, channel, line, building,"
      " description, state, version, request_id, request_fingerprint,"
      " create_time, update_time, household, contact_name, contact_phone)"
      " SELECT 'bulk', 1, 3, 2, 2, '3', 'Leak', 1, 1, CONCAT('b-', seq), 'fp',"
      " UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), CONCAT('3-2-', seq), 'Owner',"
      " CONCAT('1390000', LPAD(seq, 4, '0')) FROM ",
      schema_, ".seq_1_to_", kRows));
  ASSERT_EQ(RawCount("pii_sealed = 0"), kRows);
  std::unique_ptr<Replica> a = NewReplica(), b = NewReplica();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  absl::StatusOr<int> sealed_a, sealed_b;
  std::thread ta([&] { sealed_a = a->repository->SealLegacyRows(); });
  std::thread tb([&] { sealed_b = b->repository->SealLegacyRows(); });
  ta.join();
  tb.join();
  ASSERT_TRUE(sealed_a.ok()) << sealed_a.status();
  ASSERT_TRUE(sealed_b.ok()) << sealed_b.status();
  EXPECT_EQ(*sealed_a + *sealed_b, kRows);  // each row sealed exactly once
  EXPECT_EQ(RawCount("pii_sealed = 0"), 0);
  EXPECT_EQ(RawCount("household_hash IS NULL OR contact_phone_hash IS NULL"),
            0);
  EXPECT_EQ(RawCount("contact_phone LIKE '139%' OR household LIKE '3-2-%'"), 0);
  int checked = 0;
  int64_t before_id = 0;
  do {
    auto page = replica_->repository->List("bulk", {}, before_id, 500);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Ticket& t : page->tickets) {
      const std::string n(absl::StripPrefix(t.draft.household, "3-2-"));
      EXPECT_EQ(t.draft.contact_phone,
                absl::StrCat("1390000", std::string(4 - n.size(), '0'), n));
      EXPECT_EQ(t.draft.contact_name, "Owner");
      ++checked;
    }
    before_id = page->next_after_id;
  } while (before_id != 0);
  EXPECT_EQ(checked, kRows);

  // A replica's first List seals what older code wrote meanwhile.
  Admin(absl::StrCat(
      "INSERT INTO ", schema_,
      ".tickets (community_id, kind, priority, channel, line, description,"
      " state, version, request_id, request_fingerprint, create_time,"
      " update_time, household, contact_phone) VALUES ('bulk', 1, 3, 2, 2,"
      " 'Leak', 1, 1, 'late', 'fp', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6),"
      " '9-9-909', '13999999999')"));
  std::unique_ptr<Replica> c = NewReplica();
  ASSERT_NE(c, nullptr);
  TicketFilter filter;
  filter.households = {"9-9-909"};
  EXPECT_EQ(Ids(c->repository->List("bulk", filter, 0, 10)).size(), 1u);
  EXPECT_EQ(RawCount("pii_sealed = 0"), 0);
}

TEST_F(TicketsStorageTest, UpgradeFromV009SealsTheExistingRows) {
  // A database as the code before V010 left it, with a row in it.
  const std::string old_schema = schema_ + "_v9";
  Admin("CREATE DATABASE " + old_schema);
  absl::Cleanup drop = [&] { Admin("DROP DATABASE IF EXISTS " + old_schema); };
  std::unique_ptr<Replica> old = NewReplica(nullptr, old_schema);
  ASSERT_NE(old, nullptr);
  auto files = db::LoadMigrations(env_.source_dir + "/services/tickets/schema");
  ASSERT_TRUE(files.ok()) << files.status();
  std::vector<db::MigrationFile> before_v010;
  for (const db::MigrationFile& f : *files) {
    if (f.version < 10) before_v010.push_back(f);
  }
  ASSERT_TRUE(db::ApplyMigrations(*old->pool, before_v010).ok());
  {
    auto conn = Raw();
    std::unique_ptr<sql::PreparedStatement> insert(conn->prepareStatement(
        "INSERT INTO " + old_schema +
        ".tickets (community_id, kind, priority, channel, line, building,"
        " room, description, state, version, request_id, request_fingerprint,"
        " create_time, update_time, household, contact_name, contact_phone)"
        " VALUES ('up', 1, 3, 2, 2, '7', ?, 'Leak', 1, 1, 'u-1', 'fp',"
        " UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), ?, ?, ?)"));
    insert->setString(1, "七〇二室");
    insert->setString(2, "7-1-702");
    insert->setString(3, "诸葛亮");
    insert->setString(4, "+86 137 0000 3333");
    insert->executeUpdate();
  }
  // The upgrade: V010 and later, then the repository's first use.
  auto report = db::ApplyMigrations(*old->pool, *files);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->applied.front(), 10);
  TicketFilter filter;
  filter.households = {"7-1-702"};
  auto page = old->repository->List("up", filter, 0, 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->tickets.size(), 1u);
  const TicketDraft& d = page->tickets[0].draft;
  EXPECT_EQ(d.location.room, "七〇二室");
  EXPECT_EQ(d.household, "7-1-702");
  EXPECT_EQ(d.contact_name, "诸葛亮");
  EXPECT_EQ(d.contact_phone, "+86 137 0000 3333");
  auto conn = Raw();
  std::unique_ptr<sql::Statement> select(conn->createStatement());
  std::unique_ptr<sql::ResultSet> row(select->executeQuery(
      "SELECT room, household, contact_name, contact_phone, pii_sealed,"
      " LENGTH(contact_phone_hash) FROM " +
      old_schema + ".tickets"));
  ASSERT_TRUE(row->next());
  for (int i = 1; i <= 4; ++i) {
    const std::string stored = row->getString(i);
    for (const std::string plain :
         {"七〇二", "7-1-702", "诸葛亮", "13700003333", "137 0000"}) {
      EXPECT_EQ(stored.find(plain), std::string::npos) << "column " << i;
    }
  }
  EXPECT_EQ(row->getInt(5), 1);
  EXPECT_EQ(row->getInt(6), 32);
}

}  // namespace
}  // namespace steward::tickets
