// Who may do what through the tickets API: the handlers behind the real
// CallGate (tokens signed with test keys), over an in-memory repository.
// Pins authentication, the access table, tenancy (communities, owners'
// households), masking of personal data, page tokens bound to their caller
// and the audit row every write call leaves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "services/tickets/api/ticket_grpc_service.h"
#include "services/tickets/domain/sla.h"
#include "services/tickets/domain/ticket_desk.h"
#include "steward/common/v1/common.pb.h"
#include "tests/support/status_details.h"
#include "tests/unit/calendar/test_calendars.h"
#include "tests/unit/support/test_gate.h"
#include "tests/unit/tickets/fake_ticket_repository.h"

namespace steward::tickets {
namespace {

using ::steward::calendar::testing::At;
using ::steward::calendar::testing::ShanghaiOffice;
using ::steward::testing::CallContext;
using ::steward::testing::TestGate;
using ::steward::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using Fields = std::vector<std::string>;
using S = TicketGrpcService;

constexpr char kMethodPrefix[] = "steward.tickets.v1.TicketService/";
constexpr char kHouseholdA[] = "3-2-1201";
constexpr char kHouseholdB[] = "3-2-1202";
constexpr char kPhone[] = "13812341234";
constexpr char kName[] = "张三";

std::string HouseholdRef(const std::string& community,
                         const std::string& household) {
  return "communities/" + community + "/households/" + household;
}

std::vector<std::string> Names(const v1::ListTicketsResponse& response) {
  std::vector<std::string> names;
  for (const v1::Ticket& t : response.tickets()) names.push_back(t.name());
  return names;
}

class TicketSecurityTest : public ::testing::Test {
 protected:
  template <typename Request, typename Response>
  using Method = grpc::Status (S::*)(grpc::ServerContext*, const Request*,
                                     Response*);

  void SetUp() override {
    // Seeded by a company-wide manager; the audit trail starts empty.
    ticket_a_ = Seed(Report("seed-a", "c1", kHouseholdA));    // tickets/1
    ticket_b_ = Seed(Report("seed-b", "c1", kHouseholdB));    // tickets/2
    ticket_c2_ = Seed(Report("seed-c2", "c2", kHouseholdA));  // tickets/3
    gate_.audit().Clear();
  }

  // An in-home repair reported for `household` of `community`, with the
  // reporter's name and phone.
  static v1::CreateTicketRequest Report(const std::string& request_id,
                                        const std::string& community,
                                        const std::string& household) {
    v1::CreateTicketRequest r;
    r.set_parent("communities/" + community);
    r.set_request_id(request_id);
    v1::Ticket* t = r.mutable_ticket();
    t->set_kind(v1::TICKET_KIND_HOUSEHOLD_REPAIR);
    t->set_priority(v1::PRIORITY_ROUTINE);
    t->set_channel(v1::CHANNEL_WECHAT);
    t->set_line(common::v1::LINE_ENGINEERING);
    t->mutable_location()->set_building("3");
    t->mutable_location()->set_unit("2");
    t->mutable_location()->set_room(household.substr(household.rfind('-') + 1));
    t->set_household(household);
    t->set_contact_name(kName);
    t->set_contact_phone(kPhone);
    t->set_description("Kitchen pipe leaking");
    return r;
  }

  v1::Ticket Seed(const v1::CreateTicketRequest& r) {
    v1::Ticket t;
    const grpc::Status s = Call(gate_.Manager(), &S::CreateTicket, r, &t);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return t;
  }

  template <typename Request, typename Response>
  grpc::Status Call(const std::string& token, Method<Request, Response> method,
                    const Request& r, Response* out) {
    return ::steward::testing::CallAs(service_, method, token, r, out);
  }

  grpc::Status Get(const std::string& token, const std::string& name,
                   v1::Ticket* out) {
    v1::GetTicketRequest r;
    r.set_name(name);
    return Call(token, &S::GetTicket, r, out);
  }

  static v1::ListTicketsRequest ListOf(const std::string& community,
                                       int page_size = 0) {
    v1::ListTicketsRequest r;
    r.set_parent("communities/" + community);
    r.set_page_size(page_size);
    return r;
  }

  // A lifecycle request on `ticket` as last read.
  template <typename Request>
  static Request On(const v1::Ticket& ticket, const std::string& request_id,
                    const std::string& actor = "desk-li") {
    Request r;
    r.mutable_header()->set_name(ticket.name());
    r.mutable_header()->set_etag(ticket.etag());
    r.mutable_header()->set_request_id(request_id);
    r.mutable_header()->set_actor(actor);
    return r;
  }

  // The single audit row written since the last call of this (or SetUp);
  // fails the test unless there is exactly one.
  db::AuditRow OnlyNewAuditRow() {
    std::vector<db::AuditRow> rows = gate_.audit().rows();
    gate_.audit().Clear();
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? db::AuditRow{} : rows.back();
  }

