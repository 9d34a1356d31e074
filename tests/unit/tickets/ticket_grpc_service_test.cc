// The tickets API edge driven directly, with an in-memory repository.
#include "services/tickets/api/ticket_grpc_service.h"

#include <gtest/gtest.h>

#include "services/tickets/domain/ticket_desk.h"
#include "tests/support/status_details.h"
#include "tests/unit/tickets/fake_ticket_repository.h"

namespace steward::tickets {
namespace {

using ::steward::testing::ViolatedFields;

class TicketGrpcServiceTest : public ::testing::Test {
 protected:
  v1::CreateTicketRequest Request(const std::string& request_id) {
    v1::CreateTicketRequest r;
    r.set_parent("communities/harbour-view");
    r.set_request_id(request_id);
    auto* t = r.mutable_ticket();
    t->set_kind(v1::TICKET_KIND_COMPLAINT);
    t->set_priority(v1::PRIORITY_ROUTINE);
    t->set_channel(v1::CHANNEL_WECHAT);
    t->set_line(common::v1::LINE_CLEANING);
    t->set_description("Rubbish not collected on Tuesday");
    return r;
  }

  grpc::Status Create(const v1::CreateTicketRequest& r, v1::Ticket* out) {
    grpc::ServerContext context;
    return service_.CreateTicket(&context, &r, out);
  }

  grpc::Status List(const v1::ListTicketsRequest& r, v1::ListTicketsResponse* out) {
    grpc::ServerContext context;
    return service_.ListTickets(&context, &r, out);
  }

  absl::Time now_ = absl::FromUnixSeconds(1791538400);
  FakeTicketRepository repository_;
  TicketDesk desk_{repository_, [this] { return now_; }};
  TicketGrpcService service_{desk_};
};

TEST_F(TicketGrpcServiceTest, CreateReturnsTheRegisteredTicket) {
  v1::Ticket t;
  ASSERT_TRUE(Create(Request("r1"), &t).ok());
  EXPECT_EQ(t.name(), "communities/harbour-view/tickets/1");
  EXPECT_EQ(t.state(), v1::TICKET_STATE_REGISTERED);
  EXPECT_EQ(t.kind(), v1::TICKET_KIND_COMPLAINT);
  EXPECT_EQ(t.line(), common::v1::LINE_CLEANING);
  EXPECT_EQ(t.create_time().seconds(), 1791538400);
  EXPECT_EQ(t.etag(), "W/1");
}

TEST_F(TicketGrpcServiceTest, RetryIsIdempotentAndReuseWithAnotherBodyIsRejected) {
  v1::Ticket first, second;
  ASSERT_TRUE(Create(Request("r1"), &first).ok());
  ASSERT_TRUE(Create(Request("r1"), &second).ok());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(repository_.size(), 1);
  v1::CreateTicketRequest changed = Request("r1");
  changed.mutable_ticket()->set_priority(v1::PRIORITY_EMERGENCY);
  const grpc::Status status = Create(changed, &second);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), std::vector<std::string>{"request_id"});
  EXPECT_EQ(repository_.size(), 1);
}

TEST_F(TicketGrpcServiceTest, ReportsEveryBadFieldAtOnceAndStoresNothing) {
  v1::CreateTicketRequest r = Request("r1");
  r.set_parent("tickets");
  r.mutable_ticket()->clear_kind();
  r.mutable_ticket()->set_priority(static_cast<v1::Priority>(9));
  r.mutable_ticket()->set_line(static_cast<common::v1::Line>(-1));
  v1::Ticket t;
  const grpc::Status status = Create(r, &t);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status),
            (std::vector<std::string>{"parent", "ticket.kind", "ticket.priority",
                                      "ticket.line"}));
  EXPECT_EQ(repository_.size(), 0);

  r = Request("r1");
  r.clear_ticket();
  EXPECT_EQ(ViolatedFields(Create(r, &t)), std::vector<std::string>{"ticket"});
  r = Request("has space");
  EXPECT_EQ(ViolatedFields(Create(r, &t)), std::vector<std::string>{"request_id"});
  EXPECT_EQ(repository_.size(), 0);
}

TEST_F(TicketGrpcServiceTest, GetChecksTheNameAndTheCommunity) {
  v1::Ticket created, fetched;
  ASSERT_TRUE(Create(Request("r1"), &created).ok());
  grpc::ServerContext c1, c2, c3;
  v1::GetTicketRequest get;
  get.set_name(created.name());
  ASSERT_TRUE(service_.GetTicket(&c1, &get, &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), created.SerializeAsString());
  get.set_name("communities/other/tickets/1");
  EXPECT_EQ(service_.GetTicket(&c2, &get, &fetched).error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_name("communities/harbour-view/tickets/one");
  const grpc::Status bad = service_.GetTicket(&c3, &get, &fetched);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad), std::vector<std::string>{"name"});
}

TEST_F(TicketGrpcServiceTest, ListPagesNewestFirstWithFilterBoundTokens) {
  for (int i = 0; i < 5; ++i) {
    v1::Ticket t;
    v1::CreateTicketRequest r = Request("r" + std::to_string(i));
    if (i % 2 == 0) r.mutable_ticket()->set_kind(v1::TICKET_KIND_INQUIRY);
    ASSERT_TRUE(Create(r, &t).ok());
  }
  v1::ListTicketsRequest list;
  list.set_parent("communities/harbour-view");
  list.set_page_size(2);
  list.set_kind(v1::TICKET_KIND_INQUIRY);
  v1::ListTicketsResponse page;
  ASSERT_TRUE(List(list, &page).ok());
  ASSERT_EQ(page.tickets_size(), 2);
  EXPECT_EQ(page.tickets(0).name(), "communities/harbour-view/tickets/5");
  EXPECT_EQ(page.tickets(1).name(), "communities/harbour-view/tickets/3");
  ASSERT_FALSE(page.next_page_token().empty());

  v1::ListTicketsRequest next = list;
  next.set_page_token(page.next_page_token());
  v1::ListTicketsResponse page2;
  ASSERT_TRUE(List(next, &page2).ok());
  ASSERT_EQ(page2.tickets_size(), 1);
  EXPECT_EQ(page2.tickets(0).name(), "communities/harbour-view/tickets/1");
  EXPECT_TRUE(page2.next_page_token().empty());

  next.set_kind(v1::TICKET_KIND_COMPLAINT);
  const grpc::Status replay = List(next, &page2);
  EXPECT_EQ(replay.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(replay), std::vector<std::string>{"page_token"});

  v1::ListTicketsRequest bad = list;
  bad.set_state(static_cast<v1::TicketState>(77));
  bad.set_page_size(-3);
  EXPECT_EQ(List(bad, &page2).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace steward::tickets
