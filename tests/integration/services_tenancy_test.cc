// Tenancy of communication (notices), training (plans) and KPI (scorecards)
// against the real binaries and database: what one community's callers can
// reach of another's, by name, by list and by page token. (Tickets, with
// households on top, are in tenancy_test.cc.)
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steward/communication/v1/communication.grpc.pb.h"
#include "steward/kpi/v1/kpi.grpc.pb.h"
#include "steward/training/v1/training.grpc.pb.h"
#include "tests/support/page_tokens.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

std::unique_ptr<grpc::ClientContext> Context() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return c;
}

// The items of a List response: its first field in every service.
int ItemCount(const google::protobuf::Message& response) {
  return response.GetReflection()->FieldSize(
      response, response.GetDescriptor()->field(0));
}

// Who calls, for one service: all may use its Get/List; `creator`, `both`
// and `there` may also create.
template <typename Stub>
struct Callers {
  std::unique_ptr<Stub> creator;    // of community x
  std::unique_ptr<Stub> neighbour;  // another caller of x
  std::unique_ptr<Stub> there;      // of community y only
  std::unique_ptr<Stub> both;       // of x and y
};

class ServicesTenancyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadTestEnv(&env_));
    // Communities of this run only: the database is shared with other runs.
    x_ = absl::StrCat("st-", ::getpid(), "-", absl::ToUnixMicros(absl::Now()));
    y_ = x_ + "-y";
    serial_ = 0;
  }

  ServiceUnderTest Start(const std::string& binary) {
    ServiceUnderTest s = StartService(env_, binary, env_.db_port);
    EXPECT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(30)))
        << s.process->ReadLog();
    return s;
  }

  template <typename Service>
  Callers<typename Service::Stub> As(const ServiceUnderTest& s, auth::Role role,
                                     const std::string& who) {
    auto stub = [&](const std::string& sub, std::vector<std::string> c) {
      return Service::NewStub(s.ChannelAs(
          TokenFor(env_, absl::StrCat(who, "-", sub), role, std::move(c))));
    };
    return {stub("x", {x_}), stub("x2", {x_}), stub("y", {y_}),
            stub("xy", {x_, y_})};
  }

  std::string Parent(const std::string& community) const {
    return absl::StrCat("communities/", community);
  }
  std::string NextId() { return absl::StrCat(x_, "-", serial_++); }

  // Cross-community Get, List and Create, and page-token binding, for one
  // service's Create/Get/List triple on `collection`.
  template <typename Stub, typename CreateRequest, typename Resource,
            typename GetRequest, typename ListRequest, typename ListResponse>
  void CheckCommunityTenancy(
      grpc::Status (Stub::*create)(grpc::ClientContext*, const CreateRequest&,
                                   Resource*),
      grpc::Status (Stub::*get)(grpc::ClientContext*, const GetRequest&,
                                Resource*),
      ListRpc<Stub, ListRequest, ListResponse> list,
      const std::function<CreateRequest(const std::string& parent)>& make,
      const std::string& collection, Callers<Stub>& as) {
    // Two resources of x.
    Resource first, second;
    grpc::Status s =
        (*as.creator.*create)(Context().get(), make(Parent(x_)), &first);
    ASSERT_TRUE(s.ok()) << s.error_message();
    s = (*as.creator.*create)(Context().get(), make(Parent(x_)), &second);
    ASSERT_TRUE(s.ok()) << s.error_message();
    const std::string id = first.name().substr(first.name().rfind('/') + 1);

    // x's callers reach it.
    GetRequest request;
    request.set_name(first.name());
    Resource seen;
    s = (*as.neighbour.*get)(Context().get(), request, &seen);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(seen.name(), first.name());

    // y's: the same refusal for x's resource as for a missing one.
    const grpc::Status existing =
        (*as.there.*get)(Context().get(), request, &seen);
    GetRequest missing;
    missing.set_name(absl::StrCat(Parent(x_), "/", collection, "/999999999"));
    const grpc::Status absent =
        (*as.there.*get)(Context().get(), missing, &seen);
    EXPECT_EQ(existing.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << existing.error_message();
    EXPECT_EQ(absent.error_code(), existing.error_code());
    EXPECT_EQ(absent.error_message(), existing.error_message());
    // x's row under y's name: the row's community is checked, not only the
    // name's.
    GetRequest renamed;
    renamed.set_name(absl::StrCat(Parent(y_), "/", collection, "/", id));
    const grpc::Status moved =
        (*as.there.*get)(Context().get(), renamed, &seen);
    EXPECT_EQ(moved.error_code(), grpc::StatusCode::NOT_FOUND)
        << moved.error_message() << " " << seen.name();

    // y's callers list nothing of x, create nothing in x.
    ListRequest list_x;
    list_x.set_parent(Parent(x_));
    list_x.set_page_size(500);
    ListResponse page;
    EXPECT_EQ((*as.there.*list)(Context().get(), list_x, &page).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    Resource created;
    const grpc::Status refused =
        (*as.there.*create)(Context().get(), make(Parent(x_)), &created);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << refused.error_message();
    ASSERT_TRUE((*as.creator.*list)(Context().get(), list_x, &page).ok());
    EXPECT_EQ(ItemCount(page), 2);  // nothing was created for y's caller
    // ...and y's own list holds none of x's.
    ListRequest list_y = list_x;
    list_y.set_parent(Parent(y_));
    ASSERT_TRUE((*as.there.*list)(Context().get(), list_y, &page).ok());
    EXPECT_FALSE(absl::StrContains(page.SerializeAsString(), Parent(x_) + "/"));

    // Page tokens: another caller of x, or the issuer in y, cannot use them.
    ExpectPageTokenBound(list, *as.both, *as.neighbour, ListRequest(),
                         Parent(x_), Parent(y_));
  }

  TestEnv env_;
  std::string x_, y_;
  int serial_ = 0;
};

TEST_F(ServicesTenancyTest, NoticesStayInTheirCommunity) {
  using namespace communication::v1;  // NOLINT: test brevity
  ServiceUnderTest s = Start("communication");
  auto as = As<CommunicationService>(s, auth::Role::kStaff, "staff");
  CheckCommunityTenancy(
      &CommunicationService::Stub::CreateNotice,
      &CommunicationService::Stub::GetNotice,
      &CommunicationService::Stub::ListNotices,
      std::function<CreateNoticeRequest(const std::string&)>(
          [&](const std::string& parent) {
            CreateNoticeRequest r;
            r.set_parent(parent);
            r.set_request_id(NextId());
            r.mutable_notice()->set_kind(NOTICE_KIND_GENERAL);
            r.mutable_notice()->set_title("Water tank cleaning");
            r.mutable_notice()->set_body("Building 2, Thursday morning.");
            return r;
          }),
      "notices", as);
}

TEST_F(ServicesTenancyTest, TrainingPlansStayInTheirCommunity) {
  using namespace training::v1;  // NOLINT: test brevity
  ServiceUnderTest s = Start("training");
  // Managers organise training (staff only read it).
  auto as = As<TrainingService>(s, auth::Role::kManager, "manager");
  CheckCommunityTenancy(
      &TrainingService::Stub::CreateTrainingPlan,
      &TrainingService::Stub::GetTrainingPlan,
      &TrainingService::Stub::ListTrainingPlans,
      std::function<CreateTrainingPlanRequest(const std::string&)>(
          [&](const std::string& parent) {
            CreateTrainingPlanRequest r;
            r.set_parent(parent);
            r.set_request_id(NextId());
            TrainingPlan* p = r.mutable_training_plan();
            p->set_kind(TRAINING_KIND_SMALL_SESSION);
            p->set_title("Service etiquette");
            p->set_line(common::v1::LINE_CUSTOMER_SERVICE);
            const int64_t start =
                absl::ToUnixSeconds(absl::Now() + absl::Hours(72));
            p->mutable_start_time()->set_seconds(start);
            p->mutable_end_time()->set_seconds(start + 3600);
            return r;
          }),
      "trainingPlans", as);
}

TEST_F(ServicesTenancyTest, ScorecardsStayInTheirCommunity) {
  using namespace kpi::v1;  // NOLINT: test brevity
  ServiceUnderTest s = Start("kpi");
  auto as = As<KpiService>(s, auth::Role::kManager, "manager");
  CheckCommunityTenancy(
      &KpiService::Stub::CreateScorecard, &KpiService::Stub::GetScorecard,
      &KpiService::Stub::ListScorecards,
      std::function<CreateScorecardRequest(const std::string&)>(
          [&](const std::string& parent) {
            CreateScorecardRequest r;
            r.set_parent(parent);
            r.set_request_id(NextId());
            r.mutable_scorecard()->set_subject_type(SUBJECT_TYPE_STAFF);
            r.mutable_scorecard()->set_subject_id(NextId());
            r.mutable_scorecard()->set_period("2026-02");
            return r;
          }),
      "scorecards", as);
}

}  // namespace
}  // namespace steward::testing
