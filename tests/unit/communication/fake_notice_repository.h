// An in-memory NoticeRepository with the contract of the MySQL one
// (idempotency on (community, request_id), newest-first pages), plus knobs
// for tests: a failure to return from the next call and call counters.
// Not thread-safe.
#ifndef STEWARD_TESTS_UNIT_COMMUNICATION_FAKE_NOTICE_REPOSITORY_H_
#define STEWARD_TESTS_UNIT_COMMUNICATION_FAKE_NOTICE_REPOSITORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/errors.h"
#include "services/communication/domain/notice_repository.h"

namespace steward::communication {

class FakeNoticeRepository : public NoticeRepository {
 public:
  absl::StatusOr<Notice> Create(const NoticeDraft& draft,
                                const std::string& request_id,
                                const std::string& fingerprint,
                                absl::Time now) override {
    ++calls_;
    ++create_calls_;
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    const auto key = std::make_pair(draft.community, request_id);
    if (auto it = requests_.find(key); it != requests_.end()) {
      if (it->second.first != fingerprint) {
        return rpc::InvalidField("request_id", "already used");
      }
      return notices_.at(it->second.second);
    }
    Notice notice;
    notice.id = ++last_id_;
    notice.draft = draft;
    notice.state = NoticeState::kDraft;
    notice.version = 1;
    notice.create_time = notice.update_time = now;
    notices_[notice.id] = notice;
    requests_[key] = {fingerprint, notice.id};
    return notice;
  }

  absl::StatusOr<Notice> Get(const std::string& community,
                             int64_t id) override {
    ++calls_;
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    auto it = notices_.find(id);
    if (it == notices_.end() || it->second.draft.community != community) {
      return absl::NotFoundError("notice not found in this community");
    }
    return it->second;
  }

  absl::StatusOr<NoticePage> List(const std::string& community,
                                  const NoticeFilter& filter, int64_t before_id,
                                  int limit) override {
    ++calls_;
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    NoticePage page;
    for (auto it = notices_.rbegin(); it != notices_.rend(); ++it) {
      const Notice& n = it->second;
      if (n.draft.community != community) continue;
      if (before_id > 0 && n.id >= before_id) continue;
      if (filter.kind.has_value() && n.draft.kind != *filter.kind) continue;
      page.notices.push_back(n);
      if (static_cast<int>(page.notices.size()) == limit + 1) break;
    }
    if (static_cast<int>(page.notices.size()) > limit) {
      page.notices.resize(limit);
      page.next_after_id = page.notices.back().id;
    }
    return page;
  }

  // The next call of any method returns `status` instead of doing its work.
  void FailNextCall(absl::Status status) { failure_ = std::move(status); }
  int create_calls() const { return create_calls_; }
  // Calls of any method: a call refused before the repository leaves it
  // unchanged.
  int calls() const { return calls_; }
  size_t size() const { return notices_.size(); }

 private:
  absl::Status TakeFailure() { return std::exchange(failure_, {}); }

  std::map<int64_t, Notice> notices_;
  // (community, request_id) → (fingerprint, notice id).
  std::map<std::pair<std::string, std::string>, std::pair<std::string, int64_t>>
      requests_;
  int64_t last_id_ = 0;
  int create_calls_ = 0;
  int calls_ = 0;
  absl::Status failure_;
};

}  // namespace steward::communication

#endif  // STEWARD_TESTS_UNIT_COMMUNICATION_FAKE_NOTICE_REPOSITORY_H_
