// gRPC edge of the tickets service: validates request shape, converts proto
// ↔ domain, calls the TicketDesk and maps its Status once.
#ifndef STEWARD_SERVICES_TICKETS_API_TICKET_GRPC_SERVICE_H_
#define STEWARD_SERVICES_TICKETS_API_TICKET_GRPC_SERVICE_H_

#include "services/tickets/domain/ticket_desk.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"

namespace steward::tickets {

class TicketGrpcService final : public v1::TicketService::Service {
 public:
  // `desk` must outlive the service.
  explicit TicketGrpcService(TicketDesk& desk) : desk_(desk) {}

  grpc::Status CreateTicket(grpc::ServerContext* context,
                            const v1::CreateTicketRequest* request,
                            v1::Ticket* response) override;
  grpc::Status GetTicket(grpc::ServerContext* context,
                         const v1::GetTicketRequest* request,
                         v1::Ticket* response) override;
  grpc::Status ListTickets(grpc::ServerContext* context,
                           const v1::ListTicketsRequest* request,
                           v1::ListTicketsResponse* response) override;

 private:
  TicketDesk& desk_;
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_API_TICKET_GRPC_SERVICE_H_
