// Crash faults under a create load whose clients retry the same request
// (same request_id, same body) until it is acknowledged: kill -9 of MariaDB
// and kill -9 of the tickets service. Afterwards every acknowledged ticket
// exists exactly once, no request_id produced two tickets, the event feed
// holds each acknowledged ticket's "created" event, consumers that read the
// feed through the service crashes (paging, and on a watch stream) and resume
// from their stored cursors receive every event at least once and, after
// deduplication by event id, once; and the SLA engine fires each escalation
// step exactly once across a service crash.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "tests/fault/fault_load.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

using tickets::v1::TicketService;

constexpr char kDescriptionPrefix[] = "Fault load request ";
// The tickets service's event settle time
// (MysqlTicketRepository::kDefaultEventSettle).
constexpr absl::Duration kFeedSettle = absl::Seconds(5);
const std::vector<std::string> kLoadFlags = {"--rate_limit_per_second=100000",
                                             "--rate_limit_burst=100000"};

std::unique_ptr<grpc::ClientContext> Context(
    absl::Duration timeout = absl::Seconds(3)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

// Where the clients send their calls; the test swaps it when it restarts
// the service on new ports.
class Target {
 public:
  void Set(std::shared_ptr<grpc::Channel> channel) {
    absl::MutexLock lock(&mu_);
    channel_ = std::move(channel);
    ++generation_;
  }
  // The current channel and its generation.
  std::pair<std::shared_ptr<grpc::Channel>, int> Get() const {
    absl::MutexLock lock(&mu_);
    return {channel_, generation_};
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<grpc::Channel> channel_ ABSL_GUARDED_BY(mu_);
  int generation_ ABSL_GUARDED_BY(mu_) = 0;
};

// What the retrying clients saw.
struct LoadOutcome {
  absl::Mutex mu;
  // request_id -> ticket name the acknowledging call returned.
  std::map<std::string, std::string> acknowledged ABSL_GUARDED_BY(mu);
  // Requests given up on after the retry budget ran out.
  std::set<std::string> abandoned ABSL_GUARDED_BY(mu);
  std::map<grpc::StatusCode, int> failures ABSL_GUARDED_BY(mu);
  // Requests acknowledged only after at least one failed attempt.
  int acknowledged_after_retry ABSL_GUARDED_BY(mu) = 0;
  // Of those, the ones whose ticket was registered before the first failed
  // attempt returned: the retry was answered from the stored request (the
  // commit-then-lost-response window), not by a new insert.
  int replayed ABSL_GUARDED_BY(mu) = 0;
  int attempts ABSL_GUARDED_BY(mu) = 0;
};

// `clients` threads each create tickets in `community` until `stop`: every
// logical ticket has its own request_id and is retried unchanged, with a
// short backoff, until OK or `budget` after its first attempt.
class RetryingLoad {
 public:
  RetryingLoad(Target& target, std::string community, int clients,
               absl::Duration budget)
      : target_(target), community_(std::move(community)), budget_(budget) {
    for (int c = 0; c < clients; ++c) {
      threads_.emplace_back([this, c] { Run(c); });
    }
  }
  ~RetryingLoad() { Finish(); }

  // Stops starting new tickets and waits for the in-flight ones to be
  // acknowledged or abandoned.
  void Finish() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  LoadOutcome& outcome() { return outcome_; }
  int acknowledged_count() {
    absl::MutexLock lock(&outcome_.mu);
    return static_cast<int>(outcome_.acknowledged.size());
  }

 private:
  void Run(int client) {
    std::unique_ptr<TicketService::Stub> stub;
    int generation = -1;
    for (int i = 0; !stop_; ++i) {
      const std::string request_id =
          absl::StrCat(community_, "-c", client, "-r", i);
      const tickets::v1::CreateTicketRequest request =
          LoadRequest(community_, request_id, kDescriptionPrefix);
      const absl::Time give_up = absl::Now() + budget_;
      int failed_attempts = 0;
      absl::Time first_failure = absl::InfiniteFuture();
      while (true) {
        auto [channel, current] = target_.Get();
        if (current != generation) {
          stub = TicketService::NewStub(channel);
          generation = current;
        }
        tickets::v1::Ticket out;
        const grpc::Status status =
            stub->CreateTicket(Context().get(), request, &out);
        {
          absl::MutexLock lock(&outcome_.mu);
          ++outcome_.attempts;
          if (status.ok()) {
            outcome_.acknowledged[request_id] = out.name();
            if (failed_attempts > 0) {
              ++outcome_.acknowledged_after_retry;
              if (absl::FromUnixSeconds(out.create_time().seconds()) +
                      absl::Nanoseconds(out.create_time().nanos()) <
                  first_failure) {
                ++outcome_.replayed;
              }
            }
            break;
          }
          ++outcome_.failures[status.error_code()];
          if (failed_attempts++ == 0) first_failure = absl::Now();
          if (absl::Now() >= give_up) {
            outcome_.abandoned.insert(request_id);
            break;
          }
        }
        absl::SleepFor(absl::Milliseconds(50));
      }
    }
  }

  Target& target_;
  const std::string community_;
  const absl::Duration budget_;
  std::atomic<bool> stop_{false};
  LoadOutcome outcome_;
  std::vector<std::thread> threads_;
};

// The exactly-once check: one ticket per acknowledged request, with the
// acknowledged name; no request with two tickets; nothing beyond what was
// acknowledged or abandoned.
void ExpectExactlyOnce(TicketService::Stub& stub, const std::string& community,
                       LoadOutcome& outcome) {
  absl::MutexLock lock(&outcome.mu);
  const std::vector<tickets::v1::Ticket> all = ListAllTickets(stub, community);
  std::map<std::string, std::vector<std::string>> by_request;  // -> names
  std::map<std::string, int> by_name;
  for (const tickets::v1::Ticket& t : all) {
    ++by_name[t.name()];
    std::string request_id = t.description();
    ASSERT_EQ(request_id.rfind(kDescriptionPrefix, 0), 0u) << request_id;
    request_id.erase(0, sizeof(kDescriptionPrefix) - 1);
    by_request[request_id].push_back(t.name());
  }
  for (const auto& [name, count] : by_name) {
    EXPECT_EQ(count, 1) << name << " listed " << count << " times";
  }
  int missing = 0;
  for (const auto& [request_id, name] : outcome.acknowledged) {
    auto it = by_request.find(request_id);
    if (it == by_request.end()) {
      ++missing;
      // Tell a lost row from one the list skipped.
      tickets::v1::GetTicketRequest get;
      get.set_name(name);
      tickets::v1::Ticket found;
      const grpc::Status status = stub.GetTicket(Context().get(), get, &found);
      ADD_FAILURE() << "acknowledged " << request_id << " -> " << name
                    << " but no such ticket is listed; GetTicket says "
                    << status.error_code() << " " << status.error_message()
                    << " " << found.description();
      continue;
    }
    EXPECT_EQ(it->second, std::vector<std::string>{name})
        << "request " << request_id;
  }
  for (const auto& [request_id, names] : by_request) {
    EXPECT_EQ(names.size(), 1u) << "request " << request_id << " produced "
                                << absl::StrJoin(names, ", ");
    EXPECT_TRUE(outcome.acknowledged.count(request_id) > 0 ||
                outcome.abandoned.count(request_id) > 0)
        << "ticket for a request never sent: " << request_id;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_GE(all.size(), outcome.acknowledged.size());
  EXPECT_LE(all.size(), outcome.acknowledged.size() + outcome.abandoned.size());
  std::string failures;
  for (const auto& [code, count] : outcome.failures) {
    absl::StrAppend(&failures, " code ", static_cast<int>(code), " x", count);
  }
  std::printf(
      "[fault] %s: %zu acknowledged (%d after a retry, %d of them replayed), "
      "%zu abandoned, %d attempts, %zu tickets listed; failures:%s\n",
      community.c_str(), outcome.acknowledged.size(),
      outcome.acknowledged_after_retry, outcome.replayed,
      outcome.abandoned.size(),
      outcome.attempts, all.size(), failures.c_str());
  // A retry with the same body never reads as another request.
  EXPECT_EQ(outcome.failures.count(grpc::StatusCode::INVALID_ARGUMENT), 0u);
  EXPECT_EQ(outcome.failures.count(grpc::StatusCode::ALREADY_EXISTS), 0u);
  EXPECT_EQ(outcome.failures.count(grpc::StatusCode::INTERNAL), 0u);
}

// One page of the event feed after `cursor`; false on an RPC error.
bool ReadFeed(TicketService::Stub& stub, const std::string& cursor,
              tickets::v1::ListTicketEventsResponse* response) {
  tickets::v1::ListTicketEventsRequest request;
  request.set_after_cursor(cursor);
  request.set_page_size(1000);
  const grpc::Status status =
      stub.ListTicketEvents(Context(absl::Seconds(10)).get(), request, response);
  if (!status.ok()) ADD_FAILURE() << "ListTicketEvents: " << status.error_message();
  return status.ok();
}

// The cursor just past the current end of the feed.
std::string EndCursor(TicketService::Stub& stub) {
  std::string cursor;
  tickets::v1::ListTicketEventsResponse response;
  while (ReadFeed(stub, cursor, &response) && !response.events().empty()) {
    cursor = response.next_cursor();
    response.Clear();
  }
  return cursor;
}

// A feed consumer of one community's events, resuming from its cursor.
class FeedReader {
 public:
  FeedReader(std::string cursor, const std::string& community)
      : cursor_(std::move(cursor)), prefix_("communities/" + community + "/") {}

  // Reads until the feed has nothing more to hand out right now.
  void ReadAvailable(TicketService::Stub& stub) {
    tickets::v1::ListTicketEventsResponse response;
    while (ReadFeed(stub, cursor_, &response) && !response.events().empty()) {
      for (const auto& e : response.events()) {
        if (e.ticket().rfind(prefix_, 0) == 0) events_.push_back(e);
      }
      cursor_ = response.next_cursor();
      response.Clear();
    }
  }
  // Reads until `done(events)` holds or `timeout` passes (the feed holds
  // back events behind an id gap, e.g. a transaction a crash rolled back,
  // for its settle time); then reads once more after `linger` so late
  // duplicates show. Returns whether `done` held.
  template <typename Done>
  bool ReadUntil(TicketService::Stub& stub, Done done, absl::Duration timeout,
                 absl::Duration linger = absl::Seconds(1)) {
    const absl::Time give_up = absl::Now() + timeout;
    bool ok = false;
    while (true) {
      ReadAvailable(stub);
      ok = done(events_);
      if (ok || absl::Now() >= give_up) break;
      absl::SleepFor(absl::Milliseconds(200));
    }
    absl::SleepFor(linger);
    ReadAvailable(stub);
    return ok;
  }
  // As delivered, duplicates kept.
  const std::vector<tickets::v1::TicketEvent>& events() const { return events_; }

 private:
  std::string cursor_;
  const std::string prefix_;
  std::vector<tickets::v1::TicketEvent> events_;
};

// A consumer of one community's events that runs while the service is
// killed and restarted, as a real one would: it reads the feed (paging
// ListTicketEvents, or on a WatchTicketEvents stream), processes each event
// and only then stores the cursor after it (`stored_cursor_`, the stand-in
// for the consumer's own database). Whenever a call breaks it resumes from
// the stored cursor, on the newest service generation `target` hands out.
// Delivery is at least once: what was processed but not yet stored comes
// again, and the consumer deduplicates by event id (the cursor).
class LiveFeedConsumer {
 public:
  enum class Mode { kPoll, kWatch };

  LiveFeedConsumer(Mode mode, Target& target, std::string stored_cursor,
                   const std::string& community)
      : mode_(mode),
        target_(target),
        prefix_("communities/" + community + "/"),
        stored_cursor_(std::move(stored_cursor)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~LiveFeedConsumer() { Stop(); }

  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
      if (open_call_ != nullptr) open_call_->TryCancel();
    }
    if (thread_.joinable()) thread_.join();
  }

  // Waits until `done(delivered events)` holds or `timeout` passes.
  template <typename Done>
  bool WaitUntil(Done done, absl::Duration timeout) {
    const absl::Time give_up = absl::Now() + timeout;
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        if (done(delivered_)) return true;
      }
      if (absl::Now() >= give_up) return false;
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  const char* name() const { return mode_ == Mode::kPoll ? "list" : "watch"; }
  // Every event as processed, redeliveries kept.
  std::vector<tickets::v1::TicketEvent> delivered() {
    absl::MutexLock lock(&mu_);
    return delivered_;
  }
  // Generation -> events received from that service process.
  std::map<int, int> events_by_generation() {
    absl::MutexLock lock(&mu_);
    return events_by_generation_;
  }
  // Generation -> calls answered (pages, or streams that delivered at least
  // one event).
  std::map<int, int> answered_by_generation() {
    absl::MutexLock lock(&mu_);
    return answered_by_generation_;
  }
  // Failed calls or broken streams, by code.
  std::map<grpc::StatusCode, int> failures() {
    absl::MutexLock lock(&mu_);
    return failures_;
  }
  // Calls opened from the stored cursor after a failure or on a new
  // service generation.
  int resumes() {
    absl::MutexLock lock(&mu_);
    return resumes_;
  }

 private:
  void Run() {
    std::unique_ptr<TicketService::Stub> stub;
    int generation = -1;
    bool resume = false;
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        if (stop_) return;
      }
      auto [channel, current] = target_.Get();
      if (current != generation) {
        stub = TicketService::NewStub(channel);
        resume = resume || generation != -1;
        generation = current;
      }
      if (resume) {
        absl::MutexLock lock(&mu_);
        ++resumes_;
      }
      full_page_ = false;
      const bool ok = mode_ == Mode::kPoll ? Poll(*stub, generation)
                                           : Watch(*stub, generation);
      resume = !ok;
      // As a real poller: the next page at once while the feed has more (a
      // fixed pause capped this one at 200 events/s, slower than the load
      // on a quiet machine), a pause once it is caught up or after a
      // failure.
      if (!full_page_) absl::SleepFor(absl::Milliseconds(ok ? 100 : 50));
    }
  }

  std::string StoredCursor() {
    absl::MutexLock lock(&mu_);
    return stored_cursor_;
  }

  // Processing: keeps this community's events, duplicates and all.
  void Process(const tickets::v1::TicketEvent& event, int generation)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++events_by_generation_[generation];
    if (event.ticket().rfind(prefix_, 0) == 0) delivered_.push_back(event);
  }

  void Failed(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    if (stop_ && status.error_code() == grpc::StatusCode::CANCELLED) return;
    ++failures_[status.error_code()];
  }

  // One page after the stored cursor: process it, then store next_cursor.
  // Small pages, so that many pages (and cursor stores) fall into the load.
  bool Poll(TicketService::Stub& stub, int generation) {
    tickets::v1::ListTicketEventsRequest request;
    request.set_after_cursor(StoredCursor());
    request.set_page_size(20);
    tickets::v1::ListTicketEventsResponse response;
    const grpc::Status status =
        stub.ListTicketEvents(Context().get(), request, &response);
    if (!status.ok()) {
      Failed(status);
      return false;
    }
    absl::MutexLock lock(&mu_);
    for (const auto& e : response.events()) Process(e, generation);
    stored_cursor_ = response.next_cursor();
    ++answered_by_generation_[generation];
    full_page_ = response.events_size() == request.page_size();
    return true;
  }

  // One stream from the stored cursor until it breaks, its deadline passes
  // or Stop(); the cursor is stored after each processed event. False when
  // the stream ended in an error other than its own deadline.
  bool Watch(TicketService::Stub& stub, int generation) {
    auto context = Context(absl::Seconds(10));
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return true;
      open_call_ = context.get();
    }
    tickets::v1::WatchTicketEventsRequest request;
    request.set_after_cursor(StoredCursor());
    auto reader = stub.WatchTicketEvents(context.get(), request);
    tickets::v1::TicketEvent event;
    bool answered = false;
    while (reader->Read(&event)) {
      absl::MutexLock lock(&mu_);
      Process(event, generation);
      stored_cursor_ = event.cursor();
      if (!answered) ++answered_by_generation_[generation];
      answered = true;
    }
    const grpc::Status status = reader->Finish();
    {
      absl::MutexLock lock(&mu_);
      open_call_ = nullptr;
    }
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return true;  // the stream's own lifetime: reopen from the cursor
    }
    Failed(status);
    return false;
  }

  const Mode mode_;
  Target& target_;
  const std::string prefix_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  // The last page was full (more may be waiting); the consumer thread's own.
  bool full_page_ = false;
  grpc::ClientContext* open_call_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::string stored_cursor_ ABSL_GUARDED_BY(mu_);
  std::vector<tickets::v1::TicketEvent> delivered_ ABSL_GUARDED_BY(mu_);
  std::map<int, int> events_by_generation_ ABSL_GUARDED_BY(mu_);
  std::map<int, int> answered_by_generation_ ABSL_GUARDED_BY(mu_);
  std::map<grpc::StatusCode, int> failures_ ABSL_GUARDED_BY(mu_);
  int resumes_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

