// An in-memory TicketRepository with the same contract as the MySQL one, for
// service tests: idempotent Create and Mutate, optimistic versions, timeline,
// event outbox, the SLA escalation index, and List filters (state, kind,
// priority, line, assignee, district, households, reporter; not the time range or the
// SLA flags). Thread-safe (one mutex; `change`
// and `decide` callbacks run under it and must not call back in).
#ifndef STEWARD_TESTS_UNIT_TICKETS_FAKE_TICKET_REPOSITORY_H_
#define STEWARD_TESTS_UNIT_TICKETS_FAKE_TICKET_REPOSITORY_H_

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/crypto/personal_data.h"
#include "common/rpc/errors.h"
#include "services/tickets/domain/ticket_repository.h"

namespace steward::tickets {

class FakeTicketRepository : public TicketRepository {
 public:
  // Group complaints are the MySQL repository's job (tested against the
  // real database); the fake never opens an incident.
  absl::StatusOr<CreateOutcome> Create(const TicketChange& initial,
                                       const std::string& request_id,
                                       const std::string& fingerprint,
                                       const GroupComplaintRule&) override {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& community = initial.ticket.draft.community;
    auto key = std::make_pair(community, request_id);
    if (auto it = creates_.find(key); it != creates_.end()) {
      if (it->second.second != fingerprint) {
        return rpc::InvalidField("request_id",
                                 "already used with another request");
      }
      return CreateOutcome{.ticket = tickets_.at(it->second.first).ticket,
                           .replayed = true};
    }
    Stored& s = tickets_[++last_id_];
    s.ticket = initial.ticket;
    s.ticket.id = last_id_;
    creates_[key] = {last_id_, fingerprint};
    WriteLocked(s, initial);
    return CreateOutcome{.ticket = s.ticket};
  }

  absl::StatusOr<std::vector<OpenComplaint>> ListOpenComplaints(
      const std::string& community, absl::Time as_of, int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<OpenComplaint> out;
    for (const auto& [id, s] : tickets_) {
      const Ticket& t = s.ticket;
      if (t.draft.community != community ||
          t.draft.kind != TicketKind::kComplaint || t.create_time >= as_of ||
          (t.closed_at && *t.closed_at < as_of) ||
          (t.cancelled_at && *t.cancelled_at < as_of) ||
          static_cast<int>(out.size()) >= limit) {
        continue;
      }
      OpenComplaint c{.ticket = t};
      for (auto it = s.timeline.rbegin(); it != s.timeline.rend(); ++it) {
        if (!it->note.empty()) {
          c.latest_note = it->note;
          break;
        }
      }
      out.push_back(std::move(c));
    }
    return out;
  }

  absl::StatusOr<std::vector<Incident>> ListIncidents(
      const std::string&) override {
    return std::vector<Incident>{};
  }

  absl::StatusOr<std::vector<TicketEvent>> FireWarrantyReminders(
      absl::CivilDay ends_by, absl::Time now, int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<TicketEvent> out;
    for (auto& [id, s] : tickets_) {
      const Ticket& t = s.ticket;
      if (static_cast<int>(out.size()) >= limit) break;
      if (!t.draft.warranty_end.has_value() || *t.draft.warranty_end > ends_by ||
          s.warranty_reminded || !IsOpen(t.state)) {
        continue;
      }
      s.warranty_reminded = true;
      TicketEvent e{.id = static_cast<int64_t>(events_.size()) + 1,
                    .ticket_id = id,
                    .community = t.draft.community,
                    .type = TicketEventType::kWarrantyReminder,
                    .state = t.state,
                    .time = now};
      events_.push_back(e);
      out.push_back(e);
    }
    return out;
  }

  absl::StatusOr<Ticket> Mutate(const std::string& community, int64_t id,
                                int64_t expected_version,
                                const std::string& request_id,
                                const std::string& fingerprint,
                                const ChangeFn& change) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tickets_.find(id);
    if (it == tickets_.end() ||
        it->second.ticket.draft.community != community) {
      return absl::NotFoundError("ticket not found");
    }
    Stored& s = it->second;
    if (auto used = s.request_ids.find(request_id);
        used != s.request_ids.end()) {
      if (used->second != fingerprint) {
        return rpc::InvalidField("request_id",
                                 "already used with another request");
      }
      return s.ticket;
    }
    if (s.ticket.version != expected_version) {
      return absl::AbortedError("the ticket changed; read it again");
    }
    absl::StatusOr<TicketChange> next = change(s.ticket);
    if (!next.ok()) return next.status();
    const int64_t version = s.ticket.version + 1;
    s.ticket = next->ticket;
    s.ticket.id = id;
    s.ticket.draft.community = community;
    s.ticket.version = version;
    s.request_ids[request_id] = fingerprint;
    WriteLocked(s, *next);
    return s.ticket;
  }

