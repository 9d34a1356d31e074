// Tenancy against the real binary and database: what one owner, one
// community's staff or one caller's page token can reach of another's.
// Page tokens: ListTickets and the audit trail hand them out; the timeline
// and incidents come in one piece, and the event feed's cursor is a
// position in a company-wide feed only all-community system clients read.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "steward/common/v1/audit.grpc.pb.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "tests/support/page_tokens.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

using namespace tickets::v1;  // NOLINT: test brevity

constexpr char kCommunity[] = "tenancy-hv";

class TenancyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadTestEnv(&env_));
    service_ = StartService(env_, "tickets", env_.db_port);
    ASSERT_TRUE(WaitForHealth(service_.target(), "SERVING", absl::Seconds(30)))
        << service_.process->ReadLog();
    prefix_ = absl::StrCat("tenancy-", ::getpid(), "-", absl::ToUnixMicros(absl::Now()));
    owner_a_ = Token("owner-a", auth::Role::kOwner, {},
                     {absl::StrCat("communities/", kCommunity, "/households/1-1-101")});
    owner_b_ = Token("owner-b", auth::Role::kOwner, {},
                     {absl::StrCat("communities/", kCommunity, "/households/1-1-102")});
    staff_here_ = Token("staff-here", auth::Role::kStaff, {kCommunity});
    staff_elsewhere_ = Token("staff-there", auth::Role::kStaff, {"elsewhere"});
    quality_ = Token("quality", auth::Role::kQuality, {"*"});
  }

  std::string Token(std::string sub, auth::Role role,
                    std::vector<std::string> communities,
                    std::vector<std::string> households = {}) {
    return TokenFor(env_, std::move(sub), role, std::move(communities),
                    std::move(households));
  }

  std::unique_ptr<TicketService::Stub> As(const std::string& token) {
    return TicketService::NewStub(service_.ChannelAs(token));
  }

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return c;
  }

  CreateTicketRequest ReportRequest(const std::string& household,
                                    const std::string& step) {
    CreateTicketRequest create;
    create.set_parent(absl::StrCat("communities/", kCommunity));
    create.set_request_id(absl::StrCat(prefix_, "-", step));
    Ticket* t = create.mutable_ticket();
    t->set_kind(TICKET_KIND_HOUSEHOLD_REPAIR);
    t->set_priority(PRIORITY_ROUTINE);
    t->set_channel(CHANNEL_APP);
    t->set_line(common::v1::LINE_ENGINEERING);
    t->mutable_location()->set_building("1");
    t->mutable_location()->set_unit("1");
    t->mutable_location()->set_room(household.substr(4));
    t->set_household(household);
    t->set_contact_name("王小明");
    t->set_contact_phone("13912345678");
    t->set_description("Bathroom ceiling drips");
    return create;
  }

  Ticket Report(const std::string& token, const std::string& household,
                const std::string& step) {
    const CreateTicketRequest create = ReportRequest(household, step);
    Ticket out;
    grpc::Status s = As(token)->CreateTicket(Context().get(), create, &out);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    return out;
  }

  grpc::Status Get(const std::string& token, const std::string& name, Ticket* out) {
    GetTicketRequest get;
    get.set_name(name);
    return As(token)->GetTicket(Context().get(), get, out);
  }

  TestEnv env_;
  ServiceUnderTest service_;
  std::string prefix_;
  std::string owner_a_, owner_b_, staff_here_, staff_elsewhere_, quality_;
};

