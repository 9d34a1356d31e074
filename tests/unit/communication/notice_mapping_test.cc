// Proto ↔ domain mapping of the notices API and its request-shape checks.
#include "services/communication/api/notice_mapping.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "steward/communication/v1/communication.pb.h"
#include "tests/support/status_details.h"

namespace steward::communication {
namespace {

using ::steward::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

v1::CreateNoticeRequest ValidRequest() {
  v1::CreateNoticeRequest request;
  request.set_parent("communities/green-garden");
  request.set_request_id("req-1");
  v1::Notice* notice = request.mutable_notice();
  notice->set_kind(v1::NOTICE_KIND_UTILITY_OUTAGE);
  notice->set_title("停水通知");
  notice->set_body("3月12日9:00-12:00，5号楼停水检修。");
  notice->mutable_event_time()->set_seconds(1773277200);
  notice->mutable_event_time()->set_nanos(123456789);
  return request;
}

TEST(DraftFromRequestTest, MapsEveryField) {
  auto draft = DraftFromRequest(ValidRequest());
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->community, "green-garden");
  EXPECT_EQ(draft->kind, NoticeKind::kUtilityOutage);
  EXPECT_EQ(draft->title, "停水通知");
  EXPECT_EQ(draft->body, "3月12日9:00-12:00，5号楼停水检修。");
  ASSERT_TRUE(draft->event_time.has_value());
  EXPECT_EQ(*draft->event_time,
            absl::FromUnixSeconds(1773277200) + absl::Nanoseconds(123456789));
}

TEST(DraftFromRequestTest, AbsentEventTimeStaysAbsent) {
  v1::CreateNoticeRequest request = ValidRequest();
  request.mutable_notice()->clear_event_time();
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_FALSE(draft->event_time.has_value());
}

TEST(DraftFromRequestTest, EpochEventTimeIsPresentNotAbsent) {
  v1::CreateNoticeRequest request = ValidRequest();
  request.mutable_notice()->mutable_event_time()->Clear();
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->event_time, absl::UnixEpoch());
}

TEST(DraftFromRequestTest, EveryProtoKindMapsToTheSameNamedDomainKind) {
  const std::pair<v1::NoticeKind, NoticeKind> kinds[] = {
      {v1::NOTICE_KIND_PEST_CONTROL, NoticeKind::kPestControl},
      {v1::NOTICE_KIND_UTILITY_OUTAGE, NoticeKind::kUtilityOutage},
      {v1::NOTICE_KIND_DAILY_LIFE_WORK, NoticeKind::kDailyLifeWork},
      {v1::NOTICE_KIND_COMMUNITY_EVENT, NoticeKind::kCommunityEvent},
      {v1::NOTICE_KIND_EDUCATION_BOARD, NoticeKind::kEducationBoard},
      {v1::NOTICE_KIND_PUBLICATION, NoticeKind::kPublication},
      {v1::NOTICE_KIND_GENERAL, NoticeKind::kGeneral},
  };
  for (const auto& [proto_kind, domain_kind] : kinds) {
    v1::CreateNoticeRequest request = ValidRequest();
    request.mutable_notice()->set_kind(proto_kind);
    auto draft = DraftFromRequest(request);
    ASSERT_TRUE(draft.ok()) << draft.status();
    EXPECT_EQ(draft->kind, domain_kind) << v1::NoticeKind_Name(proto_kind);
  }
  EXPECT_EQ(kMaxNoticeKind, v1::NoticeKind_MAX);
  EXPECT_EQ(kMaxNoticeState, v1::NoticeState_MAX);
}

TEST(DraftFromRequestTest, MissingNoticeIsNamedWithAMalformedParent) {
  v1::CreateNoticeRequest request;
  request.set_parent("communities/Green_Garden");
  absl::Status status = DraftFromRequest(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("parent", "notice"));
}

TEST(DraftFromRequestTest, ParentMustBeACommunity) {
  v1::CreateNoticeRequest request = ValidRequest();
  request.set_parent("communities/c1/notices/3");
  EXPECT_THAT(ViolatedFields(DraftFromRequest(request).status()),
              ElementsAre("parent"));
}

TEST(DraftFromRequestTest, KindIsRequiredAndMustBeKnown) {
  v1::CreateNoticeRequest request = ValidRequest();
  request.mutable_notice()->set_kind(v1::NOTICE_KIND_UNSPECIFIED);
  absl::Status status = DraftFromRequest(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("notice.kind"));
  EXPECT_THAT(status.message(), ::testing::HasSubstr("required"));

  request.mutable_notice()->set_kind(static_cast<v1::NoticeKind>(8));
  status = DraftFromRequest(request).status();
  EXPECT_THAT(ViolatedFields(status), ElementsAre("notice.kind"));
  EXPECT_THAT(status.message(), ::testing::HasSubstr("unknown value 8"));
}