  absl::StatusOr<Ticket> Get(const std::string& community,
                             int64_t id) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++reads_;
    const Stored* s = FindLocked(community, id);
    if (s == nullptr) return absl::NotFoundError("ticket not found");
    return s->ticket;
  }

  absl::StatusOr<TicketPage> List(const std::string& community,
                                  const TicketFilter& filter, int64_t before_id,
                                  int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++reads_;
    TicketPage page;
    for (auto it = tickets_.rbegin(); it != tickets_.rend(); ++it) {
      const Ticket& t = it->second.ticket;
      if (t.draft.community != community) continue;
      if (before_id > 0 && t.id >= before_id) continue;
      if (filter.state && t.state != *filter.state) continue;
      if (filter.kind && t.draft.kind != *filter.kind) continue;
      if (filter.priority && t.draft.priority != *filter.priority) continue;
      if (filter.line && t.draft.line != *filter.line) continue;
      if (!filter.assignee.empty() && t.assignee != filter.assignee) continue;
      // As the MySQL repository: the same number once normalised.
      if (!filter.contact_phone.empty() &&
          (crypto::NormalizePhone(t.draft.contact_phone).empty() ||
           crypto::NormalizePhone(t.draft.contact_phone) !=
               crypto::NormalizePhone(filter.contact_phone))) {
        continue;
      }
      if (!filter.district.empty() && t.draft.district != filter.district) {
        continue;
      }
      // As the MySQL repository: only these households' tickets (an empty
      // household, a public-area report, matches no entry), and with
      // or_reported_by also that reporter's.
      const bool restricted =
          !filter.households.empty() || !filter.or_reported_by.empty();
      const bool of_household =
          !t.draft.household.empty() &&
          std::find(filter.households.begin(), filter.households.end(),
                    t.draft.household) != filter.households.end();
      const bool reported = !filter.or_reported_by.empty() &&
                            t.draft.reporter == filter.or_reported_by;
      if (restricted && !of_household && !reported) continue;
      if (static_cast<int>(page.tickets.size()) == limit) {
        page.next_after_id = page.tickets.back().id;
        break;
      }
      page.tickets.push_back(t);
    }
    return page;
  }

  absl::StatusOr<std::vector<TimelineEntry>> ListTimeline(
      const std::string& community, int64_t id) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++reads_;
    const Stored* s = FindLocked(community, id);
    if (s == nullptr) return absl::NotFoundError("ticket not found");
    return s->timeline;
  }

  absl::StatusOr<std::vector<TicketEvent>> ListEvents(int64_t after_id,
                                                      int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++reads_;
    std::vector<TicketEvent> out;
    for (const TicketEvent& e : events_) {
      if (static_cast<int>(out.size()) == limit) break;
      if (e.id > after_id) out.push_back(e);
    }
    return out;
  }

  // Nothing is ever in flight here: the tail is the newest event.
  absl::StatusOr<int64_t> EventFeedTail() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++reads_;
    return events_.empty() ? 0 : events_.back().id;
  }

  // Claims the index rows due at `now`, earliest first. No other instance
  // exists here, so nothing is ever skipped.
  absl::StatusOr<std::vector<TicketEvent>> FireDueEscalations(
      absl::Time now, int limit,
      const std::function<EscalationDecision(const DueEscalation&)>& decide)
      override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::pair<absl::Time, std::pair<int64_t, SlaTarget>>> due;
    for (const auto& [id, s] : tickets_) {
      for (const auto& [target, row] : s.escalations) {
        if (row.next_fire_at.has_value() && *row.next_fire_at <= now) {
          due.push_back({*row.next_fire_at, {id, target}});
        }
      }
    }
    std::sort(due.begin(), due.end());
    if (static_cast<int>(due.size()) > limit) due.resize(limit);
    std::vector<TicketEvent> written;
    for (const auto& [fire_at, key] : due) {
      Stored& s = tickets_.at(key.first);
      EscalationRow& row = s.escalations.at(key.second);
      const EscalationDecision decision =
          decide({.ticket_id = key.first,
                  .community = s.ticket.draft.community,
                  .target = key.second,
                  .state = s.ticket.state,
                  .clock = row.clock,
                  .escalated = row.escalated});
      row.next_fire_at = decision.next_fire_at;
      if (decision.fired == EscalationLevel::kNone) continue;
      row.escalated = decision.fired;
      TicketEvent event{.ticket_id = key.first,
                        .community = s.ticket.draft.community,
                        .type = decision.fired == EscalationLevel::kManager
                                    ? TicketEventType::kSlaBreached
                                    : TicketEventType::kSlaWarning,
                        .state = s.ticket.state,
                        .sla_target = static_cast<int>(key.second),
                        .escalation_level = static_cast<int>(decision.fired),
                        .time = now,
                        .due = decision.fired_due_at};
      AppendEventLocked(event);
      written.push_back(events_.back());
    }
    return written;
  }

  absl::StatusOr<std::optional<absl::Time>> NextEscalationTime() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::optional<absl::Time> next;
    for (const auto& [id, s] : tickets_) {
      for (const auto& [target, row] : s.escalations) {
        if (row.next_fire_at.has_value() &&
            (!next.has_value() || *row.next_fire_at < *next)) {
          next = row.next_fire_at;
        }
      }
    }
    return next;
  }

  absl::StatusOr<std::vector<SlaPolicy>> ListPolicies() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<SlaPolicy> out;
    for (const auto& [id, p] : policies_) out.push_back(p);
    return out;
  }

  absl::StatusOr<int> SeedPolicies(
      const std::vector<SlaPolicy>& defaults) override {
    std::lock_guard<std::mutex> lock(mu_);
    int inserted = 0;
    for (const SlaPolicy& p : defaults) {
      inserted += policies_.emplace(p.id, p).second ? 1 : 0;
    }
    return inserted;
  }

  absl::StatusOr<SlaPolicy> SavePolicy(
      const SlaPolicy& policy,
      std::optional<int64_t> expected_version) override {
    std::lock_guard<std::mutex> lock(mu_);
    SlaPolicy stored = policy;
    auto it = policies_.find(policy.id);
    if (!expected_version.has_value()) {
      if (it != policies_.end()) return absl::AlreadyExistsError("taken");
      stored.version = 1;
    } else {
      if (it == policies_.end()) return absl::NotFoundError("no such policy");
      if (it->second.version != *expected_version) {
        return absl::AbortedError("stale");
      }
      stored.version = *expected_version + 1;
    }
    policies_[stored.id] = stored;
    for (auto& [id, s] : tickets_) {
      const Ticket& t = s.ticket;
      if (IsOpen(t.state) && t.draft.kind == stored.kind &&
          t.draft.priority == stored.priority &&
          (stored.community.empty() || t.draft.community == stored.community)) {
        s.marked = true;
      }
    }
    return stored;
  }

  absl::StatusOr<int> RecomputeMarked(
      const std::function<std::optional<TicketDeadlines>(const Ticket&)>&
          recompute,
      absl::Time now, int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    int done = 0;
    for (auto& [id, s] : tickets_) {
      if (!s.marked || done >= limit) continue;
      s.marked = false;
      if (auto deadlines = recompute(s.ticket); deadlines.has_value()) {
        s.deadlines = *deadlines;
      }
      ++done;
    }
    return done;
  }

  absl::StatusOr<std::optional<std::string>> GetHolidayTable() override {
    std::lock_guard<std::mutex> lock(mu_);
    return holiday_table_;
  }

  absl::Status SaveHolidayTable(const std::string& text) override {
    std::lock_guard<std::mutex> lock(mu_);
    holiday_table_ = text;
    for (auto& [id, s] : tickets_) s.marked = IsOpen(s.ticket.state);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<CommunityCalendar>> ListCommunityCalendars()
      override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<CommunityCalendar> out;
    for (const auto& [community, c] : calendars_) out.push_back(c);
    return out;
  }

  absl::Status SaveCommunityCalendar(
      const CommunityCalendar& settings) override {
    std::lock_guard<std::mutex> lock(mu_);
    calendars_[settings.community] = settings;
    for (auto& [id, s] : tickets_) {
      if (s.ticket.draft.community == settings.community &&
          IsOpen(s.ticket.state)) {
        s.marked = true;
      }
    }
    return absl::OkStatus();
  }

  absl::Status RecordDelivered(int64_t id) override {
    std::lock_guard<std::mutex> lock(mu_);
    delivered_ = std::max(delivered_, id);
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> EventBacklog() override {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int64_t>(events_.size()) - delivered_;
  }

  // The deadlines last stored for ticket `id` (test introspection).
  TicketDeadlines StoredDeadlines(int64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    return tickets_.at(id).deadlines;
  }

  absl::StatusOr<std::vector<OpenCount>> CountOpen() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::map<std::tuple<TicketKind, Priority, TicketState>, int64_t> counts;
    for (const auto& [id, s] : tickets_) {
      const Ticket& t = s.ticket;
      if (!IsOpen(t.state)) continue;
      ++counts[{t.draft.kind, t.draft.priority, t.state}];
    }
    std::vector<OpenCount> out;
    for (const auto& [key, n] : counts) {
      out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
    }
    return out;
  }

  absl::StatusOr<std::map<SlaTarget, int64_t>> CountAtRisk() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::map<SlaTarget, int64_t> counts;
    for (const auto& [id, s] : tickets_) {
      for (const auto& [target, row] : s.escalations) {
        if (row.clock.state == ClockState::kRunning &&
            (row.escalated == EscalationLevel::kHandler ||
             row.escalated == EscalationLevel::kSupervisor)) {
          ++counts[target];
        }
      }
    }
    return counts;
  }

  // Test introspection.
  int size() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(tickets_.size());
  }
  // Reads so far (Get, List, ListTimeline, ListEvents): a call refused
  // before the repository leaves this unchanged.
  int reads() {
    std::lock_guard<std::mutex> lock(mu_);
    return reads_;
  }
  // Changes stored so far (creates and mutations).
  int writes() {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }
  int event_count() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(events_.size());
  }

 private:
  // One SLA engine index row: a clock as last stored, what fired for its
  // current run and when the next step is due.
  struct EscalationRow {
    ClockStatus clock;
    EscalationLevel escalated = EscalationLevel::kNone;
    std::optional<absl::Time> next_fire_at;
  };
  struct Stored {
    Ticket ticket;
    std::vector<TimelineEntry> timeline;
    std::map<std::string, std::string> request_ids;  // -> fingerprint
    std::map<SlaTarget, EscalationRow> escalations;
    bool warranty_reminded = false;
    bool marked = false;  // for recomputation after a policy change
    TicketDeadlines deadlines;
  };

  Stored* FindLocked(const std::string& community, int64_t id) {
    auto it = tickets_.find(id);
    if (it == tickets_.end() ||
        it->second.ticket.draft.community != community) {
      return nullptr;
    }
    return &it->second;
  }

  void AppendEventLocked(TicketEvent event) {
    event.id = static_cast<int64_t>(events_.size()) + 1;
    events_.push_back(std::move(event));
  }

  // Writes the timeline entry, events and clocks of `change` for `s` (whose
  // ticket is already the new record).
  void WriteLocked(Stored& s, const TicketChange& change) {
    ++writes_;
    s.deadlines = change.deadlines;
    s.timeline.push_back(change.entry);
    for (TicketEvent event : change.events) {
      event.ticket_id = s.ticket.id;
      event.community = s.ticket.draft.community;
      AppendEventLocked(std::move(event));
    }
    std::map<SlaTarget, EscalationRow> index;
    for (const ClockStatus& clock : change.deadlines.clocks) {
      EscalationRow row;
      row.clock = clock;
      // The same run keeps what already fired; a restarted one starts over.
      if (auto old = s.escalations.find(clock.target);
          old != s.escalations.end() &&
          old->second.clock.start == clock.start) {
        row.escalated = old->second.escalated;
      }
      if (auto step = NextEscalation(clock, row.escalated, change.entry.time)) {
        row.next_fire_at = step->fire_at;
      }
      index[clock.target] = row;
    }
    s.escalations = std::move(index);
  }

  std::mutex mu_;
  int64_t last_id_ = 0;
  int writes_ = 0;
  int reads_ = 0;
  std::map<int64_t, Stored> tickets_;
  std::vector<TicketEvent> events_;
  std::map<std::string, SlaPolicy> policies_;
  std::optional<std::string> holiday_table_;
  std::map<std::string, CommunityCalendar> calendars_;
  int64_t delivered_ = 0;
  // (community, request_id) of creates -> (ticket id, fingerprint).
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>>
      creates_;
};

}  // namespace steward::tickets

#endif  // STEWARD_TESTS_UNIT_TICKETS_FAKE_TICKET_REPOSITORY_H_
