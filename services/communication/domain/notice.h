// Notices (通知/公告): the entities and pure rules of the communication
// service's notice board. No protobuf and no SQL here.
#ifndef STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_H_
#define STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace steward::communication {

// Numbering matches the proto and the stored column values; never renumber.
enum class NoticeKind {
  kPestControl = 1,     // 消杀
  kUtilityOutage = 2,   // planned water or power cut
  kDailyLifeWork = 3,   // work that affects owners' daily life
  kCommunityEvent = 4,  // 社区活动
  kEducationBoard = 5,  // statutory/safety education boards
  kPublication = 6,     // survey results, financial reports
  kGeneral = 7,
};
inline constexpr int kMaxNoticeKind = 7;

enum class NoticeState { kDraft = 1, kPublished = 2, kWithdrawn = 3 };
inline constexpr int kMaxNoticeState = 3;

// What a caller supplies to draft a notice.
struct NoticeDraft {
  std::string community;
  NoticeKind kind = NoticeKind::kGeneral;
  std::string title;
  std::string body;
  // When the announced work or event starts; see RequiresEventTime.
  std::optional<absl::Time> event_time;
};

struct Notice {
  int64_t id = 0;
  NoticeDraft draft;
  NoticeState state = NoticeState::kDraft;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

struct NoticeFilter {
  std::optional<NoticeKind> kind;
};

struct NoticePage {
  std::vector<Notice> notices;
  // Id to continue after, or 0 when this was the last page.
  int64_t next_after_id = 0;
};

// Limits on free text, in Unicode code points.
inline constexpr size_t kMaxTitleChars = 200;
inline constexpr size_t kMaxBodyChars = 10000;

// True for the kinds that announce something happening at a given time (pest
// control, utility outage, daily-life work, community event): they need an
// event_time, which their lead-time rules are measured against.
bool RequiresEventTime(NoticeKind kind);

// Checks the content rules of a draft: title 1..200 and body 1..10000 code
// points of well-formed UTF-8; event_time present when the kind requires it
// and, when present, within the years 1000..9999 that storage can hold.
// INVALID_ARGUMENT naming every offending field, with field paths as the API
// spells them ("notice.title"). Lead-time rules are not checked here.
absl::Status ValidateDraft(const NoticeDraft& draft);

}  // namespace steward::communication

#endif  // STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_H_
