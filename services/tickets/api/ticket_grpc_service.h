// gRPC edge of the tickets service: every call passes the CallGate
// (authentication, the access table, rate limits, audit), then the handler
// validates request shape, checks tenancy against the caller (communities,
// and for owners their households), converts proto ↔ domain, calls the
// TicketDesk, maps its Status once and masks personal data for callers who
// may not see it.
#ifndef STEWARD_SERVICES_TICKETS_API_TICKET_GRPC_SERVICE_H_
#define STEWARD_SERVICES_TICKETS_API_TICKET_GRPC_SERVICE_H_

#include <atomic>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/auth/call_gate.h"
#include "services/tickets/domain/ticket_desk.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"

namespace steward::tickets {

class TicketGrpcService final : public v1::TicketService::Service {
 public:
  struct Options {
    // Concurrent WatchTicketEvents streams; each holds a server thread, so
    // beyond this callers get RESOURCE_EXHAUSTED and should poll
    // ListTicketEvents instead.
    int max_watchers = 4;
    // How often an idle watch looks for new events.
    absl::Duration watch_poll = absl::Milliseconds(200);
  };

  static constexpr absl::string_view kService =
      "steward.tickets.v1.TicketService";

  // `desk` and `gate` must outlive the service.
  TicketGrpcService(TicketDesk& desk, auth::CallGate& gate)
      : TicketGrpcService(desk, gate, {}) {}
  TicketGrpcService(TicketDesk& desk, auth::CallGate& gate, Options options)
      : desk_(desk), gate_(gate), options_(options) {}

  // Ends every open watch stream promptly (UNAVAILABLE: resume from your
  // cursor elsewhere); called before the server shuts down.
  void Shutdown();

  grpc::Status CreateTicket(grpc::ServerContext* context,
                            const v1::CreateTicketRequest* request,
                            v1::Ticket* response) override;
  grpc::Status GetTicket(grpc::ServerContext* context,
                         const v1::GetTicketRequest* request,
                         v1::Ticket* response) override;
  grpc::Status ListTickets(grpc::ServerContext* context,
                           const v1::ListTicketsRequest* request,
                           v1::ListTicketsResponse* response) override;

  // Lifecycle. Each parses its request (INVALID_ARGUMENT naming proto field
  // paths), applies it through TicketDesk::Act with the request's
  // fingerprint (header.request_id excluded) and returns the ticket after
  // the change; see the proto for the codes.
  grpc::Status AssignTicket(grpc::ServerContext* context,
                            const v1::AssignTicketRequest* request,
                            v1::Ticket* response) override;
  grpc::Status RespondTicket(grpc::ServerContext* context,
                             const v1::RespondTicketRequest* request,
                             v1::Ticket* response) override;
  grpc::Status StartTicketWork(grpc::ServerContext* context,
                               const v1::StartTicketWorkRequest* request,
                               v1::Ticket* response) override;
  grpc::Status PauseTicket(grpc::ServerContext* context,
                           const v1::PauseTicketRequest* request,
                           v1::Ticket* response) override;
  grpc::Status ResumeTicket(grpc::ServerContext* context,
                            const v1::ResumeTicketRequest* request,
                            v1::Ticket* response) override;
  grpc::Status AddTicketProgress(grpc::ServerContext* context,
                                 const v1::AddTicketProgressRequest* request,
                                 v1::Ticket* response) override;
  grpc::Status ResolveTicket(grpc::ServerContext* context,
                             const v1::ResolveTicketRequest* request,
                             v1::Ticket* response) override;
  grpc::Status RecordTicketCallback(
      grpc::ServerContext* context,
      const v1::RecordTicketCallbackRequest* request,
      v1::Ticket* response) override;
  grpc::Status CloseTicket(grpc::ServerContext* context,
                           const v1::CloseTicketRequest* request,
                           v1::Ticket* response) override;
  grpc::Status CancelTicket(grpc::ServerContext* context,
                            const v1::CancelTicketRequest* request,
                            v1::Ticket* response) override;
  grpc::Status ReopenTicket(grpc::ServerContext* context,
                            const v1::ReopenTicketRequest* request,
                            v1::Ticket* response) override;
  grpc::Status ChangeTicketPriority(
      grpc::ServerContext* context,
      const v1::ChangeTicketPriorityRequest* request,
      v1::Ticket* response) override;
  grpc::Status ListTicketTimeline(
      grpc::ServerContext* context,
      const v1::ListTicketTimelineRequest* request,
      v1::ListTicketTimelineResponse* response) override;

