// What the fault tests share: unique communities, the CreateTicket request
// their loads send (the request_id is written into the description so the
// exactly-once checks can group tickets by request) and a full listing.
#ifndef STEWARD_TESTS_FAULT_FAULT_LOAD_H_
#define STEWARD_TESTS_FAULT_FAULT_LOAD_H_

#include <string>
#include <vector>

#include "steward/tickets/v1/tickets.grpc.pb.h"

namespace steward::testing {

// "<prefix>-<tag>-<pid>-<micros>": a community no other run or test uses.
std::string UniqueCommunity(const std::string& prefix, const std::string& tag);

// An inquiry in `community` whose description is
// `description_prefix` + `request_id`.
tickets::v1::CreateTicketRequest LoadRequest(const std::string& community,
                                             const std::string& request_id,
                                             const std::string& description_prefix);

// Every ticket of `community`, in pages of 500 (a failed page is reported
// with ADD_FAILURE and ends the listing).
std::vector<tickets::v1::Ticket> ListAllTickets(
    tickets::v1::TicketService::Stub& stub, const std::string& community);

}  // namespace steward::testing

#endif  // STEWARD_TESTS_FAULT_FAULT_LOAD_H_
