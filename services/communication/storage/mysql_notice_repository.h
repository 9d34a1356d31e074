// NoticeRepository on MySQL/MariaDB (schema in services/communication/schema).
#ifndef STEWARD_SERVICES_COMMUNICATION_STORAGE_MYSQL_NOTICE_REPOSITORY_H_
#define STEWARD_SERVICES_COMMUNICATION_STORAGE_MYSQL_NOTICE_REPOSITORY_H_

#include "common/db/connection_pool.h"
#include "services/communication/domain/notice_repository.h"

namespace steward::communication {

// Thread-safe; `pool` must outlive it.
class MysqlNoticeRepository : public NoticeRepository {
 public:
  explicit MysqlNoticeRepository(db::ConnectionPool& pool);

  absl::StatusOr<Notice> Create(const NoticeDraft& draft,
                                const std::string& request_id,
                                const std::string& fingerprint,
                                absl::Time now) override;
  absl::StatusOr<Notice> Get(const std::string& community, int64_t id) override;
  absl::StatusOr<NoticePage> List(const std::string& community,
                                  const NoticeFilter& filter, int64_t before_id,
                                  int limit) override;

 private:
  db::Operation create_;
  db::Operation get_;
  db::Operation list_;
};

}  // namespace steward::communication

#endif  // STEWARD_SERVICES_COMMUNICATION_STORAGE_MYSQL_NOTICE_REPOSITORY_H_