  grpc::Status ListSlaPolicies(grpc::ServerContext* context,
                               const v1::ListSlaPoliciesRequest* request,
                               v1::ListSlaPoliciesResponse* response) override;
  grpc::Status CreateSlaPolicy(grpc::ServerContext* context,
                               const v1::CreateSlaPolicyRequest* request,
                               v1::SlaPolicy* response) override;
  grpc::Status UpdateSlaPolicy(grpc::ServerContext* context,
                               const v1::UpdateSlaPolicyRequest* request,
                               v1::SlaPolicy* response) override;
  grpc::Status GetBusinessCalendar(
      grpc::ServerContext* context,
      const v1::GetBusinessCalendarRequest* request,
      v1::BusinessCalendar* response) override;
  grpc::Status UpdateBusinessCalendar(
      grpc::ServerContext* context,
      const v1::UpdateBusinessCalendarRequest* request,
      v1::BusinessCalendar* response) override;
  grpc::Status GetHolidayTable(grpc::ServerContext* context,
                               const v1::GetHolidayTableRequest* request,
                               v1::HolidayTable* response) override;
  grpc::Status ReplaceHolidayTable(
      grpc::ServerContext* context,
      const v1::ReplaceHolidayTableRequest* request,
      v1::HolidayTable* response) override;
  grpc::Status GetComplaintStockTake(
      grpc::ServerContext* context,
      const v1::GetComplaintStockTakeRequest* request,
      v1::ComplaintStockTake* response) override;
  grpc::Status ListIncidents(grpc::ServerContext* context,
                             const v1::ListIncidentsRequest* request,
                             v1::ListIncidentsResponse* response) override;
  grpc::Status ListTicketEvents(
      grpc::ServerContext* context, const v1::ListTicketEventsRequest* request,
      v1::ListTicketEventsResponse* response) override;
  grpc::Status WatchTicketEvents(
      grpc::ServerContext* context, const v1::WatchTicketEventsRequest* request,
      grpc::ServerWriter<v1::TicketEvent>* writer) override;

 private:
  // The body of every lifecycle handler: the gate, MutationFromRequest,
  // tenancy, TicketDesk::Act, Reply; domain field names in errors are
  // rewritten to proto paths (ToApiFieldPaths).
  template <typename Request>
  grpc::Status Mutate(grpc::ServerContext* context, absl::string_view method,
                      const Request& request, v1::Ticket* response);

  // OK when `caller` may see and act on the ticket: its community is
  // theirs, and for owners its household too. PERMISSION_DENIED otherwise —
  // for owners also when the ticket does not exist, so the answer reveals
  // nothing.
  absl::Status TicketAccess(const auth::Principal& caller,
                            const std::string& community, int64_t id) const;
  // ToProto, with personal data masked for callers who may not see it.
  void Reply(const auth::Principal& caller, const TicketView& view,
             v1::Ticket* out) const;

  // Where a feed read starts: after `after_cursor`, or with `start_at_end`
  // at the feed's tail (INVALID_ARGUMENT when both are given).
  absl::StatusOr<int64_t> StartCursor(const std::string& after_cursor,
                                      bool start_at_end);

  TicketDesk& desk_;
  auth::CallGate& gate_;
  const Options options_;
  std::atomic<int> watchers_{0};
  absl::Notification stopping_;
};

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_API_TICKET_GRPC_SERVICE_H_
