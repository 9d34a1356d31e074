// Where tickets are kept. The MySQL implementation lives in storage/; tests
// use in-memory fakes.
#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_REPOSITORY_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_REPOSITORY_H_

#include <string>

#include "absl/status/statusor.h"
#include "services/tickets/domain/ticket.h"
#include "services/tickets/domain/ticket_event.h"

namespace steward::tickets {

class TicketRepository {
 public:
  virtual ~TicketRepository() = default;

  // Stores a new ticket registered at `now` together with its "created"
  // event (one transaction), unless (community, request_id)
  // was used before: then returns the ticket that call created when
  // `fingerprint` matches, and INVALID_ARGUMENT (field request_id) when it
  // does not. Safe under concurrent calls with the same request_id: exactly
  // one ticket is created.
  virtual absl::StatusOr<Ticket> Create(const TicketDraft& draft,
                                        const std::string& request_id,
                                        const std::string& fingerprint,
                                        absl::Time now) = 0;

  // NOT_FOUND when no ticket `id` exists in `community`.
  virtual absl::StatusOr<Ticket> Get(const std::string& community,
                                     int64_t id) = 0;

  // Tickets of `community` matching `filter`, newest first, with ids below
  // `before_id` (0: from the newest), at most `limit`.
  virtual absl::StatusOr<TicketPage> List(const std::string& community,
                                          const TicketFilter& filter,
                                          int64_t before_id, int limit) = 0;

  // Events after `after_id` in commit order, at most `limit`, stopping
  // before any id that may still be in flight (see event_feed.h).
  virtual absl::StatusOr<std::vector<TicketEvent>> ListEvents(int64_t after_id,
                                                              int limit) = 0;
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_REPOSITORY_H_