TEST(CrashFaultTest, DatabaseKill9UnderRetriedCreatesLosesAndDuplicatesNothing) {
  const absl::Time began = absl::Now();
  TestEnv base;
  ASSERT_TRUE(LoadTestEnv(&base));
  ScratchMariaDb db(base);
  ASSERT_TRUE(db.Start());
  const TestEnv env = db.env();
  ServiceUnderTest s = StartService(env, "tickets", db.port(), kLoadFlags);
  ASSERT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
      << s.process->ReadLog();
  const pid_t service_pid = s.process->pid();
  const std::string community = UniqueCommunity("fault", "db");

  Target target;
  target.Set(s.Channel());
  RetryingLoad load(target, community, 4, absl::Seconds(60));
  absl::SleepFor(absl::Seconds(1));
  const int before_crash = load.acknowledged_count();
  EXPECT_GT(before_crash, 0);

  const absl::Time killed = absl::Now();
  db.Kill9();
  EXPECT_TRUE(WaitForHealth(s.target(), "NOT_SERVING", absl::Seconds(10)))
      << HealthStatus(s.target());
  const absl::Duration to_not_serving = absl::Now() - killed;
  EXPECT_TRUE(s.process->running()) << s.process->ReadLog();
  absl::SleepFor(absl::Seconds(1));  // the clients keep retrying meanwhile
  const int while_down = load.acknowledged_count();

  ASSERT_TRUE(db.Start());
  const absl::Time restarted = absl::Now();
  EXPECT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
      << HealthStatus(s.target()) << "\n" << s.process->ReadLog();
  const absl::Duration to_serving = absl::Now() - restarted;
  EXPECT_TRUE(s.process->running());
  EXPECT_EQ(s.process->pid(), service_pid);
  // Load after recovery, then let the in-flight retries finish.
  const int at_recovery = load.acknowledged_count();
  absl::SleepFor(absl::Seconds(1));
  load.Finish();
  EXPECT_GT(load.acknowledged_count(), at_recovery) << "no writes after recovery";
  std::printf("[fault] db kill -9: %d acked before, %d while down, "
              "NOT_SERVING after %s, SERVING %s after restart\n",
              before_crash, while_down - before_crash,
              absl::FormatDuration(to_not_serving).c_str(),
              absl::FormatDuration(to_serving).c_str());

  auto stub = TicketService::NewStub(s.Channel());
  ExpectExactlyOnce(*stub, community, load.outcome());
  EXPECT_TRUE(s.process->running());
  s.process->Signal(SIGTERM);
  EXPECT_EQ(s.process->Wait(absl::Seconds(20)), 0);
  std::printf("[fault] test took %s\n",
              absl::FormatDuration(absl::Now() - began).c_str());
}

