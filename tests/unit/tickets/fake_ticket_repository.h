// An in-memory TicketRepository with the same contract as the MySQL one, for
// service tests.
#ifndef STEWARD_TESTS_UNIT_TICKETS_FAKE_TICKET_REPOSITORY_H_
#define STEWARD_TESTS_UNIT_TICKETS_FAKE_TICKET_REPOSITORY_H_

#include <map>
#include <mutex>
#include <utility>

#include "common/rpc/errors.h"
#include "services/tickets/domain/ticket_repository.h"

namespace steward::tickets {

class FakeTicketRepository : public TicketRepository {
 public:
  absl::StatusOr<Ticket> Create(const TicketDraft& draft,
                                const std::string& request_id,
                                const std::string& fingerprint,
                                absl::Time now) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto key = std::make_pair(draft.community, request_id);
    if (auto it = by_request_.find(key); it != by_request_.end()) {
      if (it->second.second != fingerprint) {
        return rpc::InvalidField("request_id", "already used");
      }
      return tickets_.at(it->second.first);
    }
    Ticket t;
    t.id = ++last_id_;
    t.draft = draft;
    t.create_time = t.update_time = now;
    tickets_[t.id] = t;
    by_request_[key] = {t.id, fingerprint};
    events_.push_back({.id = static_cast<int64_t>(events_.size()) + 1,
                       .ticket_id = t.id,
                       .community = draft.community,
                       .type = TicketEventType::kCreated,
                       .state = t.state,
                       .time = now});
    return t;
  }

  absl::StatusOr<Ticket> Get(const std::string& community,
                             int64_t id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tickets_.find(id);
    if (it == tickets_.end() || it->second.draft.community != community) {
      return absl::NotFoundError("ticket not found");
    }
    return it->second;
  }

  absl::StatusOr<TicketPage> List(const std::string& community,
                                  const TicketFilter& filter,
                                  int64_t before_id, int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    TicketPage page;
    for (auto it = tickets_.rbegin(); it != tickets_.rend(); ++it) {
      const Ticket& t = it->second;
      if (t.draft.community != community) continue;
      if (before_id > 0 && t.id >= before_id) continue;
      if (filter.state && t.state != *filter.state) continue;
      if (filter.kind && t.draft.kind != *filter.kind) continue;
      if (filter.priority && t.draft.priority != *filter.priority) continue;
      if (static_cast<int>(page.tickets.size()) == limit) {
        page.next_after_id = page.tickets.back().id;
        break;
      }
      page.tickets.push_back(t);
    }
    return page;
  }

  absl::StatusOr<std::vector<TicketEvent>> ListEvents(int64_t after_id,
                                                      int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<TicketEvent> out;
    for (const TicketEvent& e : events_) {
      if (e.id > after_id && static_cast<int>(out.size()) < limit) {
        out.push_back(e);
      }
    }
    return out;
  }

  int size() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(tickets_.size());
  }

 private:
  std::mutex mu_;
  int64_t last_id_ = 0;
  std::map<int64_t, Ticket> tickets_;
  std::vector<TicketEvent> events_;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>>
      by_request_;
};

}  // namespace steward::tickets

#endif  // STEWARD_TESTS_UNIT_TICKETS_FAKE_TICKET_REPOSITORY_H_
