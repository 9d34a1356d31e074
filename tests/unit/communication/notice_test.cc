// Domain rules of notices (ValidateDraft, RequiresEventTime) and the
// NoticeDesk use case. Pure: no proto, no database.
#include "services/communication/domain/notice.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/communication/domain/notice_desk.h"
#include "services/communication/domain/notice_repository.h"
#include "tests/support/status_details.h"

namespace steward::communication {
namespace {

using ::steward::testing::ViolatedFields;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::Return;

absl::Time Utc(int year, int month, int day, int hour = 0) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, 0, 0),
                         absl::UTCTimeZone());
}

NoticeDraft ValidDraft() {
  NoticeDraft draft;
  draft.community = "c1";
  draft.kind = NoticeKind::kPestControl;
  draft.title = "3号楼消杀通知";
  draft.body = "本周四上午对3号楼地下室进行消杀，请关好门窗。";
  draft.event_time = Utc(2026, 3, 12, 1);
  return draft;
}

// n copies of a code point that takes `utf8` bytes.
std::string Repeat(const std::string& utf8, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += utf8;
  return out;
}

TEST(ValidateDraftTest, AcceptsAValidDraft) {
  EXPECT_TRUE(ValidateDraft(ValidDraft()).ok());
}

TEST(ValidateDraftTest, TitleIsRequired) {
  NoticeDraft draft = ValidDraft();
  draft.title.clear();
  absl::Status status = ValidateDraft(draft);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("notice.title"));
}

TEST(ValidateDraftTest, TitleLimitCountsCodePointsNotBytes) {
  NoticeDraft draft = ValidDraft();
  draft.title = Repeat("通", kMaxTitleChars);  // 3 bytes each
  EXPECT_TRUE(ValidateDraft(draft).ok());
  draft.title = Repeat("😀", kMaxTitleChars);  // 4 bytes each
  EXPECT_TRUE(ValidateDraft(draft).ok());
  draft.title = Repeat("通", kMaxTitleChars + 1);
  absl::Status status = ValidateDraft(draft);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("notice.title"));
}

TEST(ValidateDraftTest, BodyIsRequiredAndLimited) {
  NoticeDraft draft = ValidDraft();
  draft.body.clear();
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)), ElementsAre("notice.body"));
  draft.body = Repeat("停", kMaxBodyChars);
  EXPECT_TRUE(ValidateDraft(draft).ok());
  draft.body = Repeat("停", kMaxBodyChars + 1);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)), ElementsAre("notice.body"));
}

TEST(ValidateDraftTest, RejectsMalformedUtf8) {
  NoticeDraft draft = ValidDraft();
  draft.title = "bad \xC3\x28 title";
  draft.body = "truncated \xE9\x80";
  absl::Status status = ValidateDraft(draft);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("notice.title", "notice.body"));
  EXPECT_THAT(status.message(), ::testing::HasSubstr("UTF-8"));
}

TEST(ValidateDraftTest, ReportsEveryViolationAtOnce) {
  NoticeDraft draft = ValidDraft();
  draft.title.clear();
  draft.body.clear();
  draft.event_time.reset();
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("notice.title", "notice.body", "notice.event_time"));
}

TEST(ValidateDraftTest, EventTimeMustBeStorable) {
  NoticeDraft draft = ValidDraft();
  draft.event_time = Utc(999, 12, 31, 23);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("notice.event_time"));
  draft.event_time = Utc(10000, 1, 1);
  EXPECT_THAT(ViolatedFields(ValidateDraft(draft)),
              ElementsAre("notice.event_time"));
  draft.event_time = Utc(1000, 1, 1);
  EXPECT_TRUE(ValidateDraft(draft).ok());
  draft.event_time = Utc(10000, 1, 1) - absl::Microseconds(1);
  EXPECT_TRUE(ValidateDraft(draft).ok());
}

class EventTimeByKindTest
    : public ::testing::TestWithParam<std::pair<NoticeKind, bool>> {};

