#include "services/tickets/engine/sla_engine.h"

#include <algorithm>
#include <string>

#include "absl/time/clock.h"
#include "common/util/log.h"

namespace steward::tickets {

SlaEngine::SlaEngine(TicketDesk& desk, prometheus::Registry& registry,
                     Options options)
    : desk_(desk), options_(options) {
  auto& family = prometheus::BuildCounter()
                     .Name("steward_ticket_escalations_total")
                     .Help("SLA escalations fired, by level (handler and "
                           "supervisor warnings, manager on breach)")
                     .Register(registry);
  for (EscalationLevel level :
       {EscalationLevel::kHandler, EscalationLevel::kSupervisor,
        EscalationLevel::kManager}) {
    escalations_[static_cast<int>(level)] = &family.Add(
        {{"level", std::string(EscalationLevelName(level))}});
  }
}

SlaEngine::~SlaEngine() { Stop(); }

void SlaEngine::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
}

void SlaEngine::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<int> SlaEngine::RunOnce() {
  auto fired = desk_.FireDueEscalations(options_.batch);
  if (!fired.ok()) return fired.status();
  for (const TicketEvent& event : *fired) {
    if (event.escalation_level > 0 && event.escalation_level < 4) {
      escalations_[event.escalation_level]->Increment();
    }
  }
  return static_cast<int>(fired->size());
}

void SlaEngine::Loop() {
  bool failing = false;
  while (!stop_.HasBeenNotified()) {
    auto fired = RunOnce();
    if (!fired.ok()) {
      // The database is down or busy: the health monitor reports it; log
      // the transition only, then retry at the idle pace.
      if (!failing) {
        log::Warning("SLA engine pass failed; retrying",
                     {{"cause", std::string(fired.status().message())}});
      }
      failing = true;
      stop_.WaitForNotificationWithTimeout(options_.max_idle);
      continue;
    }
    if (failing) log::Info("SLA engine running again");
    failing = false;
    if (*fired >= options_.batch) continue;  // more may be due right now
    absl::Duration wait = options_.max_idle;
    auto next = desk_.NextEscalationTime();
    if (next.ok() && next->has_value()) {
      // A past time with nothing fired means another replica holds those
      // rows: look again shortly rather than spin.
      const absl::Duration floor =
          *fired == 0 ? absl::Milliseconds(20) : absl::ZeroDuration();
      wait = std::clamp(**next - absl::Now(), floor, options_.max_idle);
    }
    if (wait > absl::ZeroDuration()) {
      stop_.WaitForNotificationWithTimeout(wait);
    }
  }
}

}  // namespace steward::tickets
