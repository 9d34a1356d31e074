// An in-memory ScorecardRepository with the contract of the MySQL one: the
// (community, request_id) key is checked before the (community, subject,
// period) key, ids grow from 1, List is newest first. Lets a test make the
// next call fail, and counts calls. Thread-safe.
#ifndef STEWARD_TESTS_UNIT_KPI_FAKE_SCORECARD_REPOSITORY_H_
#define STEWARD_TESTS_UNIT_KPI_FAKE_SCORECARD_REPOSITORY_H_

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/rpc/errors.h"
#include "services/kpi/domain/scorecard_repository.h"

namespace steward::kpi::testing {

class FakeScorecardRepository : public ScorecardRepository {
 public:
  absl::StatusOr<Scorecard> Create(const ScorecardDraft& draft,
                                   const std::string& request_id,
                                   const std::string& fingerprint,
                                   absl::Time now) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    fingerprints_.push_back(fingerprint);
    if (auto it = by_request_.find({draft.community, request_id});
        it != by_request_.end()) {
      const auto& [id, stored_fingerprint] = it->second;
      if (stored_fingerprint != fingerprint) {
        return rpc::InvalidField("request_id", "already used");
      }
      return rows_.at(id);
    }
    const SubjectKey subject{draft.community,
                             static_cast<int>(draft.subject_type),
                             draft.subject_id, FormatPeriod(draft.period)};
    if (subjects_.contains(subject)) {
      return absl::AlreadyExistsError("subject and period taken");
    }
    Scorecard scorecard;
    scorecard.id = next_id_++;
    scorecard.draft = draft;
    scorecard.create_time = scorecard.update_time = now;
    rows_[scorecard.id] = scorecard;
    by_request_[{draft.community, request_id}] = {scorecard.id, fingerprint};
    subjects_.insert(subject);
    return scorecard;
  }

  absl::StatusOr<Scorecard> Get(const std::string& community,
                                int64_t id) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    auto it = rows_.find(id);
    if (it == rows_.end() || it->second.draft.community != community) {
      return absl::NotFoundError("no such scorecard");
    }
    return it->second;
  }

  absl::StatusOr<ScorecardPage> List(const std::string& community,
                                     const ScorecardFilter& filter,
                                     int64_t before_id, int limit) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    if (absl::Status s = TakeFailure(); !s.ok()) return s;
    last_list_limit_ = limit;
    ScorecardPage page;
    for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) {
      const Scorecard& s = it->second;
      if (s.draft.community != community) continue;
      if (before_id > 0 && s.id >= before_id) continue;
      if (filter.period.has_value() && s.draft.period != *filter.period) {
        continue;
      }
      if (static_cast<int>(page.scorecards.size()) == limit) {
        page.next_after_id = page.scorecards.back().id;
        break;
      }
      page.scorecards.push_back(s);
    }
    return page;
  }

  // The next repository call returns `status` instead of doing its work.
  void FailNextCall(absl::Status status) {
    absl::MutexLock lock(&mu_);
    failure_ = std::move(status);
  }
  int size() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(rows_.size());
  }
  // Every fingerprint Create was given, in call order.
  std::vector<std::string> fingerprints() const {
    absl::MutexLock lock(&mu_);
    return fingerprints_;
  }
  int last_list_limit() const {
    absl::MutexLock lock(&mu_);
    return last_list_limit_;
  }
  // Calls of any method: a call refused before the repository leaves it
  // unchanged.
  int calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  using SubjectKey = std::tuple<std::string, int, std::string, std::string>;

  absl::Status TakeFailure() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return std::exchange(failure_, absl::OkStatus());
  }

  mutable absl::Mutex mu_;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, Scorecard> rows_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>>
      by_request_ ABSL_GUARDED_BY(mu_);
  std::set<SubjectKey> subjects_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> fingerprints_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  int last_list_limit_ ABSL_GUARDED_BY(mu_) = 0;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace steward::kpi::testing

#endif  // STEWARD_TESTS_UNIT_KPI_FAKE_SCORECARD_REPOSITORY_H_
