// Where notices are kept. The MySQL implementation lives in storage/; tests
// use in-memory fakes.
#ifndef STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_REPOSITORY_H_
#define STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_REPOSITORY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/communication/domain/notice.h"

namespace steward::communication {

class NoticeRepository {
 public:
  virtual ~NoticeRepository() = default;

  // Stores a new notice drafted at `now` (state DRAFT, version 1), unless
  // (community, request_id) was used before: then returns the notice that
  // call created when `fingerprint` matches, and INVALID_ARGUMENT (field
  // request_id) when it does not. Safe under concurrent calls with the same
  // request_id: exactly one notice is created. Times are kept to the
  // microsecond; the returned notice carries them as stored.
  virtual absl::StatusOr<Notice> Create(const NoticeDraft& draft,
                                        const std::string& request_id,
                                        const std::string& fingerprint,
                                        absl::Time now) = 0;

  // NOT_FOUND when no notice `id` exists in `community`.
  virtual absl::StatusOr<Notice> Get(const std::string& community,
                                     int64_t id) = 0;

  // Notices of `community` matching `filter`, newest first, with ids below
  // `before_id` (0: from the newest), at most `limit` (> 0).
  virtual absl::StatusOr<NoticePage> List(const std::string& community,
                                          const NoticeFilter& filter,
                                          int64_t before_id, int limit) = 0;
};

}  // namespace steward::communication

#endif  // STEWARD_SERVICES_COMMUNICATION_DOMAIN_NOTICE_REPOSITORY_H_
