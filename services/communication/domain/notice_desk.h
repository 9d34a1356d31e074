// The communication service's notice use cases, independent of gRPC and of
// MySQL. Thread-safe when the repository and the clock are.
#ifndef STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_DESK_H_
#define STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_DESK_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/communication/domain/notice.h"
#include "services/communication/domain/notice_repository.h"

namespace steward::communication {

using Clock = std::function<absl::Time()>;

class NoticeDesk {
 public:
  // `repository` must outlive the desk.
  NoticeDesk(NoticeRepository& repository, Clock clock);

  // Drafts a notice after ValidateDraft (see NoticeRepository::Create for
  // idempotency). The repository is not called for an invalid draft.
  absl::StatusOr<Notice> Draft(const NoticeDraft& draft,
                               const std::string& request_id,
                               const std::string& fingerprint);
  absl::StatusOr<Notice> Get(const std::string& community, int64_t id);
  absl::StatusOr<NoticePage> List(const std::string& community,
                                  const NoticeFilter& filter, int64_t before_id,
                                  int limit);

 private:
  NoticeRepository& repository_;
  Clock clock_;
};

}  // namespace steward::communication

#endif  // STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_DESK_H_