// The checks on a live consumer's deliveries: every event of `reference`
// (ids, as a fresh read of the feed holds them) delivered at least once; after
// deduplication by event id, each acknowledged ticket's "created" event once
// and no ticket with two "created" events. Prints the redelivery figures.
void ExpectEveryEventOnceAfterDedup(
    LiveFeedConsumer& consumer, const std::set<std::string>& reference,
    const std::map<std::string, std::string>& acknowledged) {
  const std::vector<tickets::v1::TicketEvent> delivered = consumer.delivered();
  std::set<std::string> ids;
  std::map<std::string, int> created;  // ticket -> distinct "created" events
  int redelivered = 0;
  for (const auto& e : delivered) {
    if (!ids.insert(e.cursor()).second) {
      ++redelivered;
      continue;
    }
    if (e.type() == "created") ++created[e.ticket()];
  }
  int missing = 0;
  for (const std::string& id : reference) {
    if (ids.count(id) == 0) ++missing;
  }
  EXPECT_EQ(missing, 0) << consumer.name() << " consumer never received "
                        << missing << " of the feed's " << reference.size()
                        << " events";
  for (const auto& [request_id, name] : acknowledged) {
    auto it = created.find(name);
    EXPECT_TRUE(it != created.end()) << consumer.name() << ": no created event for acknowledged "
                                     << name << " (" << request_id << ")";
  }
  for (const auto& [name, count] : created) {
    EXPECT_EQ(count, 1) << consumer.name() << ": " << name << " has " << count
                        << " created events";
  }
  std::string generations;
  const std::map<int, int> answered = consumer.answered_by_generation();
  for (const auto& [generation, events] : consumer.events_by_generation()) {
    absl::StrAppend(&generations, " g", generation, ":", events, " events/",
                    answered.count(generation) ? answered.at(generation) : 0,
                    " calls");
  }
  std::string failures;
  for (const auto& [code, count] : consumer.failures()) {
    absl::StrAppend(&failures, " code ", static_cast<int>(code), " x", count);
  }
  std::printf(
      "[fault] %s consumer: %zu delivered, %d redelivered before dedup, %zu "
      "distinct (feed holds %zu), %zu created, %d resumes from the stored "
      "cursor;%s; failures:%s\n",
      consumer.name(), delivered.size(), redelivered, ids.size(),
      reference.size(), created.size(), consumer.resumes(), generations.c_str(),
      failures.c_str());
}

