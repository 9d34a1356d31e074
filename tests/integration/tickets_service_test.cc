// The steward-tickets binary against the real MariaDB: RPCs, idempotency,
// metrics, start-up checks and graceful shutdown under traffic.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "tests/support/seeded_personal_data.h"
#include "tests/support/service_harness.h"
#include "tests/support/status_details.h"

namespace steward::tickets {
namespace {

using ::steward::testing::ServiceUnderTest;
using ::steward::testing::StartService;
using ::steward::testing::TestEnv;
using ::steward::testing::ViolatedFields;
using ::steward::testing::WaitForHealth;

v1::CreateTicketRequest NewRequest(const std::string& request_id) {
  v1::CreateTicketRequest request;
  request.set_parent("communities/harbour-view");
  request.set_request_id(request_id);
  v1::Ticket* t = request.mutable_ticket();
  t->set_kind(v1::TICKET_KIND_HOUSEHOLD_REPAIR);
  t->set_priority(v1::PRIORITY_URGENT);
  t->set_channel(v1::CHANNEL_HOTLINE);
  t->set_line(common::v1::LINE_ENGINEERING);
  t->mutable_location()->set_building("3");
  t->mutable_location()->set_unit("2");
  t->mutable_location()->set_room("1201");
  t->set_description("Kitchen tap leaking");
  // Personal data every ticket of this suite carries, from the list
  // scripts/check-logs-pii.sh looks for in every service log afterwards.
  const ::steward::testing::SeededPersonalData& seeded =
      ::steward::testing::Seeded();
  if (seeded.households.empty() || seeded.names.empty() ||
      seeded.phones.size() < 8) {
    ADD_FAILURE() << "tests/support/seeded_personal_data.tsv is incomplete";
    return request;
  }
  t->set_household(seeded.households[0]);
  t->set_contact_name(seeded.names[0]);
  // "+86 137 0000 3333": the service must accept the spelling, and the log
  // check must recognise it.
  t->set_contact_phone(seeded.phones[7]);
  return request;
}

std::string UniqueId(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "-", ::getpid(), "-", absl::ToUnixMicros(absl::Now()),
                      "-", counter++);
}

class TicketsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(::steward::testing::LoadTestEnv(&env_)); }

  ServiceUnderTest StartServing(const std::vector<std::string>& flags = {}) {
    ServiceUnderTest s = StartService(env_, "tickets", env_.db_port, flags);
    EXPECT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
        << s.process->ReadLog();
    return s;
  }

  grpc::Status Create(v1::TicketService::Stub& stub,
                      const v1::CreateTicketRequest& request, v1::Ticket* out) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    return stub.CreateTicket(&context, request, out);
  }

  TestEnv env_;
};

