// NoticeGrpcService driven directly (no network) over an in-memory
// NoticeRepository: status codes, BadRequest field names, idempotent
// retries and page tokens; calls pass the real CallGate as a company-wide
// manager. Then who else may call what (tenancy, the audit row).
#include "services/communication/api/notice_grpc_service.h"

#include <grpcpp/server_context.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/communication/domain/notice_desk.h"
#include "tests/support/status_details.h"
#include "tests/unit/communication/fake_notice_repository.h"
#include "tests/unit/support/test_gate.h"

namespace steward::communication {
namespace {

using ::steward::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class NoticeGrpcServiceTest : public ::testing::Test {
 protected:
  NoticeGrpcServiceTest()
      : desk_(repository_, [this] { return now_; }),
        service_(desk_, gate_.gate()) {}

  static v1::CreateNoticeRequest Request(const std::string& request_id,
                                         v1::NoticeKind kind,
                                         const std::string& title,
                                         const std::string& community = "c1") {
    v1::CreateNoticeRequest request;
    request.set_parent("communities/" + community);
    request.set_request_id(request_id);
    v1::Notice* notice = request.mutable_notice();
    notice->set_kind(kind);
    notice->set_title(title);
    notice->set_body("详见物业服务中心公告栏。");
    notice->mutable_event_time()->set_seconds(1773277200);
    return request;
  }

  grpc::Status Create(const v1::CreateNoticeRequest& request, v1::Notice* out) {
    ::steward::testing::CallContext context(caller_);
    return service_.CreateNotice(context.get(), &request, out);
  }

  // Creates a notice that must succeed and returns it.
  v1::Notice MustCreate(const std::string& request_id, v1::NoticeKind kind,
                        const std::string& community = "c1") {
    v1::Notice out;
    grpc::Status status = Create(
        Request(request_id, kind, "通知 " + request_id, community), &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  grpc::Status Get(const std::string& name, v1::Notice* out) {
    ::steward::testing::CallContext context(caller_);
    v1::GetNoticeRequest request;
    request.set_name(name);
    return service_.GetNotice(context.get(), &request, out);
  }

  grpc::Status List(const v1::ListNoticesRequest& request,
                    v1::ListNoticesResponse* out) {
    ::steward::testing::CallContext context(caller_);
    return service_.ListNotices(context.get(), &request, out);
  }

  static v1::ListNoticesRequest ListRequest(
      int page_size, v1::NoticeKind kind = v1::NOTICE_KIND_UNSPECIFIED,
      const std::string& page_token = "", const std::string& community = "c1") {
    v1::ListNoticesRequest request;
    request.set_parent("communities/" + community);
    request.set_page_size(page_size);
    request.set_kind(kind);
    request.set_page_token(page_token);
    return request;
  }

  static std::vector<std::string> Names(const v1::ListNoticesResponse& r) {
    std::vector<std::string> names;
    for (const v1::Notice& n : r.notices()) names.push_back(n.name());
    return names;
  }

  absl::Time now_ = absl::FromUnixSeconds(1773000000);
  FakeNoticeRepository repository_;
  NoticeDesk desk_;
  ::steward::testing::TestGate gate_;
  NoticeGrpcService service_;
  // Who the helpers above call as: by default a manager of every community.
  std::string caller_ = gate_.Manager();
};

TEST_F(NoticeGrpcServiceTest, CreateReturnsADraftNamedInItsCommunity) {
  v1::Notice notice;
  grpc::Status status = Create(
      Request("req-1", v1::NOTICE_KIND_PEST_CONTROL, "消杀通知"), &notice);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(notice.name(), "communities/c1/notices/1");
  EXPECT_EQ(notice.kind(), v1::NOTICE_KIND_PEST_CONTROL);
  EXPECT_EQ(notice.title(), "消杀通知");
  EXPECT_EQ(notice.body(), "详见物业服务中心公告栏。");
  EXPECT_EQ(notice.event_time().seconds(), 1773277200);
  EXPECT_EQ(notice.state(), v1::NOTICE_STATE_DRAFT);
  EXPECT_EQ(notice.create_time().seconds(), 1773000000);
  EXPECT_EQ(notice.update_time().seconds(), 1773000000);
  EXPECT_EQ(notice.etag(), "W/1");
}

TEST_F(NoticeGrpcServiceTest, CreateNeedsAWellFormedRequestId) {
  v1::CreateNoticeRequest request =
      Request("", v1::NOTICE_KIND_GENERAL, "title");
  v1::Notice notice;
  grpc::Status status = Create(request, &notice);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));

  request.set_request_id("has space");
  status = Create(request, &notice);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
  EXPECT_EQ(repository_.create_calls(), 0);
}

TEST_F(NoticeGrpcServiceTest, CreateNamesShapeErrors) {
  v1::CreateNoticeRequest request =
      Request("req-1", v1::NOTICE_KIND_UNSPECIFIED, "title");
  request.set_parent("communities/");
  v1::Notice notice;
  grpc::Status status = Create(request, &notice);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("parent", "notice.kind"));
  EXPECT_EQ(repository_.create_calls(), 0);
}

TEST_F(NoticeGrpcServiceTest, CreateNamesContentErrors) {
  v1::CreateNoticeRequest request =
      Request("req-1", v1::NOTICE_KIND_UTILITY_OUTAGE, "");
  request.mutable_notice()->clear_event_time();
  v1::Notice notice;
  grpc::Status status = Create(request, &notice);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("notice.title", "notice.event_time"));
  EXPECT_EQ(repository_.create_calls(), 0);
}

