// An in-memory TrainingPlanRepository for unit tests, keeping the contract of
// the MySQL one (idempotent Create on (community, request_id), NOT_FOUND,
// newest-first pages below before_id, times truncated to the microsecond).
// Thread-safe.
#ifndef STEWARD_TESTS_UNIT_TRAINING_FAKE_TRAINING_PLAN_REPOSITORY_H_
#define STEWARD_TESTS_UNIT_TRAINING_FAKE_TRAINING_PLAN_REPOSITORY_H_

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/rpc/errors.h"
#include "services/training/domain/training_plan_repository.h"

namespace steward::training::testing {

class FakeTrainingPlanRepository : public TrainingPlanRepository {
 public:
  absl::StatusOr<TrainingPlan> Create(const TrainingPlanDraft& draft,
                                      const std::string& request_id,
                                      const std::string& fingerprint,
                                      absl::Time now) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    ++create_calls_;
    if (!fail_with_.ok()) return fail_with_;
    // As the MySQL repository: a draft that skipped ValidateDraft.
    if (!draft.start_time.has_value() || !draft.end_time.has_value()) {
      return absl::InternalError("training plan draft without times");
    }
    auto key = std::make_pair(draft.community, request_id);
    if (auto it = requests_.find(key); it != requests_.end()) {
      if (it->second.first != fingerprint) {
        return rpc::InvalidField("request_id", "already used");
      }
      return plans_.at(it->second.second);
    }
    TrainingPlan plan;
    plan.id = ++last_id_;
    plan.draft = draft;
    plan.draft.start_time = Truncate(*draft.start_time);
    plan.draft.end_time = Truncate(*draft.end_time);
    plan.version = 1;
    plan.create_time = plan.update_time = Truncate(now);
    plans_[plan.id] = plan;
    requests_[key] = {fingerprint, plan.id};
    return plan;
  }

  absl::StatusOr<TrainingPlan> Get(const std::string& community,
                                   int64_t id) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    if (!fail_with_.ok()) return fail_with_;
    auto it = plans_.find(id);
    if (it == plans_.end() || it->second.draft.community != community) {
      return absl::NotFoundError("training plan not found");
    }
    return it->second;
  }

  absl::StatusOr<TrainingPlanPage> List(const std::string& community,
                                        const TrainingPlanFilter& filter,
                                        int64_t before_id, int limit) override {
    absl::MutexLock lock(&mu_);
    ++calls_;
    if (!fail_with_.ok()) return fail_with_;
    TrainingPlanPage page;
    for (auto it = plans_.rbegin(); it != plans_.rend(); ++it) {
      const TrainingPlan& plan = it->second;
      if (before_id > 0 && plan.id >= before_id) continue;
      if (plan.draft.community != community) continue;
      if (filter.line.has_value() && plan.draft.line != *filter.line) continue;
      if (static_cast<int>(page.plans.size()) == limit) {
        page.next_after_id = page.plans.back().id;
        break;
      }
      page.plans.push_back(plan);
    }
    return page;
  }

  // Every later call answers `status` (OK restores normal behaviour).
  void FailWith(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_with_ = std::move(status);
  }
  int create_calls() {
    absl::MutexLock lock(&mu_);
    return create_calls_;
  }
  size_t size() {
    absl::MutexLock lock(&mu_);
    return plans_.size();
  }
  // Calls of any method: a call refused before the repository leaves it
  // unchanged.
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  static absl::Time Truncate(absl::Time t) {
    return absl::FromUnixMicros(absl::ToUnixMicros(t));
  }

  absl::Mutex mu_;
  std::map<int64_t, TrainingPlan> plans_ ABSL_GUARDED_BY(mu_);
  // (community, request_id) → (fingerprint, plan id).
  std::map<std::pair<std::string, std::string>, std::pair<std::string, int64_t>>
      requests_ ABSL_GUARDED_BY(mu_);
  int64_t last_id_ ABSL_GUARDED_BY(mu_) = 0;
  int create_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status fail_with_ ABSL_GUARDED_BY(mu_);
};

}  // namespace steward::training::testing

#endif  // STEWARD_TESTS_UNIT_TRAINING_FAKE_TRAINING_PLAN_REPOSITORY_H_