  void ExpectAuditRow(const std::string& method, const std::string& principal,
                      bool allowed, grpc::StatusCode code) {
    const db::AuditRow row = OnlyNewAuditRow();
    EXPECT_EQ(row.method, kMethodPrefix + method);
    EXPECT_EQ(row.principal, principal);
    EXPECT_EQ(row.allowed, allowed);
    EXPECT_EQ(row.status_code, static_cast<int>(code));
  }

  absl::Time now_ = At(2026, 10, 13, 10, 0);
  FakeTicketRepository repository_;
  TicketDesk desk_{repository_, [this] { return now_; },
                   SlaRules{DefaultSlaPolicies(), ShanghaiOffice()}};
  TestGate gate_;
  TicketGrpcService service_{desk_, gate_.gate()};
  v1::Ticket ticket_a_, ticket_b_, ticket_c2_;
};

// ---------------------------------------------------------------------------
// Authentication

TEST_F(TicketSecurityTest, ReadsWithoutATokenAreUnauthenticatedAndUnaudited) {
  const int reads = repository_.reads();
  v1::Ticket ticket;
  const grpc::Status get = Get("", ticket_a_.name(), &ticket);
  EXPECT_EQ(get.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(get.error_message(), HasSubstr("authorization"));
  EXPECT_EQ(ticket.name(), "");

  v1::ListTicketsResponse list;
  EXPECT_EQ(Call("", &S::ListTickets, ListOf("c1"), &list).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(list.tickets_size(), 0);
  v1::ListTicketTimelineRequest timeline;
  timeline.set_name(ticket_a_.name());
  v1::ListTicketTimelineResponse entries;
  EXPECT_EQ(Call("", &S::ListTicketTimeline, timeline, &entries).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::ListTicketEventsResponse events;
  EXPECT_EQ(
      Call("", &S::ListTicketEvents, v1::ListTicketEventsRequest(), &events)
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  EXPECT_EQ(repository_.reads(), reads);
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());
}

TEST_F(TicketSecurityTest, WritesWithoutATokenLeaveOneDeniedAuditRowEach) {
  const int writes = repository_.writes();
  v1::Ticket out;
  EXPECT_EQ(
      Call("", &S::CreateTicket, Report("anon-1", "c1", kHouseholdA), &out)
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  const db::AuditRow row = OnlyNewAuditRow();
  EXPECT_EQ(row.method, std::string(kMethodPrefix) + "CreateTicket");
  EXPECT_EQ(row.principal, "anonymous");
  EXPECT_EQ(row.role, "");
  EXPECT_EQ(row.resource, "communities/c1");
  EXPECT_EQ(row.request_id, "anon-1");
  EXPECT_FALSE(row.allowed);
  EXPECT_EQ(row.status_code, 16);

  EXPECT_EQ(Call("", &S::CloseTicket,
                 On<v1::CloseTicketRequest>(ticket_a_, "anon-2"), &out)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ExpectAuditRow("CloseTicket", "anonymous", false,
                 grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(repository_.writes(), writes);
  EXPECT_EQ(repository_.size(), 3);
}

TEST_F(TicketSecurityTest, UntrustedTokensAreUnauthenticated) {
  TestGate other;  // another key pair: a token this service never trusted
  auth::TokenRequest expired;
  expired.subject = "s-1";
  expired.communities = {"*"};
  expired.issued_at = absl::Now() - absl::Hours(3);
  auth::TokenRequest foreign = expired;
  foreign.issued_at = absl::Now();
  foreign.audience = "another-service";
  const std::string tokens[] = {
      "not-a-jwt",
      other.Manager(),
      gate_.Mint(expired),
      gate_.Mint(foreign),
  };
  for (const std::string& token : tokens) {
    v1::Ticket ticket;
    EXPECT_EQ(Get(token, ticket_a_.name(), &ticket).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << token;
    EXPECT_EQ(ticket.name(), "");
  }
  // A well-signed token under another scheme, or sent twice.
  for (const std::vector<std::string>& values :
       std::vector<std::vector<std::string>>{
           {"Basic " + gate_.Manager()},
           {"Bearer " + gate_.Manager(), "Bearer " + gate_.Manager()}}) {
    CallContext context;
    for (const std::string& value : values) {
      context.AddMetadata("authorization", value);
    }
    v1::GetTicketRequest r;
    r.set_name(ticket_a_.name());
    v1::Ticket ticket;
    EXPECT_EQ(service_.GetTicket(context.get(), &r, &ticket).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << values[0];
  }
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());
}

// ---------------------------------------------------------------------------
// Communities

TEST_F(TicketSecurityTest, StaffOfAnotherCommunityReachNothingThere) {
  const std::string staff_c2 = gate_.Staff({"c2"}, "s-2");
  const int reads = repository_.reads();
  const int writes = repository_.writes();

  v1::Ticket ticket;
  EXPECT_EQ(Get(staff_c2, ticket_a_.name(), &ticket).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Existing or not, a c1 name answers the same.
  const grpc::Status missing =
      Get(staff_c2, "communities/c1/tickets/99", &ticket);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ticket.name(), "");

  v1::ListTicketsResponse list;
  EXPECT_EQ(Call(staff_c2, &S::ListTickets, ListOf("c1"), &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list.tickets_size(), 0);
  v1::ListTicketTimelineRequest timeline;
  timeline.set_name(ticket_a_.name());
  v1::ListTicketTimelineResponse entries;
  EXPECT_EQ(
      Call(staff_c2, &S::ListTicketTimeline, timeline, &entries).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(entries.entries_size(), 0);
  EXPECT_EQ(repository_.reads(), reads);  // refused before any lookup
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());

  EXPECT_EQ(Call(staff_c2, &S::RespondTicket,
                 On<v1::RespondTicketRequest>(ticket_a_, "x-1"), &ticket)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ExpectAuditRow("RespondTicket", "staff:s-2", false,
                 grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(staff_c2, &S::CloseTicket,
                 On<v1::CloseTicketRequest>(ticket_a_, "x-2"), &ticket)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ExpectAuditRow("CloseTicket", "staff:s-2", false,
                 grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(staff_c2, &S::CreateTicket, Report("x-3", "c1", kHouseholdA),
                 &ticket)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const db::AuditRow create = OnlyNewAuditRow();
  EXPECT_EQ(create.method, std::string(kMethodPrefix) + "CreateTicket");
  EXPECT_EQ(create.role, "staff");
  EXPECT_EQ(create.resource, "communities/c1");
  EXPECT_FALSE(create.allowed);
  EXPECT_EQ(create.status_code, 7);
  EXPECT_EQ(repository_.writes(), writes);
  EXPECT_EQ(repository_.size(), 3);

  // Their own community works as before.
  EXPECT_TRUE(Get(staff_c2, ticket_c2_.name(), &ticket).ok());
  ASSERT_TRUE(Call(staff_c2, &S::ListTickets, ListOf("c2"), &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(ticket_c2_.name()));
}

TEST_F(TicketSecurityTest, EveryWriteCallLeavesOneRowWithItsOutcome) {
  const std::string staff = gate_.Staff({"c1"}, "s-1");
  v1::Ticket out;
  // Allowed, but the state rule refuses: closing a ticket nobody resolved.
  EXPECT_EQ(Call(staff, &S::CloseTicket,
                 On<v1::CloseTicketRequest>(ticket_a_, "w-1"), &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ExpectAuditRow("CloseTicket", "staff:s-1", true,
                 grpc::StatusCode::FAILED_PRECONDITION);

  // Through to a closed inquiry: one allowed row per call, status OK.
  v1::CreateTicketRequest inquiry = Report("w-2", "c1", "");
  inquiry.mutable_ticket()->set_kind(v1::TICKET_KIND_INQUIRY);
  inquiry.mutable_ticket()->clear_location();
  ASSERT_TRUE(Call(staff, &S::CreateTicket, inquiry, &out).ok());
  ExpectAuditRow("CreateTicket", "staff:s-1", true, grpc::StatusCode::OK);
  ASSERT_TRUE(Call(staff, &S::RespondTicket,
                   On<v1::RespondTicketRequest>(out, "w-3"), &out)
                  .ok());
  ExpectAuditRow("RespondTicket", "staff:s-1", true, grpc::StatusCode::OK);
  auto resolve = On<v1::ResolveTicketRequest>(out, "w-4");
  resolve.set_resolution("Told the owner the pool opens in May");
  ASSERT_TRUE(Call(staff, &S::ResolveTicket, resolve, &out).ok());
  ExpectAuditRow("ResolveTicket", "staff:s-1", true, grpc::StatusCode::OK);
  const grpc::Status closed = Call(
      staff, &S::CloseTicket, On<v1::CloseTicketRequest>(out, "w-5"), &out);
  ASSERT_TRUE(closed.ok()) << closed.error_message();
  EXPECT_EQ(out.state(), v1::TICKET_STATE_CLOSED);
  const db::AuditRow row = OnlyNewAuditRow();
  EXPECT_EQ(row.method, "steward.tickets.v1.TicketService/CloseTicket");
  EXPECT_EQ(row.principal, "staff:s-1");
  EXPECT_EQ(row.role, "staff");
  EXPECT_EQ(row.resource, out.name());
  EXPECT_EQ(row.request_id, "w-5");
  EXPECT_TRUE(row.allowed);
  EXPECT_EQ(row.status_code, 0);

  // Reads leave none.
  EXPECT_TRUE(Get(staff, out.name(), &out).ok());
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());
}

TEST_F(TicketSecurityTest, AnAuditSinkFailureDoesNotChangeTheAnswer) {
  gate_.audit().FailWith(absl::UnavailableError("audit_log unreachable"));
  v1::Ticket out;
  EXPECT_TRUE(Call(gate_.Staff({"c1"}), &S::RespondTicket,
                   On<v1::RespondTicketRequest>(ticket_a_, "f-1"), &out)
                  .ok());
  EXPECT_EQ(Call("", &S::RespondTicket,
                 On<v1::RespondTicketRequest>(out, "f-2"), &out)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());
}

// ---------------------------------------------------------------------------
// Owners

TEST_F(TicketSecurityTest, OwnersGetTheirOwnHouseholdsTicketsOnly) {
  const std::string owner = gate_.Owner({HouseholdRef("c1", kHouseholdA)});
  v1::Ticket mine;
  ASSERT_TRUE(Get(owner, ticket_a_.name(), &mine).ok());
  EXPECT_EQ(mine.SerializeAsString(), ticket_a_.SerializeAsString());
  EXPECT_EQ(mine.contact_phone(), kPhone);  // their own data, unmasked

  // A neighbour's ticket and a ticket that does not exist answer alike.
  v1::Ticket ticket;
  const grpc::Status neighbour = Get(owner, ticket_b_.name(), &ticket);
  EXPECT_EQ(neighbour.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ticket.name(), "");
  const grpc::Status missing = Get(owner, "communities/c1/tickets/99", &ticket);
  EXPECT_EQ(missing.error_code(), neighbour.error_code());
  EXPECT_EQ(missing.error_message(), neighbour.error_message());
  EXPECT_EQ(missing.error_details(), neighbour.error_details());

  // The same household id in another community is another household.
  EXPECT_EQ(Get(owner, ticket_c2_.name(), &ticket).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Nor the timeline of a neighbour's ticket.
  v1::ListTicketTimelineRequest timeline;
  timeline.set_name(ticket_b_.name());
  v1::ListTicketTimelineResponse entries;
  EXPECT_EQ(
      Call(owner, &S::ListTicketTimeline, timeline, &entries).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(entries.entries_size(), 0);
  timeline.set_name(ticket_a_.name());
  EXPECT_TRUE(Call(owner, &S::ListTicketTimeline, timeline, &entries).ok());
  EXPECT_EQ(entries.entries_size(), 1);
}

TEST_F(TicketSecurityTest, OwnersListOnlyTheirHouseholds) {
  // A public-area report in c1 and a second ticket of household A.
  v1::CreateTicketRequest lift = Report("seed-pub", "c1", "");
  lift.mutable_ticket()->set_kind(v1::TICKET_KIND_PUBLIC_REPAIR);
  lift.mutable_ticket()->clear_location();
  lift.mutable_ticket()->mutable_location()->set_building("3");
  Seed(lift);  // tickets/4
  const v1::Ticket a2 = Seed(Report("seed-a2", "c1", kHouseholdA));  // /5

  const std::string owner = gate_.Owner({HouseholdRef("c1", kHouseholdA)});
  v1::ListTicketsResponse list;
  ASSERT_TRUE(Call(owner, &S::ListTickets, ListOf("c1"), &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(a2.name(), ticket_a_.name()));

  // Paging keeps to the households too.
  v1::ListTicketsRequest paged = ListOf("c1", 1);
  list.Clear();
  ASSERT_TRUE(Call(owner, &S::ListTickets, paged, &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(a2.name()));
  paged.set_page_token(list.next_page_token());
  list.Clear();
  ASSERT_TRUE(Call(owner, &S::ListTickets, paged, &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(ticket_a_.name()));
  EXPECT_THAT(list.next_page_token(), IsEmpty());

  v1::ListTicketsRequest own = ListOf("c1");
  own.set_household(kHouseholdA);
  list.Clear();
  ASSERT_TRUE(Call(owner, &S::ListTickets, own, &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(a2.name(), ticket_a_.name()));

  v1::ListTicketsRequest neighbour = ListOf("c1");
  neighbour.set_household(kHouseholdB);
  list.Clear();
  EXPECT_EQ(Call(owner, &S::ListTickets, neighbour, &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list.tickets_size(), 0);
  // A community where they have no household.
  EXPECT_EQ(Call(owner, &S::ListTickets, ListOf("c2"), &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Staff filter by household as they like.
  const std::string staff = gate_.Staff({"c1"});
  list.Clear();
  ASSERT_TRUE(Call(staff, &S::ListTickets, neighbour, &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(ticket_b_.name()));
  list.Clear();
  ASSERT_TRUE(Call(staff, &S::ListTickets, ListOf("c1"), &list).ok());
  EXPECT_EQ(list.tickets_size(), 4);
}

TEST_F(TicketSecurityTest, OwnersReportForTheirOwnHouseholdsOnly) {
  const std::string owner = gate_.Owner({HouseholdRef("c1", kHouseholdA)});
  v1::Ticket out;
  EXPECT_EQ(
      Call(owner, &S::CreateTicket, Report("o-1", "c1", kHouseholdB), &out)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ExpectAuditRow("CreateTicket", "owner:o-1", false,
                 grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      Call(owner, &S::CreateTicket, Report("o-2", "c2", kHouseholdA), &out)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  ExpectAuditRow("CreateTicket", "owner:o-1", false,
                 grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(repository_.size(), 3);

  const grpc::Status own =
      Call(owner, &S::CreateTicket, Report("o-3", "c1", kHouseholdA), &out);
  ASSERT_TRUE(own.ok()) << own.error_message();
  EXPECT_EQ(out.household(), kHouseholdA);
  ExpectAuditRow("CreateTicket", "owner:o-1", true, grpc::StatusCode::OK);
  EXPECT_EQ(repository_.size(), 4);
}

TEST_F(TicketSecurityTest, OwnersFollowTheirOwnPublicAreaReports) {
  const std::string owner = gate_.Owner({HouseholdRef("c1", kHouseholdA)});
  const std::string neighbour =
      gate_.Owner({HouseholdRef("c1", kHouseholdB)}, "o-2");
  v1::CreateTicketRequest lift = Report("lift-1", "c1", "");
  lift.mutable_ticket()->set_kind(v1::TICKET_KIND_PUBLIC_REPAIR);
  lift.mutable_ticket()->clear_location();
  lift.mutable_ticket()->mutable_location()->set_building("3");
  // Whatever the request says, the reporter is the verified caller.
  lift.mutable_ticket()->set_reported_by("o-2");
  v1::Ticket report;
  ASSERT_TRUE(Call(owner, &S::CreateTicket, lift, &report).ok());
  EXPECT_EQ(report.household(), "");
  EXPECT_EQ(report.reported_by(), "o-1");

  // Its reporter reads it, its timeline, and finds it in their list.
  v1::Ticket read;
  ASSERT_TRUE(Get(owner, report.name(), &read).ok());
  EXPECT_EQ(read.reported_by(), "o-1");
  v1::ListTicketTimelineRequest timeline;
  timeline.set_name(report.name());
  v1::ListTicketTimelineResponse entries;
  EXPECT_TRUE(Call(owner, &S::ListTicketTimeline, timeline, &entries).ok());
  v1::ListTicketsResponse list;
  ASSERT_TRUE(Call(owner, &S::ListTickets, ListOf("c1"), &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(report.name(), ticket_a_.name()));
  // Naming a household narrows the list to that household.
  v1::ListTicketsRequest own = ListOf("c1");
  own.set_household(kHouseholdA);
  list.Clear();
  ASSERT_TRUE(Call(owner, &S::ListTickets, own, &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(ticket_a_.name()));

  // Another owner of the community neither reads nor lists it...
  EXPECT_EQ(Get(neighbour, report.name(), &read).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  list.Clear();
  ASSERT_TRUE(Call(neighbour, &S::ListTickets, ListOf("c1"), &list).ok());
  EXPECT_THAT(Names(list), ElementsAre(ticket_b_.name()));
  // ...nor gets it by replaying its request_id and body.
  const int size = repository_.size();
  v1::Ticket replayed;
  const grpc::Status replay = Call(neighbour, &S::CreateTicket, lift, &replayed);
  EXPECT_EQ(replay.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(replay), Fields{"request_id"});
  EXPECT_EQ(replayed.name(), "");
  EXPECT_EQ(repository_.size(), size);
  // The reporter's own retry is answered with the same ticket.
  ASSERT_TRUE(Call(owner, &S::CreateTicket, lift, &replayed).ok());
  EXPECT_EQ(replayed.name(), report.name());

  // A public-area report staff registered is nobody's own.
  v1::CreateTicketRequest patrol = lift;
  patrol.set_request_id("lift-2");
  const v1::Ticket staffs = Seed(patrol);
  EXPECT_EQ(staffs.reported_by(), "");
  EXPECT_EQ(Get(owner, staffs.name(), &read).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The reporter may withdraw their report.
  auto cancel = On<v1::CancelTicketRequest>(report, "lift-cancel");
  cancel.set_reason(v1::CancelTicketRequest::REASON_WITHDRAWN);
  EXPECT_EQ(Call(neighbour, &S::CancelTicket, cancel, &read).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(owner, &S::CancelTicket, cancel, &read).ok());
  EXPECT_EQ(read.state(), v1::TICKET_STATE_CANCELLED);
}

TEST_F(TicketSecurityTest, OwnersActOnTheirOwnTicketsOnly) {
  const std::string owner = gate_.Owner({HouseholdRef("c1", kHouseholdA)});
  const int writes = repository_.writes();
  v1::Ticket out;
  auto cancel = On<v1::CancelTicketRequest>(ticket_b_, "oc-1");
  cancel.set_reason(v1::CancelTicketRequest::REASON_WITHDRAWN);
  const grpc::Status neighbour = Call(owner, &S::CancelTicket, cancel, &out);
  EXPECT_EQ(neighbour.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ExpectAuditRow("CancelTicket", "owner:o-1", false,
                 grpc::StatusCode::PERMISSION_DENIED);
  cancel.mutable_header()->set_name("communities/c1/tickets/99");
  const grpc::Status missing = Call(owner, &S::CancelTicket, cancel, &out);
  EXPECT_EQ(missing.error_code(), neighbour.error_code());
  EXPECT_EQ(missing.error_message(), neighbour.error_message());
  ExpectAuditRow("CancelTicket", "owner:o-1", false,
                 grpc::StatusCode::PERMISSION_DENIED);
  // Working a ticket is not an owner's to do, even their own.
  EXPECT_EQ(Call(owner, &S::CloseTicket,
                 On<v1::CloseTicketRequest>(ticket_a_, "oc-2"), &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ExpectAuditRow("CloseTicket", "owner:o-1", false,
                 grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(repository_.writes(), writes);

  cancel = On<v1::CancelTicketRequest>(ticket_a_, "oc-3");
  cancel.set_reason(v1::CancelTicketRequest::REASON_WITHDRAWN);
  ASSERT_TRUE(Call(owner, &S::CancelTicket, cancel, &out).ok());
  EXPECT_EQ(out.state(), v1::TICKET_STATE_CANCELLED);
  ExpectAuditRow("CancelTicket", "owner:o-1", true, grpc::StatusCode::OK);
}

// The timeline's actor — and, on a ticket nobody has answered yet, its
// first responder — is the verified caller, whatever header.actor says.
TEST_F(TicketSecurityTest, TheRecordedActorIsTheCallerNotTheRequest) {
  const std::string owner = gate_.Owner({HouseholdRef("c1", kHouseholdA)});
  auto cancel = On<v1::CancelTicketRequest>(ticket_a_, "oa-1", "desk-li");
  cancel.set_reason(v1::CancelTicketRequest::REASON_WITHDRAWN);
  v1::Ticket out;
  ASSERT_TRUE(Call(owner, &S::CancelTicket, cancel, &out).ok());
  EXPECT_NE(out.first_responder(), "desk-li");
  v1::ListTicketTimelineRequest timeline;
  timeline.set_name(ticket_a_.name());
  v1::ListTicketTimelineResponse entries;
  ASSERT_TRUE(Call(owner, &S::ListTicketTimeline, timeline, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 2);
  EXPECT_EQ(entries.entries(1).actor(), "o-1");  // the token's subject
}

// ---------------------------------------------------------------------------
// Personal data

TEST_F(TicketSecurityTest, QualityAndPlainSystemClientsSeeMaskedContacts) {
  for (const std::string& token :
       {gate_.Quality(), gate_.System({"tickets.read"})}) {
    v1::Ticket ticket;
    ASSERT_TRUE(Get(token, ticket_a_.name(), &ticket).ok());
    EXPECT_EQ(ticket.contact_phone(), "138****1234");
    EXPECT_EQ(ticket.contact_name(), "张*");
    EXPECT_EQ(ticket.household(), "3-*-****");
    EXPECT_EQ(ticket.location().room(), "****");
    EXPECT_EQ(ticket.description(), ticket_a_.description());

    v1::ListTicketsResponse list;
    ASSERT_TRUE(Call(token, &S::ListTickets, ListOf("c1"), &list).ok());
    ASSERT_EQ(list.tickets_size(), 2);
    for (const v1::Ticket& listed : list.tickets()) {
      EXPECT_EQ(listed.contact_phone(), "138****1234") << listed.name();
      EXPECT_EQ(listed.contact_name(), "张*") << listed.name();
    }
  }
  // A quality callback's reply is masked too.
  const std::string staff = gate_.Staff({"c1"});
  v1::Ticket t = ticket_a_;
  ASSERT_TRUE(
      Call(staff, &S::RespondTicket, On<v1::RespondTicketRequest>(t, "m-1"), &t)
          .ok());
  auto resolve = On<v1::ResolveTicketRequest>(t, "m-2");
  resolve.set_resolution("Replaced the seal");
  ASSERT_TRUE(Call(staff, &S::ResolveTicket, resolve, &t).ok());
  auto callback = On<v1::RecordTicketCallbackRequest>(t, "m-3", "qa-zhou");
  callback.set_satisfied(true);
  callback.set_rating(5);
  const grpc::Status called =
      Call(gate_.Quality(), &S::RecordTicketCallback, callback, &t);
  ASSERT_TRUE(called.ok()) << called.error_message();
  EXPECT_EQ(t.contact_phone(), "138****1234");
}

TEST_F(TicketSecurityTest, StaffManagersAndPiiScopedSystemsSeeContactsInFull) {
  for (const std::string& token :
       {gate_.Staff({"c1"}), gate_.Manager(),
        gate_.System({"tickets.read", "pii.read"})}) {
    v1::Ticket ticket;
    ASSERT_TRUE(Get(token, ticket_a_.name(), &ticket).ok());
    EXPECT_EQ(ticket.contact_phone(), kPhone);
    EXPECT_EQ(ticket.contact_name(), kName);
    EXPECT_EQ(ticket.household(), kHouseholdA);
    EXPECT_EQ(ticket.location().room(), "1201");
  }
}

TEST_F(TicketSecurityTest, CallersWhoSeeContactsFindTicketsByPhone) {
  v1::CreateTicketRequest other = Report("seed-other", "c1", kHouseholdB);
  other.mutable_ticket()->set_contact_phone("+86 139 0000 1111");
  const v1::Ticket other_phone = Seed(other);
  gate_.audit().Clear();

  // Separators and a leading + do not matter; only that number's tickets
  // of the caller's community come back.
  for (const std::string& token :
       {gate_.Staff({"c1"}), gate_.System({"tickets.read", "pii.read"})}) {
    auto find = [&](const std::string& phone) {
      v1::ListTicketsRequest by_phone = ListOf("c1");
      by_phone.set_contact_phone(phone);
      v1::ListTicketsResponse list;
      EXPECT_TRUE(Call(token, &S::ListTickets, by_phone, &list).ok()) << phone;
      return Names(list);
    };
    EXPECT_THAT(find("138-1234-1234"),
                ElementsAre(ticket_b_.name(), ticket_a_.name()));
    EXPECT_THAT(find("139-0000-1111"), ElementsAre(other_phone.name()));
    EXPECT_THAT(find("13900009999"), IsEmpty());
  }

  // A page token carries its number: reusing it for another is refused.
  v1::ListTicketsRequest first = ListOf("c1", 1);
  first.set_contact_phone(kPhone);
  v1::ListTicketsResponse page;
  const std::string staff = gate_.Staff({"c1"});
  ASSERT_TRUE(Call(staff, &S::ListTickets, first, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  first.set_page_token(page.next_page_token());
  first.set_contact_phone("13900001111");
  EXPECT_EQ(Call(staff, &S::ListTickets, first, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Masked callers cannot test which numbers have tickets.
  for (const std::string& token :
       {gate_.Quality(), gate_.System({"tickets.read"})}) {
    v1::ListTicketsRequest by_phone = ListOf("c1");
    by_phone.set_contact_phone(kPhone);
    v1::ListTicketsResponse list;
    const grpc::Status s = Call(token, &S::ListTickets, by_phone, &list);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(s.error_message(), HasSubstr("contact_phone"));
    EXPECT_EQ(list.tickets_size(), 0);
  }

  // Not a phone number: INVALID_ARGUMENT naming the field.
  for (const char* bad : {"138", "138x12341234", "-----", "1234567890123456789012"}) {
    v1::ListTicketsRequest by_phone = ListOf("c1");
    by_phone.set_contact_phone(bad);
    v1::ListTicketsResponse list;
    const grpc::Status s =
        Call(gate_.Staff({"c1"}), &S::ListTickets, by_phone, &list);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(ViolatedFields(s), ElementsAre("contact_phone")) << bad;
  }
}

// ---------------------------------------------------------------------------
// System clients and the event feed

TEST_F(TicketSecurityTest, SystemClientsNeedTheWriteScopeToWork) {
  v1::Ticket out;
  const grpc::Status read_only =
      Call(gate_.System({"tickets.read"}), &S::CloseTicket,
           On<v1::CloseTicketRequest>(ticket_a_, "sys-1"), &out);
  EXPECT_EQ(read_only.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(read_only.error_message(), HasSubstr("tickets.write"));
  const db::AuditRow row = OnlyNewAuditRow();
  EXPECT_EQ(row.method, "steward.tickets.v1.TicketService/CloseTicket");
  EXPECT_EQ(row.principal, "system:crm");
  EXPECT_EQ(row.role, "system");
  EXPECT_FALSE(row.allowed);
  EXPECT_EQ(row.status_code, 7);

  // With the scope the call reaches the state rules.
  EXPECT_EQ(Call(gate_.System({"tickets.write"}), &S::CloseTicket,
                 On<v1::CloseTicketRequest>(ticket_a_, "sys-2"), &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ExpectAuditRow("CloseTicket", "system:crm", true,
                 grpc::StatusCode::FAILED_PRECONDITION);
  // A scope of another service does not carry over.
  v1::Ticket ticket;
  EXPECT_EQ(
      Get(gate_.System({"kpi.read"}), ticket_a_.name(), &ticket).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TicketSecurityTest, TheEventFeedIsForCompanyWideSystemClients) {
  v1::ListTicketEventsRequest request;
  v1::ListTicketEventsResponse events;
  const grpc::Status listed = Call(gate_.System({"tickets.read"}),
                                   &S::ListTicketEvents, request, &events);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(events.events_size(), 3);  // one "created" per seeded ticket
  EXPECT_EQ(events.events(2).ticket(), ticket_c2_.name());

  for (const std::string& token :
       {gate_.System({"tickets.read"}, {"c1"}), gate_.Manager(),
        gate_.Quality(), gate_.Owner({HouseholdRef("c1", kHouseholdA)}),
        gate_.System({"tickets.write"})}) {
    v1::ListTicketEventsResponse none;
    EXPECT_EQ(Call(token, &S::ListTicketEvents, request, &none).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(none.events_size(), 0);
    // Refused before the stream is touched (hence no writer).
    CallContext context(token);
    v1::WatchTicketEventsRequest watch;
    EXPECT_EQ(
        service_.WatchTicketEvents(context.get(), &watch, nullptr).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  CallContext anonymous;
  v1::WatchTicketEventsRequest watch;
  EXPECT_EQ(
      service_.WatchTicketEvents(anonymous.get(), &watch, nullptr).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(gate_.audit().rows(), IsEmpty());
}

TEST_F(TicketSecurityTest, AConsumerCanStartAtTheEndOfTheFeed) {
  const std::string reader = gate_.System({"tickets.read"});
  v1::ListTicketEventsRequest tail;
  tail.set_start_at_end(true);
  tail.set_page_size(10);
  v1::ListTicketEventsResponse at_end;
  ASSERT_TRUE(Call(reader, &S::ListTicketEvents, tail, &at_end).ok());
  EXPECT_EQ(at_end.events_size(), 0);
  EXPECT_EQ(at_end.next_cursor(), "3");  // the third seeded "created"

  // What follows the tail is what happens next, and nothing before it.
  v1::ListTicketEventsRequest next;
  next.set_after_cursor(at_end.next_cursor());
  v1::ListTicketEventsResponse none;
  ASSERT_TRUE(Call(reader, &S::ListTicketEvents, next, &none).ok());
  EXPECT_EQ(none.events_size(), 0);
  const v1::Ticket later = Seed(Report("after-tail", "c1", kHouseholdA));
  v1::ListTicketEventsResponse one;
  ASSERT_TRUE(Call(reader, &S::ListTicketEvents, next, &one).ok());
  ASSERT_EQ(one.events_size(), 1);
  EXPECT_EQ(one.events(0).ticket(), later.name());

  // A cursor and start_at_end contradict each other; the field is named.
  tail.set_after_cursor("1");
  const grpc::Status both = Call(reader, &S::ListTicketEvents, tail, &none);
  EXPECT_EQ(both.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(both), Fields{"start_at_end"});
  CallContext context(reader);
  v1::WatchTicketEventsRequest watch;
  watch.set_after_cursor("1");
  watch.set_start_at_end(true);
  const grpc::Status watched =
      service_.WatchTicketEvents(context.get(), &watch, nullptr);
  EXPECT_EQ(watched.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(watched), Fields{"start_at_end"});
}

// ---------------------------------------------------------------------------
// Page tokens

TEST_F(TicketSecurityTest, APageTokenIsForTheCallerItWasIssuedTo) {
  const std::string first_caller = gate_.Staff({"c1"}, "s-1");
  const v1::ListTicketsRequest request = ListOf("c1", 1);
  v1::ListTicketsResponse page;
  ASSERT_TRUE(Call(first_caller, &S::ListTickets, request, &page).ok());
  ASSERT_THAT(page.next_page_token(), Not(IsEmpty()));
  v1::ListTicketsRequest next = request;
  next.set_page_token(page.next_page_token());

  for (const std::string& other :
       {gate_.Staff({"c1"}, "s-2"), gate_.Manager(),
        gate_.Owner({HouseholdRef("c1", kHouseholdA)}, "s-1")}) {
    v1::ListTicketsResponse response;
    const grpc::Status status = Call(other, &S::ListTickets, next, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(status), Fields{"page_token"});
    EXPECT_EQ(response.tickets_size(), 0);
  }
  // The caller it was issued to carries on (with a fresh token of theirs).
  v1::ListTicketsResponse second;
  ASSERT_TRUE(
      Call(gate_.Staff({"c1"}, "s-1"), &S::ListTickets, next, &second).ok());
  EXPECT_THAT(Names(second), ElementsAre(ticket_a_.name()));
}

TEST_F(TicketSecurityTest, AnEditedOrForgedPageTokenIsRefused) {
  const std::string staff = gate_.Staff({"c1"});
  v1::ListTicketsResponse page;
  ASSERT_TRUE(Call(staff, &S::ListTickets, ListOf("c1", 1), &page).ok());
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(page.next_page_token(), &bytes));
  common::v1::PageCursor cursor;
  ASSERT_TRUE(cursor.ParseFromString(bytes));
  ASSERT_EQ(cursor.after_id(), 2);

  // Moving the cursor (to skip or revisit rows) breaks the MAC...
  common::v1::PageCursor edited = cursor;
  edited.set_after_id(1000);
  // ...as does a token made from scratch for the same query.
  common::v1::PageCursor forged;
  forged.set_after_id(2);
  forged.set_filter_fingerprint(cursor.filter_fingerprint());
  forged.set_mac(std::string(cursor.mac().size(), 'x'));
  std::string flipped = page.next_page_token();
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == 'A' ? 'B' : 'A';

  std::vector<std::string> tokens = {flipped};
  for (const common::v1::PageCursor& c : {edited, forged}) {
    std::string token;
    absl::WebSafeBase64Escape(c.SerializeAsString(), &token);
    tokens.push_back(token);
  }
  for (const std::string& token : tokens) {
    v1::ListTicketsRequest next = ListOf("c1", 1);
    next.set_page_token(token);
    v1::ListTicketsResponse response;
    const grpc::Status status = Call(staff, &S::ListTickets, next, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << token;
    EXPECT_EQ(ViolatedFields(status), Fields{"page_token"}) << token;
    EXPECT_EQ(response.tickets_size(), 0);
  }
}

}  // namespace
}  // namespace steward::tickets
