// Service tests: the TrainingGrpcService handlers driven directly, over the
// real TrainingDesk and an in-memory repository, behind the real CallGate
// (as a company-wide manager unless a test says otherwise). They check the
// codes and the google.rpc.BadRequest details a client receives, and who may
// call what.
#include "services/training/api/training_grpc_service.h"

#include <grpcpp/server_context.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"
#include "fake_training_plan_repository.h"
#include "tests/support/status_details.h"
#include "tests/unit/support/test_gate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/training/domain/training_desk.h"

namespace steward::training {
namespace {

using ::testing::ElementsAre;
using testing::FakeTrainingPlanRepository;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::steward::testing::ViolatedFields;

absl::Time At(int year, int month, int day, int hour) {
  return absl::FromCivil(absl::CivilHour(year, month, day, hour),
                         absl::UTCTimeZone());
}

class TrainingGrpcServiceTest : public ::testing::Test {
 protected:
  static v1::CreateTrainingPlanRequest CreateRequest(
      const std::string& request_id,
      common::v1::Line line = common::v1::LINE_SECURITY,
      const std::string& parent = "communities/c1") {
    v1::CreateTrainingPlanRequest request;
    request.set_parent(parent);
    request.set_request_id(request_id);
    v1::TrainingPlan* p = request.mutable_training_plan();
    p->set_kind(v1::TRAINING_KIND_SMALL_SESSION);
    p->set_line(line);
    p->set_title("Service etiquette");
    *p->mutable_start_time() = rpc::ToProtoTime(At(2026, 6, 2, 9));
    *p->mutable_end_time() = rpc::ToProtoTime(At(2026, 6, 2, 12));
    return request;
  }

  grpc::Status Create(const v1::CreateTrainingPlanRequest& request,
                      v1::TrainingPlan* out) {
    ::steward::testing::CallContext context(caller_);
    return service_.CreateTrainingPlan(context.get(), &request, out);
  }
  grpc::Status Get(const std::string& name, v1::TrainingPlan* out) {
    ::steward::testing::CallContext context(caller_);
    v1::GetTrainingPlanRequest request;
    request.set_name(name);
    return service_.GetTrainingPlan(context.get(), &request, out);
  }
  grpc::Status List(const v1::ListTrainingPlansRequest& request,
                    v1::ListTrainingPlansResponse* out) {
    ::steward::testing::CallContext context(caller_);
    return service_.ListTrainingPlans(context.get(), &request, out);
  }
  // Creates a plan that must succeed and returns its name.
  std::string MustCreate(const std::string& request_id,
                         common::v1::Line line = common::v1::LINE_SECURITY) {
    v1::TrainingPlan plan;
    const grpc::Status status = Create(CreateRequest(request_id, line), &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan.name();
  }
  static std::vector<std::string> Names(
      const v1::ListTrainingPlansResponse& response) {
    std::vector<std::string> names;
    for (const auto& p : response.training_plans()) names.push_back(p.name());
    return names;
  }

  FakeTrainingPlanRepository repository_;
  absl::Time now_ = At(2026, 5, 20, 3);
  TrainingDesk desk_{repository_, [this] { return now_; }};
  ::steward::testing::TestGate gate_;
  TrainingGrpcService service_{desk_, gate_.gate()};
  // Who the helpers above call as: by default a manager of every community.
  std::string caller_ = gate_.Manager();
};

TEST_F(TrainingGrpcServiceTest, CreateReturnsTheStoredPlan) {
  v1::TrainingPlan plan;
  const grpc::Status status = Create(CreateRequest("r-1"), &plan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(plan.name(), "communities/c1/trainingPlans/1");
  EXPECT_EQ(plan.kind(), v1::TRAINING_KIND_SMALL_SESSION);
  EXPECT_EQ(plan.line(), common::v1::LINE_SECURITY);
  EXPECT_EQ(plan.title(), "Service etiquette");
  EXPECT_EQ(rpc::FromProtoTime(plan.start_time()), At(2026, 6, 2, 9));
  EXPECT_EQ(rpc::FromProtoTime(plan.end_time()), At(2026, 6, 2, 12));
  EXPECT_EQ(plan.pass_score(), kDefaultPassScore);
  EXPECT_EQ(rpc::FromProtoTime(plan.create_time()), now_);
  EXPECT_EQ(rpc::FromProtoTime(plan.update_time()), now_);
  EXPECT_EQ(plan.etag(), rpc::FormatEtag(1));
  EXPECT_EQ(repository_.size(), 1u);
}

TEST_F(TrainingGrpcServiceTest, CreateNamesEveryBadShapeField) {
  v1::CreateTrainingPlanRequest request = CreateRequest("");
  request.set_parent("communities/");
  request.mutable_training_plan()->set_kind(static_cast<v1::TrainingKind>(9));
  v1::TrainingPlan plan;
  const grpc::Status status = Create(request, &plan);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("request_id", "parent", "training_plan.kind"));
  EXPECT_EQ(repository_.create_calls(), 0);
}

TEST_F(TrainingGrpcServiceTest, CreateNamesEveryBrokenContentRule) {
  v1::CreateTrainingPlanRequest request = CreateRequest("r-1");
  v1::TrainingPlan* p = request.mutable_training_plan();
  p->clear_kind();
  p->clear_line();
  p->clear_title();
  *p->mutable_end_time() = p->start_time();
  p->set_pass_score(101);
  v1::TrainingPlan plan;
  const grpc::Status status = Create(request, &plan);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolatedFields(status),
      UnorderedElementsAre("training_plan.kind", "training_plan.line",
                           "training_plan.title", "training_plan.end_time",
                           "training_plan.pass_score"));
  EXPECT_EQ(repository_.create_calls(), 0);
}

TEST_F(TrainingGrpcServiceTest, CreateRequiresTheTimesAndThePlan) {
  v1::CreateTrainingPlanRequest request = CreateRequest("r-1");
  request.mutable_training_plan()->clear_start_time();
  request.mutable_training_plan()->clear_end_time();
  v1::TrainingPlan plan;
  grpc::Status status = Create(request, &plan);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("training_plan.start_time",
                                                   "training_plan.end_time"));