TEST(DraftFromRequestTest, RejectsAnInvalidTimestamp) {
  v1::CreateNoticeRequest request = ValidRequest();
  request.mutable_notice()->mutable_event_time()->set_nanos(-1);
  EXPECT_THAT(ViolatedFields(DraftFromRequest(request).status()),
              ElementsAre("notice.event_time"));
  request = ValidRequest();
  request.mutable_notice()->mutable_event_time()->set_seconds(
      253402300800);  // 10000-01-01
  EXPECT_THAT(ViolatedFields(DraftFromRequest(request).status()),
              ElementsAre("notice.event_time"));
}

TEST(DraftFromRequestTest, NamesEveryShapeErrorTogether) {
  v1::CreateNoticeRequest request = ValidRequest();
  request.set_parent("");
  request.mutable_notice()->set_kind(v1::NOTICE_KIND_UNSPECIFIED);
  request.mutable_notice()->mutable_event_time()->set_nanos(1000000000);
  EXPECT_THAT(
      ViolatedFields(DraftFromRequest(request).status()),
      UnorderedElementsAre("parent", "notice.kind", "notice.event_time"));
}

TEST(DraftFromRequestTest, LeavesContentRulesToTheDomain) {
  v1::CreateNoticeRequest request = ValidRequest();
  request.mutable_notice()->clear_title();
  request.mutable_notice()->clear_event_time();
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->title, "");
}

TEST(FilterFromRequestTest, KindIsOptional) {
  v1::ListNoticesRequest request;
  auto filter = FilterFromRequest(request);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_FALSE(filter->kind.has_value());

  request.set_kind(v1::NOTICE_KIND_PUBLICATION);
  filter = FilterFromRequest(request);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->kind, NoticeKind::kPublication);
}

TEST(FilterFromRequestTest, RejectsAnUnknownKind) {
  v1::ListNoticesRequest request;
  request.set_kind(static_cast<v1::NoticeKind>(99));
  absl::Status status = FilterFromRequest(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("kind"));
}

Notice SampleNotice() {
  Notice notice;
  notice.id = 42;
  notice.draft.community = "c1";
  notice.draft.kind = NoticeKind::kCommunityEvent;
  notice.draft.title = "中秋游园会";
  notice.draft.body = "欢迎业主参加。";
  notice.draft.event_time = absl::FromUnixMicros(1790000000123456);
  notice.state = NoticeState::kPublished;
  notice.version = 3;
  notice.create_time = absl::FromUnixMicros(1780000000000001);
  notice.update_time = absl::FromUnixMicros(1780000005000002);
  return notice;
}

TEST(ToProtoTest, FillsEveryField) {
  v1::Notice out;
  ToProto(SampleNotice(), &out);
  EXPECT_EQ(out.name(), "communities/c1/notices/42");
  EXPECT_EQ(out.kind(), v1::NOTICE_KIND_COMMUNITY_EVENT);
  EXPECT_EQ(out.title(), "中秋游园会");
  EXPECT_EQ(out.body(), "欢迎业主参加。");
  ASSERT_TRUE(out.has_event_time());
  EXPECT_EQ(out.event_time().seconds(), 1790000000);
  EXPECT_EQ(out.event_time().nanos(), 123456000);
  EXPECT_EQ(out.state(), v1::NOTICE_STATE_PUBLISHED);
  EXPECT_EQ(out.create_time().seconds(), 1780000000);
  EXPECT_EQ(out.create_time().nanos(), 1000);
  EXPECT_EQ(out.update_time().seconds(), 1780000005);
  EXPECT_EQ(out.update_time().nanos(), 2000);
  EXPECT_EQ(out.etag(), "W/3");
}

TEST(ToProtoTest, NoEventTimeLeavesTheFieldUnset) {
  Notice notice = SampleNotice();
  notice.draft.event_time.reset();
  notice.state = NoticeState::kDraft;
  v1::Notice out;
  out.mutable_event_time()->set_seconds(1);  // stale content is cleared
  ToProto(notice, &out);
  EXPECT_FALSE(out.has_event_time());
  EXPECT_EQ(out.state(), v1::NOTICE_STATE_DRAFT);
}

TEST(ToProtoTest, RoundTripsThroughDraftFromRequest) {
  v1::CreateNoticeRequest request;
  request.set_parent("communities/c1");
  ToProto(SampleNotice(), request.mutable_notice());
  auto draft = DraftFromRequest(request);
  ASSERT_TRUE(draft.ok()) << draft.status();
  const NoticeDraft& expected = SampleNotice().draft;
  EXPECT_EQ(draft->community, expected.community);
  EXPECT_EQ(draft->kind, expected.kind);
  EXPECT_EQ(draft->title, expected.title);
  EXPECT_EQ(draft->body, expected.body);
  EXPECT_EQ(draft->event_time, expected.event_time);
}

TEST(NoticeNameTest, FollowsTheResourcePattern) {
  EXPECT_EQ(NoticeName("north-gate", 7), "communities/north-gate/notices/7");
}

}  // namespace
}  // namespace steward::communication
