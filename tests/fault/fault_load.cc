#include "tests/fault/fault_load.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace steward::testing {

std::string UniqueCommunity(const std::string& prefix, const std::string& tag) {
  return absl::StrCat(prefix, "-", tag, "-", ::getpid(), "-",
                      absl::ToUnixMicros(absl::Now()) % 100000000);
}

tickets::v1::CreateTicketRequest LoadRequest(
    const std::string& community, const std::string& request_id,
    const std::string& description_prefix) {
  tickets::v1::CreateTicketRequest request;
  request.set_parent("communities/" + community);
  request.set_request_id(request_id);
  auto* t = request.mutable_ticket();
  t->set_kind(tickets::v1::TICKET_KIND_INQUIRY);
  t->set_priority(tickets::v1::PRIORITY_ROUTINE);
  t->set_channel(tickets::v1::CHANNEL_APP);
  t->set_line(common::v1::LINE_CUSTOMER_SERVICE);
  t->set_description(absl::StrCat(description_prefix, request_id));
  return request;
}

std::vector<tickets::v1::Ticket> ListAllTickets(
    tickets::v1::TicketService::Stub& stub, const std::string& community) {
  std::vector<tickets::v1::Ticket> all;
  std::string token;
  do {
    tickets::v1::ListTicketsRequest request;
    request.set_parent("communities/" + community);
    request.set_page_size(500);
    request.set_page_token(token);
    tickets::v1::ListTicketsResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    const grpc::Status status = stub.ListTickets(&context, request, &response);
    if (!status.ok()) {
      ADD_FAILURE() << "ListTickets: " << status.error_message();
      break;
    }
    all.insert(all.end(), response.tickets().begin(), response.tickets().end());
    token = response.next_page_token();
  } while (!token.empty());
  return all;
}

}  // namespace steward::testing