TEST_F(TicketsServiceTest, CreateGetListRoundTripAndIdempotentRetry) {
  ServiceUnderTest s = StartServing();
  EXPECT_EQ(::steward::testing::HealthStatus(
                s.target(), "steward.tickets.v1.TicketService"),
            "SERVING");
  auto stub = v1::TicketService::NewStub(s.Channel());
  const v1::CreateTicketRequest request = NewRequest(UniqueId("roundtrip"));
  v1::Ticket created;
  ASSERT_TRUE(Create(*stub, request, &created).ok());
  EXPECT_TRUE(absl::StartsWith(created.name(), "communities/harbour-view/tickets/"));
  EXPECT_EQ(created.state(), v1::TICKET_STATE_REGISTERED);
  EXPECT_EQ(created.description(), "Kitchen tap leaking");
  EXPECT_FALSE(created.etag().empty());

  v1::Ticket retried;
  ASSERT_TRUE(Create(*stub, request, &retried).ok());
  EXPECT_EQ(retried.name(), created.name());
  EXPECT_EQ(retried.create_time().seconds(), created.create_time().seconds());

  v1::CreateTicketRequest other_body = request;
  other_body.mutable_ticket()->set_description("Something else");
  v1::Ticket ignored;
  grpc::Status reused = Create(*stub, other_body, &ignored);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(reused), std::vector<std::string>{"request_id"});

  grpc::ClientContext get_context;
  v1::GetTicketRequest get;
  get.set_name(created.name());
  v1::Ticket fetched;
  ASSERT_TRUE(stub->GetTicket(&get_context, get, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), created.SerializeAsString());

  grpc::ClientContext missing_context;
  get.set_name("communities/harbour-view/tickets/999999999999");
  EXPECT_EQ(stub->GetTicket(&missing_context, get, &fetched).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Another community's name for the same id is not found either.
  grpc::ClientContext other_community;
  get.set_name(absl::StrCat("communities/elsewhere/tickets/",
                            created.name().substr(created.name().rfind('/') + 1)));
  EXPECT_EQ(stub->GetTicket(&other_community, get, &fetched).error_code(),
            grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext list_context;
  v1::ListTicketsRequest list;
  list.set_parent("communities/harbour-view");
  list.set_page_size(500);
  list.set_priority(v1::PRIORITY_URGENT);
  v1::ListTicketsResponse page;
  ASSERT_TRUE(stub->ListTickets(&list_context, list, &page).ok());
  bool found = false;
  for (const auto& t : page.tickets()) {
    EXPECT_EQ(t.priority(), v1::PRIORITY_URGENT);
    found = found || t.name() == created.name();
  }
  EXPECT_TRUE(found);
}

TEST_F(TicketsServiceTest, PagesAreDisjointAndTokensAreBoundToTheirFilter) {
  ServiceUnderTest s = StartServing();
  auto stub = v1::TicketService::NewStub(s.Channel());
  const std::string community = absl::StrCat("paging-", ::getpid());
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) {
    v1::CreateTicketRequest request = NewRequest(UniqueId("page"));
    request.set_parent("communities/" + community);
    v1::Ticket t;
    ASSERT_TRUE(Create(*stub, request, &t).ok());
    created.insert(t.name());
  }
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    v1::ListTicketsRequest list;
    list.set_parent("communities/" + community);
    list.set_page_size(2);
    list.set_page_token(token);
    v1::ListTicketsResponse page;
    ASSERT_TRUE(stub->ListTickets(&context, list, &page).ok());
    EXPECT_LE(page.tickets_size(), 2);
    for (const auto& t : page.tickets()) EXPECT_TRUE(seen.insert(t.name()).second);
    token = page.next_page_token();
    ++pages;
    if (pages == 1) {
      grpc::ClientContext other;
      v1::ListTicketsRequest filtered = list;
      filtered.set_page_token(token);
      filtered.set_kind(v1::TICKET_KIND_COMPLAINT);
      v1::ListTicketsResponse ignored;
      EXPECT_EQ(stub->ListTickets(&other, filtered, &ignored).error_code(),
                grpc::StatusCode::INVALID_ARGUMENT);
    }
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, created);
}

TEST_F(TicketsServiceTest, BadInputNamesTheFieldAndChangesNothing) {
  ServiceUnderTest s = StartServing();
  auto stub = v1::TicketService::NewStub(s.Channel());
  const std::string request_id = UniqueId("bad");
  v1::CreateTicketRequest request = NewRequest(request_id);
  request.mutable_ticket()->set_kind(static_cast<v1::TicketKind>(42));
  request.mutable_ticket()->set_description(std::string(5000, 'x'));
  v1::Ticket out;
  grpc::Status status = Create(*stub, request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"ticket.kind"});

  request = NewRequest(request_id);
  request.mutable_ticket()->set_description(std::string(5000, 'x'));
  status = Create(*stub, request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            std::vector<std::string>{"ticket.description"});

  request = NewRequest("");
  EXPECT_EQ(Create(*stub, request, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request = NewRequest(request_id);
  request.set_parent("communities/Bad Name");
  status = Create(*stub, request, &out);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"parent"});

  // The request id was never consumed: a valid body under it now succeeds.
  ASSERT_TRUE(Create(*stub, NewRequest(request_id), &out).ok());
  EXPECT_EQ(out.description(), "Kitchen tap leaking");
}

TEST_F(TicketsServiceTest, ConcurrentBurstOfOneRequestIdCreatesOneTicket) {
  // Room for all 16 calls at once: the point is the race on the request id,
  // not the thread limit.
  ServiceUnderTest s = StartServing({"--db_pool_size=16"});
  auto stub = v1::TicketService::NewStub(s.Channel());
  const v1::CreateTicketRequest request = NewRequest(UniqueId("burst"));
  std::mutex mu;
  std::set<std::string> names;
  std::atomic<int> ok{0};
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      v1::Ticket t;
      const grpc::Status status = Create(*stub, request, &t);
      std::lock_guard<std::mutex> lock(mu);
      if (status.ok()) {
        ++ok;
        names.insert(t.name());
      } else {
        errors.push_back(absl::StrCat(status.error_code(), " ",
                                      status.error_message()));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 16) << absl::StrJoin(errors, "\n");
  EXPECT_EQ(names.size(), 1u);
}

