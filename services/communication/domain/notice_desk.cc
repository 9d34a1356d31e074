#include "services/communication/domain/notice_desk.h"

#include <utility>

#include "common/util/status_macros.h"

namespace steward::communication {

NoticeDesk::NoticeDesk(NoticeRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::StatusOr<Notice> NoticeDesk::Draft(const NoticeDraft& draft,
                                         const std::string& request_id,
                                         const std::string& fingerprint) {
  STEWARD_RETURN_IF_ERROR(ValidateDraft(draft));
  return repository_.Create(draft, request_id, fingerprint, clock_());
}

absl::StatusOr<Notice> NoticeDesk::Get(const std::string& community,
                                       int64_t id) {
  return repository_.Get(community, id);
}

absl::StatusOr<NoticePage> NoticeDesk::List(const std::string& community,
                                            const NoticeFilter& filter,
                                            int64_t before_id, int limit) {
  return repository_.List(community, filter, before_id, limit);
}

}  // namespace steward::communication
