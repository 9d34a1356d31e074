// Each of the other three service binaries against the real MariaDB: health
// per service name, Create/Get/List with an idempotent retry, the metrics
// families after an RPC, and a clean exit on SIGTERM. (Tickets has its own,
// deeper file.)
#include <gtest/gtest.h>
#include <signal.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steward/communication/v1/communication.grpc.pb.h"
#include "steward/kpi/v1/kpi.grpc.pb.h"
#include "steward/training/v1/training.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

std::string UniqueId(const std::string& prefix) {
  return absl::StrCat(prefix, "-", ::getpid(), "-", absl::ToUnixMicros(absl::Now()));
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  return context;
}

class ServicesSmokeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(LoadTestEnv(&env_)); }

  ServiceUnderTest Start(const std::string& service,
                         const std::string& grpc_service) {
    ServiceUnderTest s = StartService(env_, service, env_.db_port);
    EXPECT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
        << s.process->ReadLog();
    EXPECT_EQ(HealthStatus(s.target(), grpc_service), "SERVING");
    EXPECT_EQ(HealthStatus(s.target(), "no.such.Service"), "rpc error 5");
    return s;
  }

  // The metrics page shows `method` handled once OK plus the shared families,
  // then the service stops cleanly on SIGTERM.
  void CheckMetricsAndStop(ServiceUnderTest& s, const std::string& grpc_service,
                           const std::string& create_method) {
    const std::string page = HttpGet(s.metrics_port, "/metrics");
    EXPECT_TRUE(absl::StrContains(
        page, absl::StrCat("grpc_server_handled_total{grpc_code=\"OK\",",
                           "grpc_method=\"", create_method,
                           "\",grpc_service=\"", grpc_service,
                           "\",grpc_type=\"unary\"} 2")))
        << page;
    for (const char* family :
         {"grpc_server_started_total{", "grpc_server_handling_seconds_bucket{",
          "steward_db_pool_connections{", "steward_db_pool_waiting_requests",
          "steward_db_query_duration_seconds_bucket{", "steward_build_info{",
          "steward_health_serving 1"}) {
      EXPECT_TRUE(absl::StrContains(page, family)) << family;
    }
    s.process->Signal(SIGTERM);
    EXPECT_EQ(s.process->Wait(absl::Seconds(20)), 0) << s.process->ReadLog();
    EXPECT_TRUE(absl::StrContains(s.process->ReadLog(), "stopped cleanly"));
  }

  TestEnv env_;
};

TEST_F(ServicesSmokeTest, Communication) {
  using namespace communication::v1;  // NOLINT: test brevity
  const std::string grpc_service = "steward.communication.v1.CommunicationService";
  ServiceUnderTest s = Start("communication", grpc_service);
  auto stub = CommunicationService::NewStub(s.Channel());
  CreateNoticeRequest request;
  request.set_parent("communities/harbour-view");
  request.set_request_id(UniqueId("notice"));
  Notice* n = request.mutable_notice();
  n->set_kind(NOTICE_KIND_COMMUNITY_EVENT);
  n->set_title("Mid-Autumn lantern evening");
  n->set_body("Courtyard, 19:00. Families welcome.");
  n->mutable_event_time()->set_seconds(
      absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 10)));
  Notice first, again, fetched;
  ASSERT_TRUE(stub->CreateNotice(Context().get(), request, &first).ok());
  ASSERT_TRUE(stub->CreateNotice(Context().get(), request, &again).ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(first.state(), NOTICE_STATE_DRAFT);
  GetNoticeRequest get;
  get.set_name(first.name());
  ASSERT_TRUE(stub->GetNotice(Context().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), first.SerializeAsString());
  ListNoticesRequest list;
  list.set_parent("communities/harbour-view");
  list.set_kind(NOTICE_KIND_COMMUNITY_EVENT);
  ListNoticesResponse page;
  ASSERT_TRUE(stub->ListNotices(Context().get(), list, &page).ok());
  ASSERT_GE(page.notices_size(), 1);
  EXPECT_EQ(page.notices(0).name(), first.name());
  CheckMetricsAndStop(s, grpc_service, "CreateNotice");
}

