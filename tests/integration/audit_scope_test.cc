// Whose audit rows the quality department reads, against the steward-tickets
// binary: a quality token of some communities lists only rows about those
// communities' resources; "*" lists every row, company-wide ones included;
// a resource filter outside the caller's communities is PERMISSION_DENIED.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steward/common/v1/audit.grpc.pb.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

using common::v1::AuditService;
using common::v1::ListAuditRecordsRequest;
using common::v1::ListAuditRecordsResponse;

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return context;
}

class AuditScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadTestEnv(&env_));
    // Fresh communities and principals: the database is shared with other
    // tests and earlier runs.
    const std::string run = absl::StrCat(
        ::getpid(), "-", absl::ToUnixMicros(absl::Now()) % 1000000);
    community_a_ = absl::StrCat("audit-a-", run);
    community_b_ = absl::StrCat("audit-b-", run);
    manager_subject_ = absl::StrCat("audit-manager-", run);
    service_ = StartService(env_, "tickets", env_.db_port);
    ASSERT_TRUE(WaitForHealth(service_.target(), "SERVING", absl::Seconds(30)))
        << service_.process->ReadLog();
  }

  // An inquiry in `community`, created as the test's manager: one allowed
  // audit row whose resource is "communities/<community>".
  void CreateIn(const std::string& community) {
    auto stub = tickets::v1::TicketService::NewStub(service_.ChannelAs(
        TokenFor(env_, manager_subject_, auth::Role::kManager, {"*"})));
    tickets::v1::CreateTicketRequest request;
    request.set_parent(absl::StrCat("communities/", community));
    request.set_request_id(absl::StrCat("audit-scope-", community));
    tickets::v1::Ticket* t = request.mutable_ticket();
    t->set_kind(tickets::v1::TICKET_KIND_INQUIRY);
    t->set_priority(tickets::v1::PRIORITY_ROUTINE);
    t->set_channel(tickets::v1::CHANNEL_APP);
    t->set_line(common::v1::LINE_CUSTOMER_SERVICE);
    t->set_description("Clubhouse hours?");
    tickets::v1::Ticket created;
    const grpc::Status status =
        stub->CreateTicket(Context().get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The resources of `principal`'s rows as a quality caller of
  // `communities` reads them, or the call's error code.
  grpc::StatusCode List(const std::vector<std::string>& communities,
                        const std::string& principal,
                        std::vector<std::string>* resources,
                        const std::string& resource = "") {
    auto stub = AuditService::NewStub(service_.ChannelAs(
        TokenFor(env_, "audit-reader", auth::Role::kQuality, communities)));
    ListAuditRecordsRequest request;
    request.set_principal(principal);
    request.set_resource(resource);
    request.set_page_size(100);
    ListAuditRecordsResponse response;
    const grpc::Status status =
        stub->ListAuditRecords(Context().get(), request, &response);
    resources->clear();
    for (const auto& record : response.records()) {
      resources->push_back(record.resource());
    }
    return status.error_code();
  }

  TestEnv env_;
  ServiceUnderTest service_;
  std::string community_a_, community_b_, manager_subject_;
};

TEST_F(AuditScopeTest, QualityStaffReadTheirOwnCommunitiesRows) {
  CreateIn(community_a_);
  CreateIn(community_b_);
  // A company-wide write (refused by the table, so nothing changes) leaves
  // a row about no community.
  const std::string staff_subject = absl::StrCat(manager_subject_, "-staff");
  auto as_staff = tickets::v1::TicketService::NewStub(service_.ChannelAs(
      TokenFor(env_, staff_subject, auth::Role::kStaff, {community_a_})));
  tickets::v1::ReplaceHolidayTableRequest replace;
  tickets::v1::HolidayTable table;
  EXPECT_EQ(as_staff->ReplaceHolidayTable(Context().get(), replace, &table)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  const std::string manager = absl::StrCat("manager:", manager_subject_);
  const std::string staff = absl::StrCat("staff:", staff_subject);
  const std::string a = absl::StrCat("communities/", community_a_);
  const std::string b = absl::StrCat("communities/", community_b_);
  std::vector<std::string> resources;

  ASSERT_EQ(List({"*"}, manager, &resources), grpc::StatusCode::OK);
  EXPECT_EQ(resources, (std::vector<std::string>{b, a}));
  ASSERT_EQ(List({"*"}, staff, &resources), grpc::StatusCode::OK);
  EXPECT_EQ(resources, std::vector<std::string>{"holidayTable"});

  ASSERT_EQ(List({community_a_}, manager, &resources), grpc::StatusCode::OK);
  EXPECT_EQ(resources, std::vector<std::string>{a});
  ASSERT_EQ(List({community_b_, "elsewhere"}, manager, &resources),
            grpc::StatusCode::OK);
  EXPECT_EQ(resources, std::vector<std::string>{b});
  ASSERT_EQ(List({community_a_}, staff, &resources), grpc::StatusCode::OK);
  EXPECT_TRUE(resources.empty());
  // A community id that merely starts like one of theirs is another one.
  ASSERT_EQ(List({"audit-a"}, manager, &resources), grpc::StatusCode::OK);
  EXPECT_TRUE(resources.empty());

  // Asking for another community's resource, or a company-wide one, is
  // refused outright.
  EXPECT_EQ(List({community_a_}, "", &resources, b),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List({community_a_}, "", &resources, "holidayTable"),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_EQ(List({community_a_}, manager, &resources, a), grpc::StatusCode::OK);
  EXPECT_EQ(resources, std::vector<std::string>{a});
}

}  // namespace
}  // namespace steward::testing