TEST(CrashFaultTest, ServiceKill9UnderRetriedCreatesLosesAndDuplicatesNothing) {
  const absl::Time began = absl::Now();
  TestEnv env;
  ASSERT_TRUE(LoadTestEnv(&env));
  const std::string community = UniqueCommunity("fault", "svc");
  auto first = std::make_unique<ServiceUnderTest>(
      StartService(env, "tickets", env.db_port, kLoadFlags));
  ASSERT_TRUE(WaitForHealth(first->target(), "SERVING", absl::Seconds(30)))
      << first->process->ReadLog();
  std::string feed_start;
  {
    auto system = TicketService::NewStub(first->ChannelAs(SystemToken(env)));
    feed_start = EndCursor(*system);
  }

  Target target;
  target.Set(first->Channel());
  // The feed's consumers run through the load and the crashes, each from the
  // cursor it stored; they read as the system principal.
  Target feed_target;
  feed_target.Set(first->ChannelAs(SystemToken(env)));
  LiveFeedConsumer poller(LiveFeedConsumer::Mode::kPoll, feed_target,
                          feed_start, community);
  LiveFeedConsumer watcher(LiveFeedConsumer::Mode::kWatch, feed_target,
                           feed_start, community);
  RetryingLoad load(target, community, 4, absl::Seconds(60));
  // Long enough for the consumers to process and store a cursor mid-feed
  // before the first crash: the feed holds an event back for up to its
  // settle time (5 s) while an earlier id may still commit.
  absl::SleepFor(kFeedSettle + absl::Seconds(2));
  const int before_crash = load.acknowledged_count();
  EXPECT_GT(before_crash, 0);

  // Three crashes in a row, each under load, so that some call is caught
  // between its commit and its response.
  constexpr int kCrashes = 3;
  std::vector<std::unique_ptr<ServiceUnderTest>> generations;
  generations.push_back(std::move(first));
  absl::Duration longest_outage;
  for (int crash = 0; crash < kCrashes; ++crash) {
    if (crash > 0) absl::SleepFor(absl::Milliseconds(700));
    ServiceUnderTest& victim = *generations.back();
    victim.process->Signal(SIGKILL);
    EXPECT_EQ(victim.process->Wait(absl::Seconds(10)), 128 + SIGKILL);
    const absl::Time killed = absl::Now();
    generations.push_back(std::make_unique<ServiceUnderTest>(
        StartService(env, "tickets", env.db_port, kLoadFlags)));
    ServiceUnderTest& next = *generations.back();
    ASSERT_TRUE(WaitForHealth(next.target(), "SERVING", absl::Seconds(30)))
        << next.process->ReadLog();
    target.Set(next.Channel());
    feed_target.Set(next.ChannelAs(SystemToken(env)));
    longest_outage = std::max(longest_outage, absl::Now() - killed);
  }
  ServiceUnderTest& second = *generations.back();
  const int at_recovery = load.acknowledged_count();
  absl::SleepFor(absl::Seconds(1));
  load.Finish();
  EXPECT_GT(load.acknowledged_count(), at_recovery) << "no writes after restart";
  std::printf("[fault] service kill -9 x%d: %d acked before, longest outage %s\n",
              kCrashes, before_crash, absl::FormatDuration(longest_outage).c_str());

  auto stub = TicketService::NewStub(second.Channel());
  ExpectExactlyOnce(*stub, community, load.outcome());

  std::set<std::string> acknowledged_names;
  std::map<std::string, std::string> acknowledged;
  {
    absl::MutexLock lock(&load.outcome().mu);
    acknowledged = load.outcome().acknowledged;
  }
  for (const auto& [request_id, name] : acknowledged) {
    acknowledged_names.insert(name);
  }
  auto has_every_created =
      [&](const std::vector<tickets::v1::TicketEvent>& events) {
        std::set<std::string> seen;
        for (const auto& e : events) {
          if (e.type() == "created") seen.insert(e.ticket());
        }
        return std::includes(seen.begin(), seen.end(),
                             acknowledged_names.begin(),
                             acknowledged_names.end());
      };
  // The reference: the community's events as a fresh read from the start
  // cursor finds them once the load is over (the feed holds back events
  // behind an id gap, e.g. a transaction a crash rolled back, for its
  // settle time).
  auto system = TicketService::NewStub(second.ChannelAs(SystemToken(env)));
  FeedReader reference_reader(feed_start, community);
  const absl::Time drain_began = absl::Now();
  EXPECT_TRUE(reference_reader.ReadUntil(*system, has_every_created,
                                         absl::Seconds(20)));
  std::set<std::string> reference;
  for (const auto& e : reference_reader.events()) reference.insert(e.cursor());
  EXPECT_EQ(reference.size(), reference_reader.events().size())
      << "one read of the feed handed out an event twice";
  // The live consumers catch up with it, then are stopped.
  for (LiveFeedConsumer* consumer : {&poller, &watcher}) {
    EXPECT_TRUE(consumer->WaitUntil(
        [&](const std::vector<tickets::v1::TicketEvent>& events) {
          std::set<std::string> ids;
          for (const auto& e : events) ids.insert(e.cursor());
          return std::includes(ids.begin(), ids.end(), reference.begin(),
                               reference.end());
        },
        absl::Seconds(20)))
        << consumer->name() << " consumer did not catch up";
  }
  const absl::Duration drain_took = absl::Now() - drain_began;
  poller.Stop();
  watcher.Stop();
  for (LiveFeedConsumer* consumer : {&poller, &watcher}) {
    ExpectEveryEventOnceAfterDedup(*consumer, reference, acknowledged);
    // It really lived through the crashes: it had processed events and
    // stored their cursor before the first, resumed from its stored cursor
    // at least once per crash, and was answered by the restarted service.
    EXPECT_GT(consumer->events_by_generation()[1], 0)
        << consumer->name() << " consumer got nothing before the first crash";
    EXPECT_GE(consumer->resumes(), kCrashes) << consumer->name();
    EXPECT_GT(consumer->events_by_generation()[kCrashes + 1], 0)
        << consumer->name() << " consumer got nothing from the last service";
  }
  // The poller asks every ~100 ms, so every service generation answered it.
  const std::map<int, int> polled = poller.answered_by_generation();
  for (int generation = 1; generation <= kCrashes + 1; ++generation) {
    EXPECT_GT(polled.count(generation) ? polled.at(generation) : 0, 0)
        << "no page from service generation " << generation;
  }
  std::printf("[fault] feed: reference %zu events, consumers complete after %s\n",
              reference.size(), absl::FormatDuration(drain_took).c_str());
  second.process->Signal(SIGTERM);
  EXPECT_EQ(second.process->Wait(absl::Seconds(20)), 0);
  std::printf("[fault] test took %s\n",
              absl::FormatDuration(absl::Now() - began).c_str());
}