  request.clear_training_plan();
  status = Create(request, &plan);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("training_plan"));
}

TEST_F(TrainingGrpcServiceTest, CreateRejectsAPlanLongerThan31Days) {
  v1::CreateTrainingPlanRequest request = CreateRequest("r-1");
  *request.mutable_training_plan()->mutable_end_time() =
      rpc::ToProtoTime(At(2026, 7, 3, 10));  // 31 days and 1 hour
  v1::TrainingPlan plan;
  const grpc::Status status = Create(request, &plan);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("training_plan.end_time"));
}

TEST_F(TrainingGrpcServiceTest, RetryWithTheSameRequestReturnsTheSamePlan) {
  v1::TrainingPlan first;
  ASSERT_TRUE(Create(CreateRequest("r-1"), &first).ok());
  now_ += absl::Minutes(5);
  v1::TrainingPlan second;
  const grpc::Status status = Create(CreateRequest("r-1"), &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.create_time().seconds(), first.create_time().seconds());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_EQ(repository_.size(), 1u);
}

TEST_F(TrainingGrpcServiceTest, ReusedRequestIdWithAnotherBodyIsRejected) {
  v1::TrainingPlan first;
  ASSERT_TRUE(Create(CreateRequest("r-1"), &first).ok());
  v1::CreateTrainingPlanRequest changed = CreateRequest("r-1");
  changed.mutable_training_plan()->set_title("Fire safety");
  v1::TrainingPlan second;
  const grpc::Status status = Create(changed, &second);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
  EXPECT_EQ(repository_.size(), 1u);
}

TEST_F(TrainingGrpcServiceTest, RequestIdsAreScopedToTheCommunity) {
  v1::TrainingPlan in_c1;
  ASSERT_TRUE(Create(CreateRequest("r-1"), &in_c1).ok());
  v1::TrainingPlan in_c2;
  const grpc::Status status =
      Create(CreateRequest("r-1", common::v1::LINE_SECURITY, "communities/c2"),
             &in_c2);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(in_c2.name(), "communities/c2/trainingPlans/2");
  EXPECT_EQ(repository_.size(), 2u);
}

