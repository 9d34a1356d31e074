// The scorecard gRPC handlers driven directly, with the real desk, mapping
// and status conversion over an in-memory repository and a fixed clock,
// behind the real CallGate (as a company-wide manager unless a test says
// otherwise): status codes, BadRequest details as a client decodes them,
// idempotent retries, page tokens, and who may call what.
#include "services/kpi/api/scorecard_grpc_service.h"

#include <grpcpp/server_context.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/kpi/domain/scorecard_desk.h"
#include "tests/unit/kpi/fake_scorecard_repository.h"
#include "tests/support/status_details.h"
#include "tests/unit/support/test_gate.h"

namespace steward::kpi {
namespace {

using ::testing::ElementsAre;
using testing::FakeScorecardRepository;
using ::steward::testing::ViolatedFields;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// 2026-03-15 02:00 UTC (10:00 in Shanghai).
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 3, 15, 2, 0, 0),
                                        absl::UTCTimeZone());

class ScorecardGrpcServiceTest : public ::testing::Test {
 protected:
  ScorecardGrpcServiceTest()
      : desk_(
            repository_, [] { return kNow; }, absl::FixedTimeZone(8 * 3600)),
        service_(desk_, gate_.gate()) {}

  static v1::CreateScorecardRequest CreateRequest(
      const std::string& request_id, const std::string& subject_id,
      const std::string& period = "2026-03",
      const std::string& community = "c1") {
    v1::CreateScorecardRequest request;
    request.set_parent(absl::StrCat("communities/", community));
    request.set_request_id(request_id);
    v1::Scorecard* s = request.mutable_scorecard();
    s->set_subject_type(v1::SUBJECT_TYPE_STAFF);
    s->set_subject_id(subject_id);
    s->set_period(period);
    return request;
  }

  grpc::Status Create(const v1::CreateScorecardRequest& request,
                      v1::Scorecard* out) {
    ::steward::testing::CallContext context(caller_);
    return service_.CreateScorecard(context.get(), &request, out);
  }