TEST_F(TicketsServiceTest, MetricsPageExposesRpcAndDatabaseFamilies) {
  ServiceUnderTest s = StartServing();
  auto stub = v1::TicketService::NewStub(s.Channel());
  v1::Ticket out;
  ASSERT_TRUE(Create(*stub, NewRequest(UniqueId("metrics")), &out).ok());
  v1::CreateTicketRequest bad = NewRequest(UniqueId("metrics"));
  bad.mutable_ticket()->clear_kind();
  ASSERT_FALSE(Create(*stub, bad, &out).ok());

  const std::string page = ::steward::testing::HttpGet(s.metrics_port, "/metrics");
  const std::string labels =
      "grpc_method=\"CreateTicket\",grpc_service=\"steward.tickets.v1."
      "TicketService\",grpc_type=\"unary\"";
  EXPECT_TRUE(absl::StrContains(
      page, absl::StrCat("grpc_server_started_total{", labels, "} 2")))
      << page;
  EXPECT_TRUE(absl::StrContains(
      page, absl::StrCat("grpc_server_handled_total{grpc_code=\"OK\",", labels,
                         "} 1")));
  EXPECT_TRUE(absl::StrContains(
      page, absl::StrCat("grpc_server_handled_total{grpc_code=\"InvalidArgument\",",
                         labels, "} 1")));
  EXPECT_TRUE(absl::StrContains(
      page, absl::StrCat("grpc_server_handling_seconds_count{", labels, "} 2")));
  // The SLA engine's background queries may hold a connection at any
  // moment: the pool series must exist, their values vary.
  EXPECT_TRUE(absl::StrContains(page, "steward_db_pool_connections{state=\"in_use\"} "));
  EXPECT_TRUE(absl::StrContains(page, "steward_db_pool_connections{state=\"max\"} 8"));
  EXPECT_TRUE(absl::StrContains(page, "steward_db_pool_waiting_requests "));
  EXPECT_TRUE(absl::StrContains(
      page, "steward_db_query_duration_seconds_count{operation=\"tickets_create\"} 1"));
  EXPECT_TRUE(absl::StrContains(page, "steward_build_info{"));
  EXPECT_TRUE(absl::StrContains(page, "steward_health_serving 1"));
  // The SLA dashboard families; a community label is allowed, but personal
  // and per-ticket data never become labels.
  EXPECT_TRUE(absl::StrContains(
      page,
      "steward_tickets_created_total{community=\"harbour-view\",kind=\""
      "household_repair\",priority=\"urgent\"} 1"))
      << page;
  // Its SLA engine serves the shared database: other tests' tickets may
  // escalate here, so only the series is checked, not its value.
  EXPECT_TRUE(absl::StrContains(
      page, "steward_ticket_escalations_total{level=\"manager\"} "));
  EXPECT_FALSE(absl::StrContains(page, "1201"));
  EXPECT_FALSE(absl::StrContains(page, "/tickets/"));
  EXPECT_FALSE(absl::StrContains(page, out.name()));
}

TEST_F(TicketsServiceTest, SecondStartAppliesNoMigration) {
  for (int run = 0; run < 2; ++run) {
    ServiceUnderTest s = StartServing();
    s.process->Signal(SIGTERM);
    ASSERT_EQ(s.process->Wait(absl::Seconds(20)), 0);
    if (run == 1) {
      EXPECT_TRUE(absl::StrContains(s.process->ReadLog(), "\"applied_now\":\"0\""))
          << s.process->ReadLog();
    }
  }
}

TEST_F(TicketsServiceTest, MigrateOnlyAppliesTheSchemaAndExits) {
  ServiceUnderTest s =
      StartService(env_, "tickets", env_.db_port, {"--migrate_only"});
  EXPECT_EQ(s.process->Wait(absl::Seconds(30)), 0) << s.process->ReadLog();
  EXPECT_TRUE(absl::StrContains(s.process->ReadLog(), "schema up to date"));
  EXPECT_FALSE(absl::StrContains(s.process->ReadLog(), "\"msg\":\"serving\""));
}

TEST_F(TicketsServiceTest, EditedAppliedMigrationStopsStartUp) {
  namespace fs = std::filesystem;
  const std::string dir = absl::StrCat(::testing::TempDir(), "tickets-schema-",
                                       ::getpid());
  fs::remove_all(dir);
  fs::copy(env_.source_dir + "/services/tickets/schema", dir);
  {
    // The untouched copy starts (applying or confirming the schema).
    ServiceUnderTest s = StartServing({"--migrations_dir=" + dir});
    s.process->Signal(SIGTERM);
    ASSERT_EQ(s.process->Wait(absl::Seconds(20)), 0);
  }
  std::ofstream(dir + "/V001__create_tickets.sql", std::ios::app)
      << "\n-- edited after it was applied\n";
  ServiceUnderTest s =
      StartService(env_, "tickets", env_.db_port, {"--migrations_dir=" + dir});
  EXPECT_EQ(s.process->Wait(absl::Seconds(30)), 3);
  EXPECT_TRUE(absl::StrContains(s.process->ReadLog(), "was edited after it was applied"))
      << s.process->ReadLog();
  fs::remove_all(dir);
}