TEST_P(EventTimeByKindTest, RequiredExactlyForTimedKinds) {
  const auto [kind, required] = GetParam();
  EXPECT_EQ(RequiresEventTime(kind), required);
  NoticeDraft draft = ValidDraft();
  draft.kind = kind;
  draft.event_time.reset();
  absl::Status status = ValidateDraft(draft);
  if (required) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("notice.event_time"));
  } else {
    EXPECT_TRUE(status.ok()) << status;
  }
  // An event time is always welcome.
  draft.event_time = Utc(2026, 5, 9, 2);
  EXPECT_TRUE(ValidateDraft(draft).ok());
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, EventTimeByKindTest,
    ::testing::Values(std::pair{NoticeKind::kPestControl, true},
                      std::pair{NoticeKind::kUtilityOutage, true},
                      std::pair{NoticeKind::kDailyLifeWork, true},
                      std::pair{NoticeKind::kCommunityEvent, true},
                      std::pair{NoticeKind::kEducationBoard, false},
                      std::pair{NoticeKind::kPublication, false},
                      std::pair{NoticeKind::kGeneral, false}),
    [](const auto& info) {
      return absl::StrCat("Kind", static_cast<int>(info.param.first));
    });

class MockNoticeRepository : public NoticeRepository {
 public:
  MOCK_METHOD(absl::StatusOr<Notice>, Create,
              (const NoticeDraft&, const std::string&, const std::string&,
               absl::Time),
              (override));
  MOCK_METHOD(absl::StatusOr<Notice>, Get, (const std::string&, int64_t),
              (override));
  MOCK_METHOD(absl::StatusOr<NoticePage>, List,
              (const std::string&, const NoticeFilter&, int64_t, int),
              (override));
};

TEST(NoticeDeskTest, DraftStoresAValidDraftAtTheClocksTime) {
  MockNoticeRepository repository;
  const absl::Time now = Utc(2026, 3, 10, 8);
  NoticeDesk desk(repository, [now] { return now; });
  Notice stored;
  stored.id = 7;
  EXPECT_CALL(repository, Create(_, "req-1", "fingerprint", now))
      .WillOnce([&](const NoticeDraft& draft, auto&&...) {
        EXPECT_EQ(draft.title, ValidDraft().title);
        return stored;
      });
  auto notice = desk.Draft(ValidDraft(), "req-1", "fingerprint");
  ASSERT_TRUE(notice.ok()) << notice.status();
  EXPECT_EQ(notice->id, 7);
}

TEST(NoticeDeskTest, InvalidDraftNeverReachesTheRepository) {
  MockNoticeRepository repository;
  NoticeDesk desk(repository, [] { return absl::UnixEpoch(); });
  EXPECT_CALL(repository, Create).Times(0);
  NoticeDraft draft = ValidDraft();
  draft.event_time.reset();
  auto notice = desk.Draft(draft, "req-1", "fingerprint");
  EXPECT_EQ(notice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(notice.status()),
              ElementsAre("notice.event_time"));
}

TEST(NoticeDeskTest, GetAndListPassTheirArgumentsThrough) {
  MockNoticeRepository repository;
  NoticeDesk desk(repository, [] { return absl::UnixEpoch(); });
  EXPECT_CALL(repository, Get("c1", 42))
      .WillOnce(Return(absl::NotFoundError("no such notice")));
  EXPECT_EQ(desk.Get("c1", 42).status().code(), absl::StatusCode::kNotFound);
  NoticeFilter filter;
  filter.kind = NoticeKind::kGeneral;
  EXPECT_CALL(repository, List("c2", _, 99, 10))
      .WillOnce([](const std::string&, const NoticeFilter& f, int64_t, int) {
        EXPECT_EQ(f.kind, NoticeKind::kGeneral);
        return NoticePage{};
      });
  EXPECT_TRUE(desk.List("c2", filter, 99, 10).ok());
}

}  // namespace
}  // namespace steward::communication