  // Creates and asserts success; returns the resource.
  v1::Scorecard MustCreate(const v1::CreateScorecardRequest& request) {
    v1::Scorecard out;
    grpc::Status status = Create(request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  grpc::Status Get(const std::string& name, v1::Scorecard* out) {
    ::steward::testing::CallContext context(caller_);
    v1::GetScorecardRequest request;
    request.set_name(name);
    return service_.GetScorecard(context.get(), &request, out);
  }

  grpc::Status List(const v1::ListScorecardsRequest& request,
                    v1::ListScorecardsResponse* out) {
    ::steward::testing::CallContext context(caller_);
    return service_.ListScorecards(context.get(), &request, out);
  }

  static v1::ListScorecardsRequest ListRequest(const std::string& period = "",
                                               int page_size = 0,
                                               const std::string& token = "") {
    v1::ListScorecardsRequest request;
    request.set_parent("communities/c1");
    request.set_period(period);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return request;
  }

  // Names of every scorecard a List call walks through, page by page.
  std::vector<std::string> ListAll(const std::string& period, int page_size,
                                   int* pages) {
    std::vector<std::string> names;
    std::string token;
    *pages = 0;
    do {
      v1::ListScorecardsResponse response;
      grpc::Status status =
          List(ListRequest(period, page_size, token), &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      ++*pages;
      for (const auto& s : response.scorecards()) names.push_back(s.name());
      token = response.next_page_token();
    } while (!token.empty() && *pages < 100);
    return names;
  }

  FakeScorecardRepository repository_;
  ScorecardDesk desk_;
  ::steward::testing::TestGate gate_;
  ScorecardGrpcService service_;
  // Who the helpers above call as: by default a manager of every community.
  std::string caller_ = gate_.Manager();
};

// ---------------------------------------------------------------------------
// CreateScorecard

TEST_F(ScorecardGrpcServiceTest, CreateOpensADraft) {
  v1::Scorecard out;
  grpc::Status status = Create(CreateRequest("r1", "staff-1"), &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.name(), "communities/c1/scorecards/1");
  EXPECT_EQ(out.subject_type(), v1::SUBJECT_TYPE_STAFF);
  EXPECT_EQ(out.subject_id(), "staff-1");
  EXPECT_EQ(out.period(), "2026-03");
  EXPECT_EQ(out.state(), v1::SCORECARD_STATE_DRAFT);
  EXPECT_EQ(out.total_score(), 0);
  EXPECT_EQ(out.etag(), "W/1");
  EXPECT_EQ(out.create_time().seconds(), absl::ToUnixSeconds(kNow));
  EXPECT_EQ(out.update_time().seconds(), absl::ToUnixSeconds(kNow));
  EXPECT_EQ(repository_.size(), 1);
  ASSERT_EQ(repository_.fingerprints().size(), 1u);
  EXPECT_THAT(repository_.fingerprints()[0], MatchesRegex("[0-9a-f]{64}"));
}

TEST_F(ScorecardGrpcServiceTest, CreateRequiresAWellFormedRequestId) {
  for (const std::string& request_id :
       {std::string(), std::string(65, 'r'), std::string("r 1")}) {
    v1::Scorecard out;
    grpc::Status status = Create(CreateRequest(request_id, "staff-1"), &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << request_id;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"))
        << request_id;
  }
  EXPECT_EQ(repository_.size(), 0);
}

TEST_F(ScorecardGrpcServiceTest, CreateNamesEveryMalformedField) {
  v1::CreateScorecardRequest request = CreateRequest("r1", "staff-1");
  request.set_parent("communities/C!");
  request.mutable_scorecard()->set_subject_type(
      static_cast<v1::SubjectType>(9));
  request.mutable_scorecard()->set_period("2026-3");
  v1::Scorecard out;
  grpc::Status status = Create(request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("parent", "scorecard.subject_type",
                                   "scorecard.period"));
  EXPECT_EQ(repository_.size(), 0);
}

TEST_F(ScorecardGrpcServiceTest, CreateRequiresTheScorecard) {
  v1::CreateScorecardRequest request = CreateRequest("r1", "staff-1");
  request.clear_scorecard();
  v1::Scorecard out;
  grpc::Status status = Create(request, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("scorecard"));
}

TEST_F(ScorecardGrpcServiceTest, CreateAppliesTheDomainRules) {
  v1::Scorecard out;
  grpc::Status bad_subject = Create(CreateRequest("r1", "staff#1"), &out);
  EXPECT_EQ(bad_subject.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(bad_subject),
              ElementsAre("scorecard.subject_id"));

  // The clock says March 2026 (in UTC+8 as well): April has not begun.
  grpc::Status future = Create(CreateRequest("r2", "staff-1", "2026-04"), &out);
  EXPECT_EQ(future.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(future), ElementsAre("scorecard.period"));
  EXPECT_EQ(repository_.size(), 0);

  EXPECT_TRUE(Create(CreateRequest("r3", "staff-1", "2025-12"), &out).ok());
}

TEST_F(ScorecardGrpcServiceTest, RetryWithTheSameBodyReturnsTheSameScorecard) {
  const v1::CreateScorecardRequest request = CreateRequest("r1", "staff-1");
  const v1::Scorecard first = MustCreate(request);
  const v1::Scorecard again = MustCreate(request);
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.etag(), first.etag());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());

  // Output-only fields a client echoes back do not make it another request.
  v1::CreateScorecardRequest echoed = request;
  echoed.mutable_scorecard()->set_name(first.name());
  echoed.mutable_scorecard()->set_state(v1::SCORECARD_STATE_DRAFT);
  echoed.mutable_scorecard()->set_etag(first.etag());
  EXPECT_EQ(MustCreate(echoed).name(), first.name());

  EXPECT_EQ(repository_.size(), 1);
  const std::vector<std::string> fingerprints = repository_.fingerprints();
  ASSERT_EQ(fingerprints.size(), 3u);
  EXPECT_EQ(fingerprints[1], fingerprints[0]);
  EXPECT_EQ(fingerprints[2], fingerprints[0]);
}

TEST_F(ScorecardGrpcServiceTest, SameRequestIdWithAnotherBodyIsRejected) {
  MustCreate(CreateRequest("r1", "staff-1"));
  for (const v1::CreateScorecardRequest& other :
       {CreateRequest("r1", "staff-2"),
        CreateRequest("r1", "staff-1", "2026-02")}) {
    v1::Scorecard out;
    grpc::Status status = Create(other, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
  }
  v1::CreateScorecardRequest team = CreateRequest("r1", "staff-1");
  team.mutable_scorecard()->set_subject_type(v1::SUBJECT_TYPE_TEAM);
  v1::Scorecard out;
  EXPECT_THAT(ViolatedFields(Create(team, &out)), ElementsAre("request_id"));
  EXPECT_EQ(repository_.size(), 1);
  // Every body got its own fingerprint.
  const std::vector<std::string> fingerprints = repository_.fingerprints();
  EXPECT_EQ(
      std::set<std::string>(fingerprints.begin(), fingerprints.end()).size(),
      fingerprints.size());
}

TEST_F(ScorecardGrpcServiceTest, SecondScorecardForSubjectAndMonthExists) {
  MustCreate(CreateRequest("r1", "staff-1"));
  v1::Scorecard out;
  grpc::Status status = Create(CreateRequest("r2", "staff-1"), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(repository_.size(), 1);
  // Another month, subject or community is a different scorecard.
  MustCreate(CreateRequest("r3", "staff-1", "2026-02"));
  MustCreate(CreateRequest("r4", "staff-2"));
  MustCreate(CreateRequest("r1", "staff-1", "2026-03", "c2"));
  EXPECT_EQ(repository_.size(), 4);
}

TEST_F(ScorecardGrpcServiceTest, InternalErrorsDoNotLeakTheirCause) {
  repository_.FailNextCall(absl::InternalError("SELECT ... secret detail"));
  v1::Scorecard out;
  grpc::Status status = Create(CreateRequest("r1", "staff-1"), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("secret")));

  repository_.FailNextCall(absl::UnavailableError("database down"));
  EXPECT_EQ(Create(CreateRequest("r1", "staff-1"), &out).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

// ---------------------------------------------------------------------------
// GetScorecard

TEST_F(ScorecardGrpcServiceTest, GetReturnsWhatCreateReturned) {
  const v1::Scorecard created = MustCreate(CreateRequest("r1", "staff-1"));
  v1::Scorecard got;
  grpc::Status status = Get(created.name(), &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
}

TEST_F(ScorecardGrpcServiceTest, GetUnknownScorecardIsNotFound) {
  const v1::Scorecard created = MustCreate(CreateRequest("r1", "staff-1"));
  v1::Scorecard got;
  EXPECT_EQ(Get("communities/c1/scorecards/2", &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The same id in another community is not visible.
  EXPECT_EQ(Get("communities/c2/scorecards/1", &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ScorecardGrpcServiceTest, GetRejectsMalformedNames) {
  for (const char* name :
       {"", "communities/c1", "communities/c1/tickets/1",
        "communities/c1/scorecards/", "communities/c1/scorecards/abc",
        "communities/c1/scorecards/0", "communities/c1/scorecards/-1",
        "communities/c1/scorecards/1/x"}) {
    v1::Scorecard got;
    grpc::Status status = Get(name, &got);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("name")) << name;
  }
}

// ---------------------------------------------------------------------------
// ListScorecards

TEST_F(ScorecardGrpcServiceTest, ListWalksEveryScorecardNewestFirst) {
  for (int i = 1; i <= 5; ++i) {
    MustCreate(CreateRequest(absl::StrCat("r", i), absl::StrCat("staff-", i)));
  }
  MustCreate(CreateRequest("r1", "staff-1", "2026-03", "c2"));  // elsewhere
  int pages = 0;
  EXPECT_THAT(
      ListAll("", 2, &pages),
      ElementsAre("communities/c1/scorecards/5", "communities/c1/scorecards/4",
                  "communities/c1/scorecards/3", "communities/c1/scorecards/2",
                  "communities/c1/scorecards/1"));
  EXPECT_EQ(pages, 3);
}

TEST_F(ScorecardGrpcServiceTest, ListPageSizeDefaultsAndCaps) {
  MustCreate(CreateRequest("r1", "staff-1"));
  v1::ListScorecardsResponse response;
  ASSERT_TRUE(List(ListRequest("", 0), &response).ok());
  EXPECT_EQ(repository_.last_list_limit(), 50);
  ASSERT_TRUE(List(ListRequest("", 100000), &response).ok());
  EXPECT_EQ(repository_.last_list_limit(), 500);
  // An exactly full last page hands out no token.
  response.Clear();
  ASSERT_TRUE(List(ListRequest("", 1), &response).ok());
  EXPECT_EQ(response.scorecards_size(), 1);
  EXPECT_THAT(response.next_page_token(), IsEmpty());

  grpc::Status negative = List(ListRequest("", -1), &response);
  EXPECT_EQ(negative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(negative), ElementsAre("page_size"));
}

TEST_F(ScorecardGrpcServiceTest, ListFiltersByPeriod) {
  MustCreate(CreateRequest("r1", "staff-1", "2026-02"));
  MustCreate(CreateRequest("r2", "staff-1", "2026-03"));
  MustCreate(CreateRequest("r3", "staff-2", "2026-02"));
  MustCreate(CreateRequest("r4", "staff-3", "2026-02"));
  int pages = 0;
  EXPECT_THAT(
      ListAll("2026-02", 2, &pages),
      ElementsAre("communities/c1/scorecards/4", "communities/c1/scorecards/3",
                  "communities/c1/scorecards/1"));
  EXPECT_EQ(pages, 2);
  EXPECT_THAT(ListAll("2026-03", 2, &pages),
              ElementsAre("communities/c1/scorecards/2"));
  EXPECT_THAT(ListAll("2025-01", 2, &pages), IsEmpty());
}

TEST_F(ScorecardGrpcServiceTest, ListRejectsAMalformedPeriodOrParent) {
  v1::ListScorecardsResponse response;
  grpc::Status period = List(ListRequest("2026-2"), &response);
  EXPECT_EQ(period.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(period), ElementsAre("period"));

  v1::ListScorecardsRequest request = ListRequest();
  request.set_parent("communities/c1/scorecards");
  grpc::Status parent = List(request, &response);
  EXPECT_EQ(parent.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(parent), ElementsAre("parent"));
}

TEST_F(ScorecardGrpcServiceTest, PageTokenIsBoundToItsParentAndFilter) {
  for (int i = 1; i <= 3; ++i) {
    MustCreate(CreateRequest(absl::StrCat("r", i), absl::StrCat("staff-", i)));
  }
  v1::ListScorecardsResponse first;
  ASSERT_TRUE(List(ListRequest("2026-03", 1), &first).ok());
  const std::string token = first.next_page_token();
  ASSERT_THAT(token, Not(IsEmpty()));

  // The token continues the query it came from...
  v1::ListScorecardsResponse second;
  ASSERT_TRUE(List(ListRequest("2026-03", 1, token), &second).ok());
  ASSERT_EQ(second.scorecards_size(), 1);
  EXPECT_EQ(second.scorecards(0).name(), "communities/c1/scorecards/2");

  // ...but not another filter, no filter, or another parent.
  for (const char* period : {"2026-02", ""}) {
    v1::ListScorecardsResponse response;
    grpc::Status status = List(ListRequest(period, 1, token), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << period;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token")) << period;
    EXPECT_EQ(response.scorecards_size(), 0);
  }
  v1::ListScorecardsRequest elsewhere = ListRequest("2026-03", 1, token);
  elsewhere.set_parent("communities/c2");
  v1::ListScorecardsResponse response;
  grpc::Status status = List(elsewhere, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
}

TEST_F(ScorecardGrpcServiceTest, ListRejectsAForgedPageToken) {
  v1::ListScorecardsResponse response;
  grpc::Status status = List(ListRequest("", 1, "not-a-token!"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
}

// ---------------------------------------------------------------------------
// Who may call

constexpr char kCreateScorecard[] = "steward.kpi.v1.KpiService/CreateScorecard";

TEST_F(ScorecardGrpcServiceTest, WithoutATokenNothingIsReadOrWritten) {
  const v1::Scorecard created = MustCreate(CreateRequest("r1", "staff-1"));
  gate_.audit().Clear();
  const int calls = repository_.calls();
  caller_ = "";  // no authorization metadata

  v1::Scorecard got;
  EXPECT_EQ(Get(created.name(), &got).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::ListScorecardsResponse response;
  EXPECT_EQ(List(ListRequest(), &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());  // reads are not audited
  EXPECT_EQ(Create(CreateRequest("r2", "staff-2"), &got).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(repository_.calls(), calls);
  EXPECT_EQ(repository_.size(), 1);
  const std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].method, kCreateScorecard);
  EXPECT_EQ(rows[0].principal, "anonymous");
  EXPECT_FALSE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 16);
}

TEST_F(ScorecardGrpcServiceTest, ManagersOfAnotherCommunityAreRefusedThere) {
  const v1::Scorecard created = MustCreate(CreateRequest("r1", "staff-1"));
  gate_.audit().Clear();
  const int calls = repository_.calls();
  caller_ = gate_.Manager({"c2"}, "m-2");

  v1::Scorecard got;
  EXPECT_EQ(Get(created.name(), &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get("communities/c1/scorecards/99", &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListScorecardsResponse response;
  EXPECT_EQ(List(ListRequest(), &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(response.scorecards_size(), 0);
  EXPECT_EQ(Create(CreateRequest("r2", "staff-2"), &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(repository_.calls(), calls);
  EXPECT_EQ(repository_.size(), 1);
  std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].method, kCreateScorecard);
  EXPECT_EQ(rows[0].principal, "manager:m-2");
  EXPECT_EQ(rows[0].role, "manager");
  EXPECT_FALSE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 7);

  // Their own community is theirs to appraise.
  gate_.audit().Clear();
  v1::Scorecard own;
  ASSERT_TRUE(
      Create(CreateRequest("r2", "staff-2", "2026-03", "c2"), &own).ok());
  EXPECT_TRUE(Get(own.name(), &got).ok());
  rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 0);
}

TEST_F(ScorecardGrpcServiceTest, TheAppraisedMayNotSeeScorecards) {
  const v1::Scorecard created = MustCreate(CreateRequest("r1", "staff-1"));
  gate_.audit().Clear();
  const int calls = repository_.calls();
  for (const std::string& token :
       {gate_.Owner({"communities/c1/households/3-2-1201"}),
        gate_.Staff({"c1"}, "staff-1")}) {
    caller_ = token;
    v1::Scorecard got;
    EXPECT_EQ(Get(created.name(), &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(got.name(), "");
    v1::ListScorecardsResponse response;
    EXPECT_EQ(List(ListRequest(), &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Create(CreateRequest("r2", "staff-2"), &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // A system client needs the kpi scope of the kind it uses.
  caller_ = gate_.System({"kpi.read"});
  v1::Scorecard got;
  EXPECT_TRUE(Get(created.name(), &got).ok());
  const grpc::Status write = Create(CreateRequest("r2", "staff-2"), &got);
  EXPECT_EQ(write.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(write.error_message(), HasSubstr("kpi.write"));
  EXPECT_EQ(repository_.calls(), calls + 1);  // the system client's Get
  EXPECT_EQ(repository_.size(), 1);

  const std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].principal, "owner:o-1");
  EXPECT_EQ(rows[1].principal, "staff:staff-1");
  EXPECT_EQ(rows[2].principal, "system:crm");
  for (const db::AuditRow& row : rows) {
    EXPECT_EQ(row.method, kCreateScorecard);
    EXPECT_FALSE(row.allowed);
    EXPECT_EQ(row.status_code, 7);
  }
}

}  // namespace
}  // namespace steward::kpi
