#include "services/tickets/api/ticket_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/resources.h"
#include "common/rpc/idempotency.h"
#include "services/tickets/api/ticket_mapping.h"

namespace steward::tickets {
namespace {

using rpc::ToGrpcStatus;

std::string ListQueryKey(const std::string& community,
                         const v1::ListTicketsRequest& request) {
  return absl::StrCat("tickets|", community, "|", request.state(), "|",
                      request.kind(), "|", request.priority());
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
  auto ids = rpc::ParseName(request->name(), {"communities", "tickets"}, "name");
  if (!ids.ok()) return ToGrpcStatus(ids.status());
  auto id = rpc::ParseRowId((*ids)[1], "name");
  if (!id.ok()) return ToGrpcStatus(id.status());
  auto ticket = desk_.Get((*ids)[0], *id);
  if (!ticket.ok()) return ToGrpcStatus(ticket.status());
  ToProto(*ticket, response);
  return grpc::Status::OK;
}

grpc::Status TicketGrpcService::ListTickets(
    grpc::ServerContext* context, const v1::ListTicketsRequest* request,
    v1::ListTicketsResponse* response) {
  auto community = rpc::ParseCommunityParent(request->parent(), "parent");
  if (!community.ok()) return ToGrpcStatus(community.status());
  auto filter = FilterFromRequest(*request);
  if (!filter.ok()) return ToGrpcStatus(filter.status());
  auto page_size = rpc::NormalizePageSize(request->page_size());
  if (!page_size.ok()) return ToGrpcStatus(page_size.status());
  const std::string query_key = ListQueryKey(*community, *request);
  auto cursor = rpc::DecodePageToken(request->page_token(), query_key);
  if (!cursor.ok()) return ToGrpcStatus(cursor.status());
  auto page = desk_.List(*community, *filter, cursor->after_id, *page_size);
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const Ticket& ticket : page->tickets) {
    ToProto(ticket, response->add_tickets());
  }
  if (page->next_after_id > 0) {
    response->set_next_page_token(
        rpc::EncodePageToken({page->next_after_id}, query_key));
  }
  return grpc::Status::OK;
}

}  // namespace steward::tickets
