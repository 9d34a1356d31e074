#include "services/tickets/domain/ticket_desk.h"

#include <utility>

#include "common/util/status_macros.h"

namespace steward::tickets {

TicketDesk::TicketDesk(TicketRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::StatusOr<Ticket> TicketDesk::Register(const TicketDraft& draft,
                                            const std::string& request_id,
                                            const std::string& fingerprint) {
  STEWARD_RETURN_IF_ERROR(ValidateDraft(draft));
  return repository_.Create(draft, request_id, fingerprint, clock_());
}

absl::StatusOr<Ticket> TicketDesk::Get(const std::string& community,
                                       int64_t id) {
  return repository_.Get(community, id);
}

absl::StatusOr<TicketPage> TicketDesk::List(const std::string& community,
                                            const TicketFilter& filter,
                                            int64_t before_id, int limit) {
  return repository_.List(community, filter, before_id, limit);
}

absl::StatusOr<std::vector<TicketEvent>> TicketDesk::ListEvents(
    int64_t after_id, int limit) {
  return repository_.ListEvents(after_id, limit);
}

}  // namespace steward::tickets
