#include "services/communication/domain/notice.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/errors.h"
#include "common/util/text.h"

namespace steward::communication {
namespace {

// The DATETIME range MariaDB guarantees; an instant outside it cannot be
// stored faithfully.
const absl::Time kEarliestEventTime = absl::FromCivil(
    absl::CivilSecond(1000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
const absl::Time kLatestEventTime = absl::FromCivil(
    absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone());

void CheckText(rpc::FieldErrors& errors, absl::string_view field,
               absl::string_view text, size_t min_chars, size_t max_chars) {
  const std::optional<size_t> length = Utf8Length(text);
  if (!length.has_value()) {
    errors.Add(field, "must be valid UTF-8");
  } else if (*length < min_chars) {
    errors.Add(field, "required");
  } else if (*length > max_chars) {
    errors.Add(field, absl::StrCat("at most ", max_chars, " characters"));
  }
}

}  // namespace

bool RequiresEventTime(NoticeKind kind) {
  switch (kind) {
    case NoticeKind::kPestControl:
    case NoticeKind::kUtilityOutage:
    case NoticeKind::kDailyLifeWork:
    case NoticeKind::kCommunityEvent:
      return true;
    case NoticeKind::kEducationBoard:
    case NoticeKind::kPublication:
    case NoticeKind::kGeneral:
      return false;
  }
  return false;
}

absl::Status ValidateDraft(const NoticeDraft& draft) {
  rpc::FieldErrors errors;
  CheckText(errors, "notice.title", draft.title, 1, kMaxTitleChars);
  CheckText(errors, "notice.body", draft.body, 1, kMaxBodyChars);
  if (draft.event_time.has_value()) {
    errors.Check(*draft.event_time >= kEarliestEventTime &&
                     *draft.event_time < kLatestEventTime,
                 "notice.event_time", "must lie within the years 1000..9999");
  } else if (RequiresEventTime(draft.kind)) {
    errors.Add("notice.event_time",
               "required for this kind: when the work or event starts");
  }
  return errors.ToStatus();
}

}  // namespace steward::communication
