// LD_PRELOAD shim for ThreadSanitizer runs only (scripts/sanitize.sh tsan);
// never linked into a product binary.
//
// Why: Debian's libabsl_synchronization.so is not built with -fsanitize=thread,
// so absl::Mutex (its own futex-based lock, not pthread) carries none of the
// TSan annotations an instrumented Abseil has. TSan then sees no
// happens-before edge between an Unlock and the next Lock and reports every
// access guarded by an absl::Mutex (common/db/connection_pool, the SLA engine,
// ticket_desk, gRPC's own locks) as a data race. Suppressing those would hide
// real races too, so instead this shim interposes the public absl::Mutex and
// absl::CondVar entry points (preloaded, it comes before the library in symbol
// lookup), calls the real function through dlsym(RTLD_NEXT) and tells TSan
// about the synchronisation: release before giving a lock up, acquire after
// getting it. Reader locks are modelled like writer locks (a reader's release
// also orders later readers), so a write made under a *reader* lock is the
// one kind of race this cannot show.
//
// Built by scripts/sanitize.sh into build-tsan/libtsan_absl_mutex.so.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);

namespace {

#define STEWARD_STR2(x) #x
#define STEWARD_STR(x) STEWARD_STR2(x)

// "_ZN4absl" <len><inline namespace> <len><class> <member and signature>.
std::string Mangled(const char* cls, const char* rest) {
  const std::string ns = STEWARD_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  return "_ZN4absl" + std::to_string(ns.size()) + ns + cls + rest;
}

template <typename Fn>
Fn Real(const char* cls, const char* rest) {
  const std::string name = Mangled(cls, rest);
  void* f = dlsym(RTLD_NEXT, name.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl_mutex: %s not found\n", name.c_str());
    std::abort();
  }
  return reinterpret_cast<Fn>(f);
}

// Await*'s Condition is evaluated inside the real call, with the lock held
// (by the waiter, or by the thread unlocking for it), i.e. before the
// acquire the wrapper reports on return: the reads it makes of what the lock
// guards looked unordered with the writers' critical sections (a false race
// between ConnectionPool::Release and Acquire's wait). This wraps it so that
// each evaluation reports an acquire and a release around it. (LockWhen* are left alone: the
// waiter holds no lock to publish the wrapper with, so the wrapper itself
// would be reported.)
class GuardedCondition {
 public:
  GuardedCondition(const absl::Condition& cond, void* mu)
      : cond_(&cond), mu_(mu), condition(&GuardedCondition::Eval, this) {}
  GuardedCondition(const GuardedCondition&) = delete;

 private:
  // Absl may evaluate it while holding the lock only briefly (and give it
  // up again unseen when it is false), so the evaluation is modelled as a
  // critical section of its own: acquire, read, release.
  static bool Eval(GuardedCondition* self) {
    __tsan_acquire(self->mu_);
    const bool result = self->cond_->Eval();
    __tsan_release(self->mu_);
    return result;
  }
  const absl::Condition* const cond_;
  void* const mu_;

 public:
  const absl::Condition condition;
};

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

#define REAL_MU(type, rest) static const auto real = Real<type>("5Mutex", rest)
#define REAL_CV(type, rest) static const auto real = Real<type>("7CondVar", rest)

void Mutex::Lock() {
  REAL_MU(void (*)(Mutex*), "4LockEv");
  real(this);
  __tsan_acquire(this);
}
void Mutex::ReaderLock() {
  REAL_MU(void (*)(Mutex*), "10ReaderLockEv");
  real(this);
  __tsan_acquire(this);
}
void Mutex::Unlock() {
  REAL_MU(void (*)(Mutex*), "6UnlockEv");
  __tsan_release(this);
  real(this);
}
void Mutex::ReaderUnlock() {
  REAL_MU(void (*)(Mutex*), "12ReaderUnlockEv");
  __tsan_release(this);
  real(this);
}
bool Mutex::TryLock() {
  REAL_MU(bool (*)(Mutex*), "7TryLockEv");
  const bool got = real(this);
  if (got) __tsan_acquire(this);
  return got;
}
bool Mutex::ReaderTryLock() {
  REAL_MU(bool (*)(Mutex*), "13ReaderTryLockEv");
  const bool got = real(this);
  if (got) __tsan_acquire(this);
  return got;
}
void Mutex::LockWhen(const Condition& cond) {
  REAL_MU(void (*)(Mutex*, const Condition&), "8LockWhenERKNS0_9ConditionE");
  real(this, cond);
  __tsan_acquire(this);
}
void Mutex::ReaderLockWhen(const Condition& cond) {
  REAL_MU(void (*)(Mutex*, const Condition&),
          "14ReaderLockWhenERKNS0_9ConditionE");
  real(this, cond);
  __tsan_acquire(this);
}
bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  REAL_MU(bool (*)(Mutex*, const Condition&, absl::Duration),
          "19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool r = real(this, cond, timeout);
  __tsan_acquire(this);
  return r;
}
bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL_MU(bool (*)(Mutex*, const Condition&, absl::Time),
          "20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool r = real(this, cond, deadline);
  __tsan_acquire(this);
  return r;
}
bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond,
                                      absl::Duration timeout) {
  REAL_MU(bool (*)(Mutex*, const Condition&, absl::Duration),
          "25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool r = real(this, cond, timeout);
  __tsan_acquire(this);
  return r;
}
bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond,
                                       absl::Time deadline) {
  REAL_MU(bool (*)(Mutex*, const Condition&, absl::Time),
          "26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool r = real(this, cond, deadline);
  __tsan_acquire(this);
  return r;
}
// Await* give the lock up while waiting and hold it again on return.
void Mutex::Await(const Condition& cond) {
  REAL_MU(void (*)(Mutex*, const Condition&), "5AwaitERKNS0_9ConditionE");
  // Built before the release, so whoever evaluates it holds the lock
  // after this thread published it.
  const GuardedCondition guarded(cond, this);
  __tsan_release(this);
  real(this, guarded.condition);
  __tsan_acquire(this);
}
bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  REAL_MU(bool (*)(Mutex*, const Condition&, absl::Duration),
          "16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  // Built before the release, so whoever evaluates it holds the lock
  // after this thread published it.
  const GuardedCondition guarded(cond, this);
  __tsan_release(this);
  const bool r = real(this, guarded.condition, timeout);
  __tsan_acquire(this);
  return r;
}
bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL_MU(bool (*)(Mutex*, const Condition&, absl::Time),
          "17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  // Built before the release, so whoever evaluates it holds the lock
  // after this thread published it.
  const GuardedCondition guarded(cond, this);
  __tsan_release(this);
  const bool r = real(this, guarded.condition, deadline);
  __tsan_acquire(this);
  return r;
}
void CondVar::Wait(Mutex* mu) {
  REAL_CV(void (*)(CondVar*, Mutex*), "4WaitEPNS0_5MutexE");
  __tsan_release(mu);
  real(this, mu);
  __tsan_acquire(mu);
}
bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  REAL_CV(bool (*)(CondVar*, Mutex*, absl::Duration),
          "15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  __tsan_release(mu);
  const bool r = real(this, mu, timeout);
  __tsan_acquire(mu);
  return r;
}
bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  REAL_CV(bool (*)(CondVar*, Mutex*, absl::Time),
          "16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  __tsan_release(mu);
  const bool r = real(this, mu, deadline);
  __tsan_acquire(mu);
  return r;
}

ABSL_NAMESPACE_END
}  // namespace absl
