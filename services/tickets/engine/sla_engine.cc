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
  // How long after its due time each escalation was committed: the engine's
  // own SLA (every warning and breach within 1 s of falling due).
  delay_ = &prometheus::BuildHistogram()
                .Name("steward_sla_escalation_delay_seconds")
                .Help("From an escalation step's due time to the commit of "
                      "its event")
                .Register(registry)
                .Add({}, prometheus::Histogram::BucketBoundaries{
                             0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300});
  open_ = &prometheus::BuildGauge()
               .Name("steward_tickets_open")
               .Help("Open tickets (not closed or cancelled) by kind, "
                     "priority and state")
               .Register(registry);
  auto& at_risk = prometheus::BuildGauge()
                      .Name("steward_tickets_at_risk")
                      .Help("Running SLA clocks past a warning threshold and "
                            "not yet breached, by target")
                      .Register(registry);
  for (SlaTarget target : kAllSlaTargets) {
    at_risk_[target] =
        &at_risk.Add({{"target", std::string(SlaTargetName(target))}});
  }
  event_backlog_ = &prometheus::BuildGauge()
                        .Name("steward_ticket_events_backlog")
                        .Help("Ticket events written after the furthest one "
                              "the feed has handed out")
                        .Register(registry)
                        .Add({});
}

absl::Status SlaEngine::RefreshGauges() {
  auto open = desk_.CountOpen();
  if (!open.ok()) return open.status();
  auto risk = desk_.CountAtRisk();
  if (!risk.ok()) return risk.status();
  for (auto& [key, gauge] : open_children_) gauge->Set(0);
  for (const OpenCount& c : *open) {
    const auto key = std::make_tuple(static_cast<int>(c.kind),
                                     static_cast<int>(c.priority),
                                     static_cast<int>(c.state));
    auto it = open_children_.find(key);
    if (it == open_children_.end()) {
      it = open_children_
               .emplace(key, &open_->Add(
                                 {{"kind", std::string(KindName(c.kind))},
                                  {"priority",
                                   std::string(PriorityName(c.priority))},
                                  {"state", std::string(StateName(c.state))}}))
               .first;
    }
    it->second->Set(static_cast<double>(c.count));
  }
  for (auto& [target, gauge] : at_risk_) {
    auto it = risk->find(target);
    gauge->Set(it == risk->end() ? 0 : static_cast<double>(it->second));
  }
  auto backlog = desk_.EventBacklog();
  if (!backlog.ok()) return backlog.status();
  event_backlog_->Set(static_cast<double>(*backlog));
  return absl::OkStatus();
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
  const absl::Time committed = absl::Now();
  for (const TicketEvent& event : *fired) {
    if (event.due != absl::InfinitePast()) {
      delay_->Observe(
          std::max(0.0, absl::ToDoubleSeconds(committed - event.due)));
    }
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
    if (absl::Now() >= next_gauge_refresh_) {
      next_gauge_refresh_ = absl::Now() + options_.gauge_interval;
      // Policy rows saved by other replicas take effect, and the tickets a
      // saved row applies to get their deadlines recomputed, batch by batch.
      if (absl::Status s = desk_.LoadPolicies(); !s.ok()) {
        log::Warning("SLA policies not reloaded",
                     {{"cause", std::string(s.message())}});
      }
      for (int pass = 0; pass < 50 && !stop_.HasBeenNotified(); ++pass) {
        auto recomputed = desk_.RecomputeMarked(options_.batch);
        if (!recomputed.ok() || *recomputed < options_.batch) break;
      }
      if (auto reminded = desk_.FireWarrantyReminders(options_.batch);
          !reminded.ok()) {
        log::Warning("warranty reminders not sent",
                     {{"cause", std::string(reminded.status().message())}});
      }
      if (absl::Status s = RefreshGauges(); !s.ok()) {
        log::Warning("backlog gauges not refreshed",
                     {{"cause", std::string(s.message())}});
      }
    }
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