TEST_F(NoticeGrpcServiceTest, RetryWithTheSameBodyReturnsTheSameNotice) {
  const v1::CreateNoticeRequest request =
      Request("req-1", v1::NOTICE_KIND_GENERAL, "物业费缴纳提醒");
  v1::Notice first;
  ASSERT_TRUE(Create(request, &first).ok());
  now_ += absl::Minutes(5);  // the retry comes later
  v1::Notice second;
  grpc::Status status = Create(request, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.create_time().seconds(), first.create_time().seconds());
  EXPECT_EQ(repository_.size(), 1u);

  // A new request id with the same body is a new notice.
  v1::CreateNoticeRequest other = request;
  other.set_request_id("req-2");
  v1::Notice third;
  ASSERT_TRUE(Create(other, &third).ok());
  EXPECT_NE(third.name(), first.name());
  EXPECT_EQ(repository_.size(), 2u);
}

TEST_F(NoticeGrpcServiceTest, RequestIdReusedWithAnotherBodyIsRejected) {
  v1::Notice first;
  ASSERT_TRUE(
      Create(Request("req-1", v1::NOTICE_KIND_GENERAL, "first"), &first).ok());
  for (v1::CreateNoticeRequest changed :
       {Request("req-1", v1::NOTICE_KIND_GENERAL, "second"),
        Request("req-1", v1::NOTICE_KIND_EDUCATION_BOARD, "first")}) {
    v1::Notice notice;
    grpc::Status status = Create(changed, &notice);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
  }
  v1::CreateNoticeRequest later_event =
      Request("req-1", v1::NOTICE_KIND_GENERAL, "first");
  later_event.mutable_notice()->mutable_event_time()->set_nanos(1000);
  v1::Notice notice;
  EXPECT_EQ(Create(later_event, &notice).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(repository_.size(), 1u);
}

TEST_F(NoticeGrpcServiceTest, GetReturnsWhatCreateReturned) {
  const v1::Notice created = MustCreate("req-1", v1::NOTICE_KIND_PUBLICATION);
  v1::Notice got;
  grpc::Status status = Get(created.name(), &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
}

TEST_F(NoticeGrpcServiceTest, GetOfAMissingNoticeIsNotFound) {
  const v1::Notice created = MustCreate("req-1", v1::NOTICE_KIND_GENERAL);
  v1::Notice got;
  EXPECT_EQ(Get("communities/c1/notices/999", &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The notice exists, but in another community.
  EXPECT_EQ(Get("communities/c2/notices/1", &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(NoticeGrpcServiceTest, GetRejectsMalformedNames) {
  for (const char* name :
       {"", "communities/c1/tickets/1", "communities/c1/notices/abc",
        "communities/c1/notices/0", "communities/c1/notices/-3",
        "communities/c1/notices/1/extra"}) {
    v1::Notice got;
    grpc::Status status = Get(name, &got);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("name")) << name;
  }
}

TEST_F(NoticeGrpcServiceTest, ListPagesNewestFirstWithoutGapsOrRepeats) {
  for (int i = 1; i <= 5; ++i) {
    MustCreate("req-" + std::to_string(i), v1::NOTICE_KIND_GENERAL);
  }
  MustCreate("elsewhere", v1::NOTICE_KIND_GENERAL, "c2");
  std::vector<std::vector<std::string>> pages;
  std::string token;
  do {
    v1::ListNoticesResponse response;
    grpc::Status status = List(ListRequest(2, {}, token), &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    pages.push_back(Names(response));
    token = response.next_page_token();
  } while (!token.empty() && pages.size() < 10);
  EXPECT_THAT(
      pages,
      ElementsAre(
          ElementsAre("communities/c1/notices/5", "communities/c1/notices/4"),
          ElementsAre("communities/c1/notices/3", "communities/c1/notices/2"),
          ElementsAre("communities/c1/notices/1")));
}

TEST_F(NoticeGrpcServiceTest, ExactlyFullLastPageHasNoToken) {
  MustCreate("req-1", v1::NOTICE_KIND_GENERAL);
  MustCreate("req-2", v1::NOTICE_KIND_GENERAL);
  v1::ListNoticesResponse response;
  ASSERT_TRUE(List(ListRequest(2), &response).ok());
  EXPECT_EQ(response.notices_size(), 2);
  EXPECT_THAT(response.next_page_token(), IsEmpty());
}

TEST_F(NoticeGrpcServiceTest, ListFiltersByKind) {
  MustCreate("req-1", v1::NOTICE_KIND_PEST_CONTROL);
  MustCreate("req-2", v1::NOTICE_KIND_GENERAL);
  MustCreate("req-3", v1::NOTICE_KIND_PEST_CONTROL);
  v1::ListNoticesResponse response;
  ASSERT_TRUE(
      List(ListRequest(0, v1::NOTICE_KIND_PEST_CONTROL), &response).ok());
  EXPECT_THAT(Names(response), ElementsAre("communities/c1/notices/3",
                                           "communities/c1/notices/1"));
  for (const v1::Notice& n : response.notices()) {
    EXPECT_EQ(n.kind(), v1::NOTICE_KIND_PEST_CONTROL);
  }
}

TEST_F(NoticeGrpcServiceTest, PageTokenOnlyWorksForTheQueryItCameFrom) {
  for (int i = 1; i <= 3; ++i) {
    MustCreate("pest-" + std::to_string(i), v1::NOTICE_KIND_PEST_CONTROL);
    MustCreate("pest-" + std::to_string(i), v1::NOTICE_KIND_PEST_CONTROL, "c2");
  }
  v1::ListNoticesResponse first;
  ASSERT_TRUE(List(ListRequest(1, v1::NOTICE_KIND_PEST_CONTROL), &first).ok());
  const std::string token = first.next_page_token();
  ASSERT_THAT(token, Not(IsEmpty()));

  // Same query: accepted, continues after the first page.
  v1::ListNoticesResponse second;
  ASSERT_TRUE(
      List(ListRequest(1, v1::NOTICE_KIND_PEST_CONTROL, token), &second).ok());
  ASSERT_EQ(second.notices_size(), 1);
  EXPECT_NE(second.notices(0).name(), first.notices(0).name());

  const v1::ListNoticesRequest others[] = {
      ListRequest(1, v1::NOTICE_KIND_GENERAL, token),
      ListRequest(1, v1::NOTICE_KIND_UNSPECIFIED, token),
      ListRequest(1, v1::NOTICE_KIND_PEST_CONTROL, token, "c2"),
  };
  for (const v1::ListNoticesRequest& other : others) {
    v1::ListNoticesResponse response;
    grpc::Status status = List(other, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << other.ShortDebugString();
    EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
    EXPECT_EQ(response.notices_size(), 0);
  }
  // A different page size is the same query.
  v1::ListNoticesResponse bigger;
  EXPECT_TRUE(
      List(ListRequest(5, v1::NOTICE_KIND_PEST_CONTROL, token), &bigger).ok());
  EXPECT_EQ(bigger.notices_size(), 2);
}

TEST_F(NoticeGrpcServiceTest, ListRejectsMalformedArguments) {
  struct Case {
    v1::ListNoticesRequest request;
    std::string field;
  };
  v1::ListNoticesRequest bad_parent = ListRequest(10);
  bad_parent.set_parent("communities/C1");
  const Case cases[] = {
      {bad_parent, "parent"},
      {ListRequest(10, static_cast<v1::NoticeKind>(8)), "kind"},
      {ListRequest(-1), "page_size"},
      {ListRequest(10, {}, "not-a-token"), "page_token"},
  };
  for (const Case& c : cases) {
    v1::ListNoticesResponse response;
    grpc::Status status = List(c.request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field;
    EXPECT_THAT(ViolatedFields(status), ElementsAre(c.field));
  }
}

TEST_F(NoticeGrpcServiceTest, RepositoryFailuresKeepTheirCode) {
  repository_.FailNextCall(absl::UnavailableError("database unavailable"));
  v1::Notice notice;
  EXPECT_EQ(Create(Request("req-1", v1::NOTICE_KIND_GENERAL, "t"), &notice)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);

  repository_.FailNextCall(absl::AbortedError("concurrent create; retry"));
  v1::ListNoticesResponse response;
  EXPECT_EQ(List(ListRequest(10), &response).error_code(),
            grpc::StatusCode::ABORTED);

  // INTERNAL details stay in the log, not on the wire.
  repository_.FailNextCall(absl::InternalError("notices_get: SELECT ... x"));
  grpc::Status status = Get("communities/c1/notices/1", &notice);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("SELECT")));
}

// ---------------------------------------------------------------------------
// Who may call

constexpr char kCreateNotice[] =
    "steward.communication.v1.CommunicationService/CreateNotice";

TEST_F(NoticeGrpcServiceTest, WithoutATokenNothingIsReadOrWritten) {
  const v1::Notice created = MustCreate("req-1", v1::NOTICE_KIND_GENERAL);
  gate_.audit().Clear();
  const int calls = repository_.calls();
  caller_ = "";  // no authorization metadata

  v1::Notice notice;
  EXPECT_EQ(Get(created.name(), &notice).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::ListNoticesResponse response;
  EXPECT_EQ(List(ListRequest(10), &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());  // reads are not audited
  EXPECT_EQ(Create(Request("req-2", v1::NOTICE_KIND_GENERAL, "t"), &notice)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(notice.name(), "");
  EXPECT_EQ(response.notices_size(), 0);
  EXPECT_EQ(repository_.calls(), calls);
  EXPECT_EQ(repository_.size(), 1u);

  const std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].method, kCreateNotice);
  EXPECT_EQ(rows[0].principal, "anonymous");
  EXPECT_EQ(rows[0].resource, "communities/c1");
  EXPECT_EQ(rows[0].request_id, "req-2");
  EXPECT_FALSE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 16);
}

TEST_F(NoticeGrpcServiceTest, StaffOfAnotherCommunityAreRefusedThere) {
  const v1::Notice created = MustCreate("req-1", v1::NOTICE_KIND_GENERAL);
  gate_.audit().Clear();
  const int calls = repository_.calls();
  caller_ = gate_.Staff({"c2"}, "s-2");

  v1::Notice notice;
  EXPECT_EQ(Get(created.name(), &notice).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A name that does not exist answers the same: nothing is looked up.
  EXPECT_EQ(Get("communities/c1/notices/999", &notice).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListNoticesResponse response;
  EXPECT_EQ(List(ListRequest(10), &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(response.notices_size(), 0);
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());
  EXPECT_EQ(Create(Request("req-2", v1::NOTICE_KIND_GENERAL, "t"), &notice)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(repository_.calls(), calls);
  EXPECT_EQ(repository_.size(), 1u);
  std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].method, kCreateNotice);
  EXPECT_EQ(rows[0].principal, "staff:s-2");
  EXPECT_EQ(rows[0].role, "staff");
  EXPECT_FALSE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 7);

  // Their own community is theirs to post in.
  gate_.audit().Clear();
  EXPECT_TRUE(
      Create(Request("req-2", v1::NOTICE_KIND_GENERAL, "t", "c2"), &notice)
          .ok());
  rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 0);
  ASSERT_TRUE(List(ListRequest(10, {}, "", "c2"), &response).ok());
  EXPECT_THAT(Names(response), ElementsAre(notice.name()));
}

TEST_F(NoticeGrpcServiceTest, OwnersReadTheirCommunitysNoticesAndPostNone) {
  const v1::Notice here = MustCreate("req-1", v1::NOTICE_KIND_GENERAL);
  const v1::Notice elsewhere =
      MustCreate("req-1", v1::NOTICE_KIND_GENERAL, "c2");
  gate_.audit().Clear();
  caller_ = gate_.Owner({"communities/c1/households/3-2-1201"});

  v1::Notice notice;
  ASSERT_TRUE(Get(here.name(), &notice).ok());
  EXPECT_EQ(notice.SerializeAsString(), here.SerializeAsString());
  v1::ListNoticesResponse response;
  ASSERT_TRUE(List(ListRequest(10), &response).ok());
  EXPECT_THAT(Names(response), ElementsAre(here.name()));
  EXPECT_EQ(Get(elsewhere.name(), &notice).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(ListRequest(10, {}, "", "c2"), &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Posting is the property company's (the access table).
  const grpc::Status post =
      Create(Request("req-2", v1::NOTICE_KIND_GENERAL, "t"), &notice);
  EXPECT_EQ(post.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(post.error_message(), HasSubstr("owner role"));
  EXPECT_EQ(repository_.size(), 2u);
  const std::vector<db::AuditRow> rows = gate_.audit().rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].principal, "owner:o-1");
  EXPECT_FALSE(rows[0].allowed);
  EXPECT_EQ(rows[0].status_code, 7);
}

TEST_F(NoticeGrpcServiceTest, APageTokenIsForTheCallerItWasIssuedTo) {
  for (int i = 1; i <= 3; ++i) {
    MustCreate("req-" + std::to_string(i), v1::NOTICE_KIND_GENERAL);
  }
  caller_ = gate_.Staff({"c1"}, "s-1");
  v1::ListNoticesResponse first;
  ASSERT_TRUE(List(ListRequest(1), &first).ok());
  ASSERT_THAT(first.next_page_token(), Not(IsEmpty()));
  caller_ = gate_.Staff({"c1"}, "s-2");
  v1::ListNoticesResponse response;
  const grpc::Status status =
      List(ListRequest(1, {}, first.next_page_token()), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
  EXPECT_EQ(response.notices_size(), 0);
}

}  // namespace
}  // namespace steward::communication
