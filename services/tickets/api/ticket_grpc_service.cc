#include "services/tickets/api/ticket_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/idempotency.h"
#include "common/rpc/resources.h"
#include "services/tickets/api/ticket_mapping.h"

namespace steward::tickets {
namespace {

using rpc::ToGrpcStatus;

// The filters a page token is bound to.
std::string FilterKey(const v1::ListTicketsRequest& request) {
  return absl::StrCat(request.state(), "|", request.kind(), "|",
                      request.priority());
}

}  // namespace

grpc::Status TicketGrpcService::CreateTicket(
    grpc::ServerContext* context, const v1::CreateTicketRequest* request,
    v1::Ticket* response) {
  if (absl::Status s = rpc::ValidateRequestId(request->request_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  auto draft = DraftFromRequest(*request);
  if (!draft.ok()) return ToGrpcStatus(draft.status());
  auto ticket = desk_.Register(*draft, request->request_id(),
                               rpc::RequestFingerprint(*request));
  if (!ticket.ok()) return ToGrpcStatus(ticket.status());
  ToProto(*ticket, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::GetTicket(grpc::ServerContext* context,
                                          const v1::GetTicketRequest* request,
                                          v1::Ticket* response) {
  auto name = rpc::ParseCommunityChild(request->name(), "tickets");
  if (!name.ok()) return ToGrpcStatus(name.status());
  auto ticket = desk_.Get(name->community, name->id);
  if (!ticket.ok()) return ToGrpcStatus(ticket.status());
  ToProto(*ticket, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::ListTickets(
    grpc::ServerContext* context, const v1::ListTicketsRequest* request,
    v1::ListTicketsResponse* response) {
  auto filter = FilterFromRequest(*request);
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  auto query = rpc::ParsePageQuery(request->parent(), request->page_size(),
                                   request->page_token(), "tickets",
                                   FilterKey(*request));
  if (!query.ok()) return ToGrpcStatus(query.status());
  auto page =
      desk_.List(query->community, *filter, query->after_id, query->page_size);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const Ticket& ticket : page->tickets) {
    ToProto(ticket, response->add_tickets());
  }
  response->set_next_page_token(
      rpc::NextPageToken(*query, page->next_after_id));
  return grpc::Status::OK;
}

}  // namespace steward::tickets