TEST_F(TicketsServiceTest, BadSettingsFailFastNamingTheSetting) {
  ServiceUnderTest pool = StartService(env_, "tickets", env_.db_port,
                                       {"--db_pool_size=0"});
  EXPECT_EQ(pool.process->Wait(absl::Seconds(10)), 2);
  EXPECT_TRUE(absl::StrContains(pool.process->ReadLog(), "db_pool_size"));

  ServiceUnderTest password = StartService(
      env_, "tickets", env_.db_port, {"--db_password_file=/dev/null"});
  EXPECT_EQ(password.process->Wait(absl::Seconds(10)), 3);
  EXPECT_TRUE(absl::StrContains(password.process->ReadLog(), "refused the credentials"))
      << password.process->ReadLog();

  ServiceUnderTest group = StartService(env_, "tickets", env_.db_port,
                                        {"--group_complaint_households=1"});
  EXPECT_EQ(group.process->Wait(absl::Seconds(20)), 2);
  EXPECT_TRUE(absl::StrContains(group.process->ReadLog(),
                                "group_complaint_households"));

  ::setenv("STEWARD_GROUP_COMPLAINT_WINDOW", "soon", 1);
  ServiceUnderTest window = StartService(env_, "tickets", env_.db_port, {});
  ::unsetenv("STEWARD_GROUP_COMPLAINT_WINDOW");
  EXPECT_EQ(window.process->Wait(absl::Seconds(20)), 2);
  EXPECT_TRUE(absl::StrContains(window.process->ReadLog(),
                                "STEWARD_GROUP_COMPLAINT_WINDOW"));

  ServiceUnderTest unreachable = StartService(
      env_, "tickets", ::steward::testing::FreePort(), {});
  EXPECT_EQ(unreachable.process->Wait(absl::Seconds(20)), 3);
  EXPECT_TRUE(absl::StrContains(unreachable.process->ReadLog(), "cannot connect"));
}

TEST_F(TicketsServiceTest, SigtermUnderTrafficLosesNoAcknowledgedRpc) {
  // A load test: the per-caller rate limit would refuse most of it.
  ServiceUnderTest s = StartServing({"--shutdown_grace=10s",
                                     "--rate_limit_per_second=100000",
                                     "--rate_limit_burst=100000"});
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::map<grpc::StatusCode, int> failures;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::TicketService::NewStub(s.Channel());
      int consecutive_failures = 0;
      while (!stop && consecutive_failures < 20) {
        v1::Ticket t;
        grpc::Status status = Create(*stub, NewRequest(UniqueId("sigterm")), &t);
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) {
          acknowledged.push_back(t.name());
          consecutive_failures = 0;
        } else {
          ++failures[status.error_code()];
          ++consecutive_failures;
        }
      }
    });
  }
  absl::SleepFor(absl::Seconds(1));
  s.process->Signal(SIGTERM);
  const std::optional<int> exit_code = s.process->Wait(absl::Seconds(30));
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_EQ(exit_code, 0) << s.process->ReadLog();
  ASSERT_GT(acknowledged.size(), 20u);
  // After shutdown began, new calls are refused (UNAVAILABLE) and calls
  // that reached the server but no handler are CANCELLED; nothing failed
  // inside (INTERNAL) or for want of resources.
  for (const auto& [code, count] : failures) {
    EXPECT_TRUE(code == grpc::StatusCode::UNAVAILABLE ||
                code == grpc::StatusCode::CANCELLED)
        << count << " calls failed with " << code;
  }

  ServiceUnderTest again = StartServing(
      {"--rate_limit_per_second=100000", "--rate_limit_burst=100000"});
  auto stub = v1::TicketService::NewStub(again.Channel());
  int missing = 0;
  for (const std::string& name : acknowledged) {
    grpc::ClientContext context;
    v1::GetTicketRequest get;
    get.set_name(name);
    v1::Ticket t;
    if (!stub->GetTicket(&context, get, &t).ok()) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged";
}

}  // namespace
}  // namespace steward::tickets
