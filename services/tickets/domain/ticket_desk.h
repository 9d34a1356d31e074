// The tickets service's use cases, independent of gRPC and of MySQL.
// Thread-safe when the repository is.
#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_DESK_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_DESK_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/tickets/domain/ticket.h"
#include "services/tickets/domain/ticket_repository.h"

namespace steward::tickets {

using Clock = std::function<absl::Time()>;

class TicketDesk {
 public:
  // `repository` must outlive the desk.
  TicketDesk(TicketRepository& repository, Clock clock);

  // Registers a ticket (see TicketRepository::Create for idempotency).
  absl::StatusOr<Ticket> Register(const TicketDraft& draft,
                                  const std::string& request_id,
                                  const std::string& fingerprint);
  absl::StatusOr<Ticket> Get(const std::string& community, int64_t id);
  absl::StatusOr<TicketPage> List(const std::string& community,
                                  const TicketFilter& filter,
                                  int64_t before_id, int limit);
  // The event feed after `after_id` (see TicketRepository::ListEvents).
  absl::StatusOr<std::vector<TicketEvent>> ListEvents(int64_t after_id,
                                                      int limit);

 private:
  TicketRepository& repository_;
  Clock clock_;
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_TICKET_DESK_H_