TEST_F(ServicesSmokeTest, Training) {
  using namespace training::v1;  // NOLINT: test brevity
  const std::string grpc_service = "steward.training.v1.TrainingService";
  ServiceUnderTest s = Start("training", grpc_service);
  auto stub = TrainingService::NewStub(s.Channel());
  CreateTrainingPlanRequest request;
  request.set_parent("communities/harbour-view");
  request.set_request_id(UniqueId("plan"));
  TrainingPlan* p = request.mutable_training_plan();
  p->set_kind(TRAINING_KIND_DRILL);
  p->set_title("Fire drill: evacuation of building 3");
  p->set_line(common::v1::LINE_SECURITY);
  const int64_t start = absl::ToUnixSeconds(absl::Now() + absl::Hours(48));
  p->mutable_start_time()->set_seconds(start);
  p->mutable_end_time()->set_seconds(start + 7200);
  TrainingPlan first, again, fetched;
  ASSERT_TRUE(stub->CreateTrainingPlan(Context().get(), request, &first).ok());
  ASSERT_TRUE(stub->CreateTrainingPlan(Context().get(), request, &again).ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(first.pass_score(), 60);
  GetTrainingPlanRequest get;
  get.set_name(first.name());
  ASSERT_TRUE(stub->GetTrainingPlan(Context().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), first.SerializeAsString());
  ListTrainingPlansRequest list;
  list.set_parent("communities/harbour-view");
  list.set_line(common::v1::LINE_SECURITY);
  ListTrainingPlansResponse page;
  ASSERT_TRUE(stub->ListTrainingPlans(Context().get(), list, &page).ok());
  ASSERT_GE(page.training_plans_size(), 1);
  EXPECT_EQ(page.training_plans(0).name(), first.name());
  CheckMetricsAndStop(s, grpc_service, "CreateTrainingPlan");
}

TEST_F(ServicesSmokeTest, Kpi) {
  using namespace kpi::v1;  // NOLINT: test brevity
  const std::string grpc_service = "steward.kpi.v1.KpiService";
  ServiceUnderTest s = Start("kpi", grpc_service);
  auto stub = KpiService::NewStub(s.Channel());
  CreateScorecardRequest request;
  request.set_parent("communities/harbour-view");
  request.set_request_id(UniqueId("card"));
  Scorecard* c = request.mutable_scorecard();
  c->set_subject_type(SUBJECT_TYPE_STAFF);
  c->set_subject_id(UniqueId("staff"));
  c->set_period("2026-01");
  Scorecard first, again, fetched;
  ASSERT_TRUE(stub->CreateScorecard(Context().get(), request, &first).ok());
  ASSERT_TRUE(stub->CreateScorecard(Context().get(), request, &again).ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(first.state(), SCORECARD_STATE_DRAFT);
  // A second scorecard for the same subject and month is refused.
  CreateScorecardRequest duplicate = request;
  duplicate.set_request_id(UniqueId("card-dup"));
  Scorecard ignored;
  EXPECT_EQ(stub->CreateScorecard(Context().get(), duplicate, &ignored).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  GetScorecardRequest get;
  get.set_name(first.name());
  ASSERT_TRUE(stub->GetScorecard(Context().get(), get, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), first.SerializeAsString());
  ListScorecardsRequest list;
  list.set_parent("communities/harbour-view");
  list.set_period("2026-01");
  ListScorecardsResponse page;
  ASSERT_TRUE(stub->ListScorecards(Context().get(), list, &page).ok());
  ASSERT_GE(page.scorecards_size(), 1);
  EXPECT_EQ(page.scorecards(0).name(), first.name());
  CheckMetricsAndStop(s, grpc_service, "CreateScorecard");
}

}  // namespace
}  // namespace steward::testing