TEST_F(TrainingGrpcServiceTest, GetReturnsWhatCreateReturned) {
  v1::TrainingPlan created;
  ASSERT_TRUE(Create(CreateRequest("r-1"), &created).ok());
  v1::TrainingPlan got;
  const grpc::Status status = Get(created.name(), &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
}

TEST_F(TrainingGrpcServiceTest, GetOfAnUnknownPlanIsNotFound) {
  MustCreate("r-1");
  v1::TrainingPlan got;
  EXPECT_EQ(Get("communities/c1/trainingPlans/99", &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The plan exists, but in another community.
  EXPECT_EQ(Get("communities/c2/trainingPlans/1", &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(TrainingGrpcServiceTest, GetRejectsMalformedNames) {
  for (const std::string name :
       {"", "communities/c1/tickets/1", "communities/c1/trainingPlans/abc",
        "communities/c1/trainingPlans/0", "communities/c1/trainingPlans"}) {
    v1::TrainingPlan got;
    const grpc::Status status = Get(name, &got);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("name")) << name;
  }
}

TEST_F(TrainingGrpcServiceTest, ListPagesNewestFirstThroughEveryPlan) {
  std::vector<std::string> created;
  for (int i = 1; i <= 5; ++i) {
    created.push_back(MustCreate("r-" + std::to_string(i)));
  }

  v1::ListTrainingPlansRequest request;
  request.set_parent("communities/c1");
  request.set_page_size(2);
  std::vector<std::string> seen;
  int pages = 0;
  do {
    v1::ListTrainingPlansResponse response;
    const grpc::Status status = List(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(response.training_plans_size(), 2);
    for (const auto& name : Names(response)) seen.push_back(name);
    request.set_page_token(response.next_page_token());
    ASSERT_LT(++pages, 10);
  } while (!request.page_token().empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre(created[4], created[3], created[2], created[1],
                                created[0]));
}

TEST_F(TrainingGrpcServiceTest, ListFiltersByLine) {
  const std::string security = MustCreate("r-1", common::v1::LINE_SECURITY);
  const std::string cleaning = MustCreate("r-2", common::v1::LINE_CLEANING);
  const std::string security2 = MustCreate("r-3", common::v1::LINE_SECURITY);

  v1::ListTrainingPlansRequest request;
  request.set_parent("communities/c1");
  request.set_line(common::v1::LINE_SECURITY);
  v1::ListTrainingPlansResponse response;
  ASSERT_TRUE(List(request, &response).ok());
  EXPECT_THAT(Names(response), ElementsAre(security2, security));
  EXPECT_TRUE(response.next_page_token().empty());

  request.set_line(common::v1::LINE_CLEANING);
  response.Clear();
  ASSERT_TRUE(List(request, &response).ok());
  EXPECT_THAT(Names(response), ElementsAre(cleaning));

  request.set_line(common::v1::LINE_GREENING);
  response.Clear();
  ASSERT_TRUE(List(request, &response).ok());
  EXPECT_THAT(Names(response), IsEmpty());
}

TEST_F(TrainingGrpcServiceTest, APageTokenOnlyWorksForItsOwnQuery) {
  for (int i = 1; i <= 3; ++i) {
    MustCreate("s-" + std::to_string(i), common::v1::LINE_SECURITY);
    MustCreate("e-" + std::to_string(i), common::v1::LINE_ENGINEERING);
  }
  v1::ListTrainingPlansRequest request;
  request.set_parent("communities/c1");
  request.set_line(common::v1::LINE_SECURITY);
  request.set_page_size(1);
  v1::ListTrainingPlansResponse first;
  ASSERT_TRUE(List(request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());

  // Same query: accepted.
  v1::ListTrainingPlansResponse next;
  ASSERT_TRUE(List(request, &next).ok());
  ASSERT_EQ(next.training_plans_size(), 1);
  EXPECT_EQ(next.training_plans(0).line(), common::v1::LINE_SECURITY);

  // Another line filter, no filter, another parent: rejected.
  for (auto mutate :
       std::vector<std::function<void(v1::ListTrainingPlansRequest&)>>{
           [](auto& r) { r.set_line(common::v1::LINE_ENGINEERING); },
           [](auto& r) { r.clear_line(); },
           [](auto& r) { r.set_parent("communities/c2"); }}) {
    v1::ListTrainingPlansRequest other = request;
    mutate(other);
    v1::ListTrainingPlansResponse response;
    const grpc::Status status = List(other, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
    EXPECT_EQ(response.training_plans_size(), 0);
  }
}

TEST_F(TrainingGrpcServiceTest, ListRejectsBadArguments) {
  struct Case {
    std::string parent;
    int page_size;
    std::string page_token;
    int line;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {"communities/C1", 0, "", 0, "parent"},
           {"communities/c1/trainingPlans/1", 0, "", 0, "parent"},
           {"communities/c1", -1, "", 0, "page_size"},
           {"communities/c1", 0, "not a token!", 0, "page_token"},
           {"communities/c1", 0, "", 6, "line"},
       }) {
    v1::ListTrainingPlansRequest request;
    request.set_parent(c.parent);
    request.set_page_size(c.page_size);
    request.set_page_token(c.page_token);
    request.set_line(static_cast<common::v1::Line>(c.line));
    v1::ListTrainingPlansResponse response;
    const grpc::Status status = List(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field;
    EXPECT_THAT(ViolatedFields(status), ElementsAre(c.field));
  }
}

TEST_F(TrainingGrpcServiceTest, ListCapsThePageSize) {
  for (int i = 1; i <= 3; ++i) MustCreate("r-" + std::to_string(i));
  v1::ListTrainingPlansRequest request;
  request.set_parent("communities/c1");
  request.set_page_size(rpc::kMaxPageSize + 1000);
  v1::ListTrainingPlansResponse response;
  ASSERT_TRUE(List(request, &response).ok());
  EXPECT_EQ(response.training_plans_size(), 3);
  EXPECT_TRUE(response.next_page_token().empty());
}

TEST_F(TrainingGrpcServiceTest, RepositoryFailuresKeepTheirCode) {
  repository_.FailWith(absl::UnavailableError("database down"));
  v1::TrainingPlan plan;
  EXPECT_EQ(Create(CreateRequest("r-1"), &plan).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Get("communities/c1/trainingPlans/1", &plan).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  repository_.FailWith(absl::InternalError("SELECT ... secret detail"));
  v1::ListTrainingPlansRequest request;
  request.set_parent("communities/c1");
  v1::ListTrainingPlansResponse response;
  const grpc::Status status = List(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(),
              ::testing::Not(::testing::HasSubstr("secret")));
}

// ---------------------------------------------------------------------------
// Who may call

constexpr char kCreatePlan[] =
    "steward.training.v1.TrainingService/CreateTrainingPlan";

TEST_F(TrainingGrpcServiceTest, WithoutATokenNothingIsReadOrWritten) {
  const std::string name = MustCreate("r-1");
  gate_.audit().Clear();
  const int calls = repository_.calls();
  caller_ = "";  // no authorization metadata

  v1::TrainingPlan plan;
  EXPECT_EQ(Get(name, &plan).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::ListTrainingPlansRequest list;
  list.set_parent("communities/c1");
  v1::ListTrainingPlansResponse response;
  EXPECT_EQ(List(list, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());  // reads are not audited
  EXPECT_EQ(Create(CreateRequest("r-2"), &plan).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(repository_.calls(), calls);
  EXPECT_EQ(repository_.size(), 1u);
  const std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].method, kCreatePlan);
  EXPECT_EQ(rows[0].principal, "anonymous");
  EXPECT_FALSE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 16);
}

TEST_F(TrainingGrpcServiceTest, CallersOfAnotherCommunityAreRefusedThere) {
  const std::string name = MustCreate("r-1");
  gate_.audit().Clear();
  const int calls = repository_.calls();
  v1::ListTrainingPlansRequest list;
  list.set_parent("communities/c1");

  // Staff of c2 may read training plans, but not c1's.
  caller_ = gate_.Staff({"c2"}, "s-2");
  v1::TrainingPlan plan;
  EXPECT_EQ(Get(name, &plan).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get("communities/c1/trainingPlans/99", &plan).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListTrainingPlansResponse response;
  EXPECT_EQ(List(list, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(response.training_plans_size(), 0);

  // A manager of c2 may plan training, but not in c1.
  caller_ = gate_.Manager({"c2"}, "m-2");
  EXPECT_EQ(Create(CreateRequest("r-2"), &plan).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(repository_.calls(), calls);
  EXPECT_EQ(repository_.size(), 1u);
  std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].method, kCreatePlan);
  // Managers, like staff and quality, are "staff:" principals.
  EXPECT_EQ(rows[0].principal, "manager:m-2");
  EXPECT_EQ(rows[0].role, "manager");
  EXPECT_FALSE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 7);

  gate_.audit().Clear();
  v1::TrainingPlan own;
  ASSERT_TRUE(
      Create(CreateRequest("r-2", common::v1::LINE_SECURITY, "communities/c2"),
             &own)
          .ok());
  rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 0);
  EXPECT_TRUE(Get(own.name(), &plan).ok());
}

TEST_F(TrainingGrpcServiceTest, OwnersAndStaffMayNotPlanTraining) {
  const std::string name = MustCreate("r-1");
  gate_.audit().Clear();
  const int calls = repository_.calls();

  // Owners reach nothing here, not even in their own community.
  caller_ = gate_.Owner({"communities/c1/households/3-2-1201"});
  v1::TrainingPlan plan;
  const grpc::Status get = Get(name, &plan);
  EXPECT_EQ(get.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(get.error_message(), ::testing::HasSubstr("owner role"));
  v1::ListTrainingPlansRequest list;
  list.set_parent("communities/c1");
  v1::ListTrainingPlansResponse response;
  EXPECT_EQ(List(list, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Create(CreateRequest("r-2"), &plan).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Front-line staff read plans but do not make them.
  caller_ = gate_.Staff({"c1"}, "s-1");
  EXPECT_EQ(Create(CreateRequest("r-3"), &plan).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(repository_.calls(), calls);

  const std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].principal, "owner:o-1");
  EXPECT_EQ(rows[1].principal, "staff:s-1");
  for (const db::AuditRow& row : rows) {
    EXPECT_EQ(row.method, kCreatePlan);
    EXPECT_FALSE(row.allowed);
    EXPECT_EQ(row.status_code, 7);
  }
  EXPECT_TRUE(Get(name, &plan).ok());
}

}  // namespace
}  // namespace steward::training