// Creates (or replaces) the community's row for emergency household repairs
// with a first response due `target` after registration, natural clock.
void EnsureFirstResponsePolicy(TicketService::Stub& stub,
                               const std::string& community,
                               absl::Duration target) {
  tickets::v1::ListSlaPoliciesResponse all;
  ASSERT_TRUE(stub.ListSlaPolicies(Context().get(), {}, &all).ok());
  tickets::v1::SlaPolicy row;
  for (const auto& p : all.policies()) {
    if (p.kind() == tickets::v1::TICKET_KIND_HOUSEHOLD_REPAIR &&
        p.priority() == tickets::v1::PRIORITY_EMERGENCY && p.community().empty()) {
      row = p;
    }
  }
  row.clear_name();
  row.clear_etag();
  row.set_kind(tickets::v1::TICKET_KIND_HOUSEHOLD_REPAIR);
  row.set_priority(tickets::v1::PRIORITY_EMERGENCY);
  row.set_community(community);
  auto* targets = row.mutable_targets();
  targets->erase(std::remove_if(targets->begin(), targets->end(),
                                [](const tickets::v1::SlaPolicy::Target& x) {
                                  return x.target() ==
                                         tickets::v1::SLA_TARGET_FIRST_RESPONSE;
                                }),
                 targets->end());
  auto* first = row.add_targets();
  first->set_target(tickets::v1::SLA_TARGET_FIRST_RESPONSE);
  first->set_clock(tickets::v1::SlaPolicy::Target::CLOCK_NATURAL);
  first->mutable_duration()->set_seconds(absl::ToInt64Seconds(target));
  tickets::v1::CreateSlaPolicyRequest create;
  create.set_policy_id(community.substr(0, 64));
  *create.mutable_policy() = row;
  tickets::v1::SlaPolicy saved;
  const grpc::Status status = stub.CreateSlaPolicy(Context().get(), create, &saved);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// Crashes something while escalations fall due; returns the service to
// carry on with (a new one when the old one died).
using Crash = std::function<std::unique_ptr<ServiceUnderTest>(
    std::unique_ptr<ServiceUnderTest>)>;

// Emergency household repairs with a 4 s first-response target in a new
// community, `crash` run at 1.5 s after the last was registered and then
// every second `crashes` times; afterwards the feed holds exactly one event
// per (ticket, type, target, level): handler warning, supervisor warning,
// breach.
void ExpectEscalationsOnceAcrossCrashes(const TestEnv& env, int db_port,
                                        int crashes, const Crash& crash) {
  const absl::Time began = absl::Now();
  const std::string community = UniqueCommunity("fault", "sla");
  constexpr absl::Duration kTarget = absl::Seconds(4);
  constexpr int kTickets = 40;

  auto service = std::make_unique<ServiceUnderTest>(
      StartService(env, "tickets", db_port, kLoadFlags));
  ASSERT_TRUE(WaitForHealth(service->target(), "SERVING", absl::Seconds(30)))
      << service->process->ReadLog();
  std::string feed_start;
  std::set<std::string> names;
  {
    auto system = TicketService::NewStub(service->ChannelAs(SystemToken(env)));
    feed_start = EndCursor(*system);
    auto manager = TicketService::NewStub(service->Channel());
    EnsureFirstResponsePolicy(*manager, community, kTarget);
    if (::testing::Test::HasFatalFailure()) return;
    // Spread over about 2.5 s so that, with warnings at 50% and 80% of the
    // target, steps fall due before, between and after the crashes.
    for (int i = 0; i < kTickets; ++i) {
      tickets::v1::CreateTicketRequest request =
          LoadRequest(community, absl::StrCat(community, "-", i),
                      kDescriptionPrefix);
      auto* t = request.mutable_ticket();
      t->set_kind(tickets::v1::TICKET_KIND_HOUSEHOLD_REPAIR);
      t->set_priority(tickets::v1::PRIORITY_EMERGENCY);
      t->set_channel(tickets::v1::CHANNEL_HOTLINE);
      t->set_line(common::v1::LINE_ENGINEERING);
      t->mutable_location()->set_building("3");
      t->mutable_location()->set_room("1201");
      t->set_received_by("desk-li");
      t->set_category("water_leak");
      tickets::v1::Ticket out;
      const grpc::Status status =
          manager->CreateTicket(Context().get(), request, &out);
      ASSERT_TRUE(status.ok()) << status.error_message();
      bool has_clock = false;
      for (const auto& c : out.sla_clocks()) {
        if (c.target() == tickets::v1::SLA_TARGET_FIRST_RESPONSE &&
            c.due_time().seconds() - out.create_time().seconds() <=
                absl::ToInt64Seconds(kTarget) + 1) {
          has_clock = true;
        }
      }
      ASSERT_TRUE(has_clock) << "no short first-response clock; policy "
                             << out.sla_policy();
      names.insert(out.name());
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
  const absl::Time last_created = absl::Now();

  absl::SleepFor(absl::Milliseconds(1500));
  for (int i = 0; i < crashes; ++i) {
    if (i > 0) absl::SleepFor(absl::Seconds(1));
    service = crash(std::move(service));
    if (service == nullptr || ::testing::Test::HasFatalFailure()) return;
  }
  // Every step is due by last_created + kTarget; give the engine time.
  absl::SleepFor(last_created + kTarget + absl::Seconds(1) - absl::Now());

  auto system = TicketService::NewStub(service->ChannelAs(SystemToken(env)));
  using StepKey = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<StepKey, int> steps;  // (ticket, type, target, level) -> events
  auto count_steps = [&](const std::vector<tickets::v1::TicketEvent>& events) {
    steps.clear();
    std::set<std::string> cursors;
    for (const auto& e : events) {
      if (!cursors.insert(e.cursor()).second) continue;
      if (e.type() != "sla_warning" && e.type() != "sla_breached") continue;
      ++steps[{e.ticket(), e.type(), e.sla_target(), e.escalation_level()}];
    }
    return steps.size() >= 3 * names.size();
  };
  FeedReader feed(feed_start, community);
  EXPECT_TRUE(feed.ReadUntil(*system, count_steps, absl::Seconds(20),
                             absl::Seconds(2)));
  count_steps(feed.events());
  std::map<std::string, int> per_ticket;
  for (const auto& [key, count] : steps) {
    EXPECT_EQ(count, 1) << std::get<0>(key) << " " << std::get<1>(key) << " "
                        << std::get<2>(key) << " " << std::get<3>(key) << " x"
                        << count;
    ++per_ticket[std::get<0>(key)];
  }
  // Each ticket: handler warning, supervisor warning, breach; none lost.
  std::map<int, int> histogram;
  for (const std::string& name : names) {
    ++histogram[per_ticket[name]];
    EXPECT_EQ(per_ticket[name], 3) << name;
  }
  std::string shape;
  for (const auto& [n, count] : histogram) {
    absl::StrAppend(&shape, " ", count, " tickets with ", n, " steps;");
  }
  std::printf("[fault] sla: %zu escalation keys, %zu events;%s\n",
              steps.size(), feed.events().size(), shape.c_str());
  EXPECT_TRUE(service->process->running()) << service->process->ReadLog();
  service->process->Signal(SIGTERM);
  EXPECT_EQ(service->process->Wait(absl::Seconds(20)), 0);
  std::printf("[fault] test took %s\n",
              absl::FormatDuration(absl::Now() - began).c_str());
}

TEST(CrashFaultTest, SlaEscalationsFireOnceAcrossServiceKill9s) {
  TestEnv env;
  ASSERT_TRUE(LoadTestEnv(&env));
  ExpectEscalationsOnceAcrossCrashes(
      env, env.db_port, 2,
      [&env](std::unique_ptr<ServiceUnderTest> old)
          -> std::unique_ptr<ServiceUnderTest> {
        old->process->Signal(SIGKILL);
        EXPECT_EQ(old->process->Wait(absl::Seconds(10)), 128 + SIGKILL);
        auto next = std::make_unique<ServiceUnderTest>(
            StartService(env, "tickets", env.db_port, kLoadFlags));
        if (!WaitForHealth(next->target(), "SERVING", absl::Seconds(30))) {
          ADD_FAILURE() << next->process->ReadLog();
          return nullptr;
        }
        return next;
      });
}

TEST(CrashFaultTest, SlaEscalationsFireOnceAcrossADatabaseKill9) {
  TestEnv base;
  ASSERT_TRUE(LoadTestEnv(&base));
  ScratchMariaDb db(base);
  ASSERT_TRUE(db.Start());
  ExpectEscalationsOnceAcrossCrashes(
      db.env(), db.port(), 1,
      [&db](std::unique_ptr<ServiceUnderTest> same)
          -> std::unique_ptr<ServiceUnderTest> {
        db.Kill9();
        EXPECT_TRUE(WaitForHealth(same->target(), "NOT_SERVING",
                                  absl::Seconds(10)));
        absl::SleepFor(absl::Milliseconds(500));
        if (!db.Start()) {
          ADD_FAILURE() << "MariaDB did not restart";
          return nullptr;
        }
        EXPECT_TRUE(WaitForHealth(same->target(), "SERVING", absl::Seconds(30)))
            << same->process->ReadLog();
        return same;
      });
}

}  // namespace
}  // namespace steward::testing