TEST_F(TenancyTest, OwnersReachTheirOwnHouseholdsOnly) {
  const Ticket mine = Report(owner_a_, "1-1-101", "a1");
  ASSERT_FALSE(mine.name().empty());
  Ticket seen;
  ASSERT_TRUE(Get(owner_a_, mine.name(), &seen).ok());
  EXPECT_EQ(seen.contact_phone(), "13912345678");

  // Another owner of the same community: the same answer for A's ticket and
  // for one that does not exist.
  const grpc::Status other = Get(owner_b_, mine.name(), &seen);
  const grpc::Status missing =
      Get(owner_b_, absl::StrCat("communities/", kCommunity, "/tickets/999999999"), &seen);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(missing.error_code(), other.error_code());
  EXPECT_EQ(missing.error_message(), other.error_message());

  // B cannot cancel it, and it stays as it was.
  CancelTicketRequest cancel;
  cancel.mutable_header()->set_name(mine.name());
  cancel.mutable_header()->set_etag(mine.etag());
  cancel.mutable_header()->set_request_id(prefix_ + "-b-cancel");
  cancel.set_reason(CancelTicketRequest::REASON_WITHDRAWN);
  Ticket after;
  EXPECT_EQ(As(owner_b_)->CancelTicket(Context().get(), cancel, &after).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Get(owner_a_, mine.name(), &after).ok());
  EXPECT_EQ(after.etag(), mine.etag());
  EXPECT_EQ(after.state(), TICKET_STATE_REGISTERED);

  // B's list holds B's tickets only; asking for A's household is refused.
  const Ticket theirs = Report(owner_b_, "1-1-102", "b1");
  ListTicketsRequest list;
  list.set_parent(absl::StrCat("communities/", kCommunity));
  list.set_page_size(500);
  ListTicketsResponse page;
  ASSERT_TRUE(As(owner_b_)->ListTickets(Context().get(), list, &page).ok());
  ASSERT_GE(page.tickets_size(), 1);
  for (const Ticket& t : page.tickets()) EXPECT_EQ(t.household(), "1-1-102") << t.name();
  list.set_household("1-1-101");
  EXPECT_EQ(As(owner_b_)->ListTickets(Context().get(), list, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // An owner cannot report for a neighbour.
  const CreateTicketRequest create = ReportRequest("1-1-101", "b-for-a");
  EXPECT_EQ(As(owner_b_)->CreateTicket(Context().get(), create, &after).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  (void)theirs;
}

TEST_F(TenancyTest, OwnersFollowTheirOwnPublicAreaReports) {
  // Subjects of this run only: the database is shared with earlier runs.
  const std::string households = absl::StrCat("communities/", kCommunity,
                                              "/households/1-1-101");
  const std::string reporter = Token(prefix_ + "-r", auth::Role::kOwner, {},
                                     {households});
  const std::string neighbour = Token(prefix_ + "-n", auth::Role::kOwner, {},
                                      {households});
  CreateTicketRequest lift = ReportRequest("1-1-101", "lift");
  lift.mutable_ticket()->clear_household();
  lift.mutable_ticket()->set_kind(TICKET_KIND_PUBLIC_REPAIR);
  lift.mutable_ticket()->clear_location();
  lift.mutable_ticket()->mutable_location()->set_building("1");
  Ticket report;
  const grpc::Status created =
      As(reporter)->CreateTicket(Context().get(), lift, &report);
  ASSERT_TRUE(created.ok()) << created.error_message();
  EXPECT_EQ(report.reported_by(), prefix_ + "-r");

  Ticket seen;
  ASSERT_TRUE(Get(reporter, report.name(), &seen).ok());
  EXPECT_EQ(seen.reported_by(), prefix_ + "-r");
  // The neighbour shares the household, not the report.
  EXPECT_EQ(Get(neighbour, report.name(), &seen).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  ListTicketsRequest list;
  list.set_parent(absl::StrCat("communities/", kCommunity));
  list.set_kind(TICKET_KIND_PUBLIC_REPAIR);
  list.set_page_size(50);
  ListTicketsResponse mine, theirs;
  ASSERT_TRUE(As(reporter)->ListTickets(Context().get(), list, &mine).ok());
  ASSERT_EQ(mine.tickets_size(), 1);
  EXPECT_EQ(mine.tickets(0).name(), report.name());
  ASSERT_TRUE(As(neighbour)->ListTickets(Context().get(), list, &theirs).ok());
  for (const Ticket& t : theirs.tickets()) EXPECT_NE(t.name(), report.name());
}

TEST_F(TenancyTest, StaffOfAnotherCommunityReachNothingHere) {
  const Ticket t = Report(owner_a_, "1-1-101", "s1");
  Ticket out;
  EXPECT_EQ(Get(staff_elsewhere_, t.name(), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ListTicketTimelineRequest timeline;
  timeline.set_name(t.name());
  ListTicketTimelineResponse entries;
  EXPECT_EQ(As(staff_elsewhere_)
                ->ListTicketTimeline(Context().get(), timeline, &entries)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(As(owner_b_)
                ->ListTicketTimeline(Context().get(), timeline, &entries)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(As(owner_a_)
                  ->ListTicketTimeline(Context().get(), timeline, &entries)
                  .ok());
  EXPECT_GE(entries.entries_size(), 1);
  ListTicketsRequest list;
  list.set_parent(absl::StrCat("communities/", kCommunity));
  ListTicketsResponse page;
  EXPECT_EQ(As(staff_elsewhere_)->ListTickets(Context().get(), list, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  RespondTicketRequest respond;
  respond.mutable_header()->set_name(t.name());
  respond.mutable_header()->set_etag(t.etag());
  respond.mutable_header()->set_request_id(prefix_ + "-elsewhere-respond");
  EXPECT_EQ(As(staff_elsewhere_)->RespondTicket(Context().get(), respond, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Staff of this community may, and are recorded as the actor.
  ASSERT_TRUE(As(staff_here_)->RespondTicket(Context().get(), respond, &out).ok());
  EXPECT_EQ(out.first_responder(), "staff-here");
  EXPECT_EQ(out.contact_phone(), "13912345678");
  // The quality department sees it masked.
  ASSERT_TRUE(Get(quality_, t.name(), &out).ok());
  EXPECT_EQ(out.contact_phone(), "139****5678");
  EXPECT_EQ(out.contact_name(), "王**");
}

TEST_F(TenancyTest, PageTokensAreBoundToTheirCallerAndCommunity) {
  for (int i = 0; i < 3; ++i) Report(owner_a_, "1-1-101", absl::StrCat("p", i));
  // Staff of both communities: the token's refusal elsewhere is its binding,
  // not their reach.
  const std::string both =
      Token("staff-both", auth::Role::kStaff, {kCommunity, "elsewhere"});
  auto issuer = As(both);
  auto other = As(staff_here_);
  ExpectPageTokenBound(&TicketService::Stub::ListTickets, *issuer, *other,
                       ListTicketsRequest(),
                       absl::StrCat("communities/", kCommunity),
                       "communities/elsewhere");
  // Owners' lists too: owner B cannot continue owner A's.
  ListTicketsRequest list;
  list.set_parent(absl::StrCat("communities/", kCommunity));
  list.set_page_size(1);
  ListTicketsResponse first, page;
  ASSERT_TRUE(As(owner_a_)->ListTickets(Context().get(), list, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  list.set_page_token(first.next_page_token());
  EXPECT_TRUE(As(owner_a_)->ListTickets(Context().get(), list, &page).ok());
  const grpc::Status reused = As(owner_b_)->ListTickets(Context().get(), list, &page);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(reused.error_message(), "page_token"))
      << reused.error_message();
}

// The audit trail's pages: bound to the quality caller and the filters they
// were issued for.
TEST_F(TenancyTest, AuditPageTokensAreBoundToTheirCallerAndFilters) {
  Report(owner_a_, "1-1-101", "audit-page-1");
  Report(owner_a_, "1-1-101", "audit-page-2");
  auto audit = [&](const std::string& token) {
    return common::v1::AuditService::NewStub(service_.ChannelAs(token));
  };
  common::v1::ListAuditRecordsRequest list;
  list.set_method("steward.tickets.v1.TicketService/CreateTicket");
  list.set_page_size(1);
  common::v1::ListAuditRecordsResponse first, page;
  ASSERT_TRUE(audit(quality_)->ListAuditRecords(Context().get(), list, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  list.set_page_token(first.next_page_token());
  const grpc::Status own =
      audit(quality_)->ListAuditRecords(Context().get(), list, &page);
  ASSERT_TRUE(own.ok()) << own.error_message();
  ASSERT_EQ(page.records_size(), 1);
  EXPECT_LT(page.records(0).id(), first.records(0).id());  // it continued
  const std::string colleague = Token("quality-2", auth::Role::kQuality, {"*"});
  const grpc::Status reused =
      audit(colleague)->ListAuditRecords(Context().get(), list, &page);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(reused.error_message(), "page_token"))
      << reused.error_message();
  list.set_method("steward.tickets.v1.TicketService/CancelTicket");
  const grpc::Status refiltered =
      audit(quality_)->ListAuditRecords(Context().get(), list, &page);
  EXPECT_EQ(refiltered.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(refiltered.error_message(), "page_token"))
      << refiltered.error_message();
}

TEST_F(TenancyTest, RefusedChangesAreAuditedAsDenied) {
  const Ticket t = Report(owner_a_, "1-1-101", "audit");
  CancelTicketRequest cancel;
  cancel.mutable_header()->set_name(t.name());
  cancel.mutable_header()->set_etag(t.etag());
  cancel.mutable_header()->set_request_id(prefix_ + "-audit-cancel");
  cancel.set_reason(CancelTicketRequest::REASON_WITHDRAWN);
  Ticket out;
  ASSERT_EQ(As(owner_b_)->CancelTicket(Context().get(), cancel, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  auto audit = common::v1::AuditService::NewStub(service_.ChannelAs(quality_));
  common::v1::ListAuditRecordsRequest request;
  request.set_resource(t.name());
  common::v1::ListAuditRecordsResponse response;
  ASSERT_TRUE(audit->ListAuditRecords(Context().get(), request, &response).ok());
  ASSERT_EQ(response.records_size(), 1);
  const auto& denied = response.records(0);
  EXPECT_EQ(denied.principal(), "owner:owner-b");
  EXPECT_EQ(denied.method(), "steward.tickets.v1.TicketService/CancelTicket");
  EXPECT_EQ(denied.decision(), common::v1::AuditRecord::DENIED);
  EXPECT_EQ(denied.status_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.request_id(), prefix_ + "-audit-cancel");

  request.set_resource(absl::StrCat("communities/", kCommunity));
  request.set_principal("owner:owner-a");
  ASSERT_TRUE(audit->ListAuditRecords(Context().get(), request, &response).ok());
  ASSERT_GE(response.records_size(), 1);
  EXPECT_EQ(response.records(0).decision(), common::v1::AuditRecord::ALLOWED);
  EXPECT_EQ(response.records(0).method(), "steward.tickets.v1.TicketService/CreateTicket");

  // Only the quality department reads the trail.
  auto as_staff = common::v1::AuditService::NewStub(service_.ChannelAs(staff_here_));
  EXPECT_EQ(as_staff->ListAuditRecords(Context().get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A change whose transaction rolls back (a stale etag) leaves exactly one
// audit row, with its failure; no "allowed, OK" row claims it happened.
TEST_F(TenancyTest, RolledBackChangeLeavesOneRowWithItsFailure) {
  const Ticket t = Report(owner_a_, "1-1-101", "rollback");
  ASSERT_FALSE(t.name().empty());
  RespondTicketRequest respond;
  respond.mutable_header()->set_name(t.name());
  respond.mutable_header()->set_etag(t.etag());
  respond.mutable_header()->set_request_id(prefix_ + "-rb-respond");
  Ticket now;
  ASSERT_TRUE(As(staff_here_)->RespondTicket(Context().get(), respond, &now).ok());
  // Assigning on the etag read before the respond: stale.
  AssignTicketRequest stale;
  stale.mutable_header()->set_name(t.name());
  stale.mutable_header()->set_etag(t.etag());
  stale.mutable_header()->set_request_id(prefix_ + "-rb-assign");
  stale.set_assignee("fitter-wang");
  const grpc::Status aborted =
      As(staff_here_)->AssignTicket(Context().get(), stale, &now);
  ASSERT_EQ(aborted.error_code(), grpc::StatusCode::ABORTED)
      << aborted.error_message();

  auto audit = common::v1::AuditService::NewStub(service_.ChannelAs(quality_));
  common::v1::ListAuditRecordsRequest request;
  request.set_resource(t.name());
  request.set_method("steward.tickets.v1.TicketService/AssignTicket");
  common::v1::ListAuditRecordsResponse response;
  ASSERT_TRUE(audit->ListAuditRecords(Context().get(), request, &response).ok());
  ASSERT_EQ(response.records_size(), 1);
  const auto& row = response.records(0);
  EXPECT_EQ(row.principal(), "staff:staff-here");
  EXPECT_EQ(row.request_id(), prefix_ + "-rb-assign");
  EXPECT_EQ(row.decision(), common::v1::AuditRecord::ALLOWED);
  EXPECT_EQ(row.status_code(), grpc::StatusCode::ABORTED);
  // The respond that did commit has its one row, OK.
  request.set_method("steward.tickets.v1.TicketService/RespondTicket");
  ASSERT_TRUE(audit->ListAuditRecords(Context().get(), request, &response).ok());
  ASSERT_EQ(response.records_size(), 1);
  EXPECT_EQ(response.records(0).request_id(), prefix_ + "-rb-respond");
  EXPECT_EQ(response.records(0).status_code(), 0);
  // Nothing of the assign landed.
  Ticket after;
  ASSERT_TRUE(Get(staff_here_, t.name(), &after).ok());
  EXPECT_EQ(after.state(), TICKET_STATE_RESPONDED);
  EXPECT_EQ(after.assignee(), "");
}

}  // namespace
}  // namespace steward::testing
