// The role matrix: every RPC of every service, called as every kind of
// caller against the real binaries, checked against the access table
// (common/auth/access_table.h) — and every write call, allowed or denied,
// leaves exactly one audit row in its service's trail.
//
// The services come from the descriptor pool: every steward.* service whose
// proto is linked into this test, and a check that every proto under
// protos/steward declaring a service is linked. Each RPC needs a case below
// (a valid request on real resources of community x, household A): a new
// RPC or service fails the matrix until it gets one, and is denied until the
// table lists it.
//
// Admitted callers in the resource's tenancy must get OK (or the named
// outcome where OK cannot be); staff of another community and the owner of
// another household get PERMISSION_DENIED, the same answer as for a
// resource that does not exist. The data-level tenancy of lists and page
// tokens is in tenancy_test.cc and services_tenancy_test.cc.
//
// The matrix runs on a private MariaDB: it replaces the holiday table and
// saves SLA rows and calendars, which other suites must not see.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/access_table.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor_database.h"
#include "steward/common/v1/audit.grpc.pb.h"
#include "steward/communication/v1/communication.grpc.pb.h"
#include "steward/kpi/v1/kpi.grpc.pb.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "steward/training/v1/training.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;
namespace tk = tickets::v1;

constexpr char kParentX[] = "communities/x";
constexpr char kHouseholdA[] = "1-1-101";
constexpr char kMissingId[] = "999999999";

// What a method's tenancy check compares the caller with.
enum class Reach {
  kCompany,    // company-wide: only the table decides
  kCommunity,  // the addressed community (owners: one of their households')
  kHousehold,  // the addressed ticket's household (or the owner's report)
};

struct Caller {
  std::string label;
  std::optional<auth::Role> role;  // nullopt: anonymous
  std::string token;
  std::string principal;  // as audit rows name it
  // Admitted by the table but outside the seeded resources' tenancy.
  bool other_community = false;  // staff of y
  bool other_household = false;  // owner of B (same community)
};

// One call of one RPC as one caller.
struct Request {
  std::unique_ptr<Message> message;
  // The same call naming a resource of community x that does not exist;
  // null when the call names no single resource.
  std::unique_ptr<Message> missing;
  // An OK answer's bytes must hold `shows` and must not hold `hides`.
  std::string shows, hides;
};

struct Case {
  Reach reach;
  // Builds the request for `caller`; `admitted`: the table lets them call.
  std::function<Request(const Caller& caller, bool admitted)> build;
  // Where OK is impossible for an admitted caller in tenancy: what they get
  // instead, and why.
  grpc::StatusCode instead = grpc::StatusCode::OK;
  std::string why;
};

template <typename M>
std::unique_ptr<Message> Own(M message) {
  return std::make_unique<M>(std::move(message));
}

std::unique_ptr<grpc::ClientContext> Context(
    absl::Duration timeout = absl::Seconds(10)) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return c;
}

// The request_id a request carries (at the top or in its mutation header).
std::string RequestIdOf(const Message& m) {
  const auto* d = m.GetDescriptor();
  if (const FieldDescriptor* f = d->FindFieldByName("request_id")) {
    return m.GetReflection()->GetString(m, f);
  }
  if (const FieldDescriptor* f = d->FindFieldByName("header")) {
    return RequestIdOf(m.GetReflection()->GetMessage(m, f));
  }
  return "";
}

// Every steward.* service whose proto is linked into this binary.
std::vector<const ServiceDescriptor*> LinkedServices(
    std::set<std::string>* files_with_services) {
  // Referencing each package makes sure its generated code is linked in.
  (void)communication::v1::Notice::descriptor();
  (void)training::v1::TrainingPlan::descriptor();
  (void)kpi::v1::Scorecard::descriptor();
  (void)tk::Ticket::descriptor();
  (void)common::v1::AuditRecord::descriptor();
  std::vector<std::string> files;
  EXPECT_TRUE(
      DescriptorPool::internal_generated_database()->FindAllFileNames(&files));
  std::vector<const ServiceDescriptor*> services;
  for (const std::string& name : files) {
    if (!absl::StartsWith(name, "steward/")) continue;
    const auto* file = DescriptorPool::generated_pool()->FindFileByName(name);
    if (file == nullptr) continue;
    for (int i = 0; i < file->service_count(); ++i) {
      services.push_back(file->service(i));
      files_with_services->insert(name);
    }
  }
  return services;
}

// Proto files under protos/steward that declare a service, relative to
// protos/ ("steward/tickets/v1/tickets.proto"). The bench echo is no
// service's API (no binary serves it under the gate).
std::set<std::string> ProtoFilesWithServices(const std::string& source_dir) {
  std::set<std::string> out;
  const std::filesystem::path root = source_dir + "/protos";
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root / "steward")) {
    if (entry.path().extension() != ".proto") continue;
    const std::string relative =
        std::filesystem::relative(entry.path(), root).string();
    if (absl::StartsWith(relative, "steward/bench/")) continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    if (absl::StrContains(absl::StrCat("\n", text.str()), "\nservice ")) {
      out.insert(relative);
    }
  }
  return out;
}

// "steward.tickets.v1" → "tickets"; "" for the shared common package.
std::string BinaryOf(const ServiceDescriptor& service) {
  const std::string& package = service.file()->package();
  std::vector<std::string> parts = absl::StrSplit(package, '.');
  if (parts.size() != 3 || parts[0] != "steward") return "?";
  return parts[1] == "common" ? "" : parts[1];
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TestEnv base;
    if (!LoadTestEnv(&base)) return;
    db_ = new ScratchMariaDb(base);
    ASSERT_TRUE(db_->Start()) << "private MariaDB did not start";
    env_ = new TestEnv(db_->env());
    services_ = new std::map<std::string, ServiceUnderTest>();
    for (const char* binary : {"tickets", "communication", "training", "kpi"}) {
      // A generous rate limit: the matrix makes hundreds of calls.
      services_->emplace(binary, StartService(*env_, binary, db_->port(),
                                              {"--rate_limit_per_second=100000",
                                               "--rate_limit_burst=100000"}));
    }
    for (auto& [name, s] : *services_) {
      ASSERT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(60)))
          << name << " did not start; see " << s.process->log_path();
    }
  }

  static void TearDownTestSuite() {
    delete services_;  // stops the binaries before their database
    services_ = nullptr;
    delete env_;
    env_ = nullptr;
    delete db_;
    db_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(services_, nullptr);
    ASSERT_EQ(services_->size(), 4u);
    auto token = [&](std::string sub, auth::Role role,
                     std::vector<std::string> communities,
                     std::vector<std::string> households = {},
                     std::vector<std::string> scopes = {}) {
      return TokenFor(*env_, std::move(sub), role, std::move(communities),
                      std::move(households), std::move(scopes));
    };
    callers_ = {
        {"anonymous", std::nullopt, "", "anonymous"},
        {"owner of household A", auth::Role::kOwner,
         token("owner-a", auth::Role::kOwner, {},
               {absl::StrCat(kParentX, "/households/", kHouseholdA)}),
         "owner:owner-a"},
        {"owner of household B", auth::Role::kOwner,
         token("owner-b", auth::Role::kOwner, {},
               {absl::StrCat(kParentX, "/households/1-1-102")}),
         "owner:owner-b", false, true},
        {"staff of community x", auth::Role::kStaff,
         token("staff-x", auth::Role::kStaff, {"x"}), "staff:staff-x"},
        {"staff of community y", auth::Role::kStaff,
         token("staff-y", auth::Role::kStaff, {"y"}), "staff:staff-y", true},
        {"manager", auth::Role::kManager,
         token("manager", auth::Role::kManager, {"*"}), "manager:manager"},
        {"quality department", auth::Role::kQuality,
         token("quality", auth::Role::kQuality, {"*"}), "quality:quality"},
        {"system client", auth::Role::kSystem,
         token("crm", auth::Role::kSystem, {"*"}, {},
               {"tickets.read", "tickets.write", "communication.read",
                "communication.write", "training.read", "training.write",
                "kpi.read", "kpi.write"}),
         "system:crm"},
    };
    quality_token_ = callers_[6].token;
    // Seeds as a manager of its own, whose audit rows no check counts.
    driver_ = token("seeder", auth::Role::kManager, {"*"});
    run_ = absl::StrCat("m", absl::ToUnixMicros(absl::Now()));
  }

  const ServiceUnderTest& Binary(const std::string& name) {
    return services_->at(name);
  }

  std::string NextId() { return absl::StrCat(run_, "-", serial_++); }

  // Audit rows of `principal` calling `method` in `binary`'s trail, newest
  // first.
  std::vector<common::v1::AuditRecord> AuditRows(const ServiceUnderTest& binary,
                                                 const std::string& method,
                                                 const std::string& principal) {
    auto stub =
        common::v1::AuditService::NewStub(binary.ChannelAs(quality_token_));
    std::vector<common::v1::AuditRecord> rows;
    std::string page_token;
    do {
      common::v1::ListAuditRecordsRequest request;
      request.set_method(method);
      request.set_principal(principal);
      request.set_page_size(500);
      request.set_page_token(page_token);
      common::v1::ListAuditRecordsResponse response;
      grpc::Status status =
          stub->ListAuditRecords(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      rows.insert(rows.end(), response.records().begin(),
                  response.records().end());
      page_token = response.next_page_token();
    } while (!page_token.empty());
    return rows;
  }

  // After one write call: exactly one new row in `binary`'s trail for the
  // caller and method, recording the answer the caller got.
  void ExpectOneAuditRow(const ServiceUnderTest& binary,
                         const std::string& method, const Caller& caller,
                         const Message& request, const grpc::Status& status,
                         size_t before, const std::string& where) {
    const std::vector<common::v1::AuditRecord> rows =
        AuditRows(binary, method, caller.principal);
    ASSERT_EQ(rows.size(), before + 1) << "exactly one audit row for " << where;
    const common::v1::AuditRecord& row = rows.front();  // newest
    EXPECT_EQ(row.status_code(), static_cast<int>(status.error_code()))
        << where;
    const bool refused =
        !caller.role.has_value() ||
        status.error_code() == grpc::StatusCode::PERMISSION_DENIED;
    EXPECT_EQ(row.decision(), refused ? common::v1::AuditRecord::DENIED
                                      : common::v1::AuditRecord::ALLOWED)
        << where;
    EXPECT_EQ(row.request_id(), RequestIdOf(request)) << where;
    EXPECT_EQ(row.role(), caller.role.has_value()
                              ? std::string(auth::RoleName(*caller.role))
                              : "")
        << where;
  }

  // Calls `method` on `binary` as `token`; the answer's bytes go to `out`.
  grpc::Status Call(const ServiceUnderTest& binary, const std::string& token,
                    const MethodDescriptor& method, const Message& request,
                    std::string* out) {
    if (method.server_streaming()) {
      // The only streaming RPC (checked by the matrix): it opens for
      // admitted callers, sends the backlog and ends at the deadline;
      // refusals come first.
      auto context = Context(absl::Milliseconds(1500));
      auto stub = tk::TicketService::NewStub(binary.ChannelAs(token));
      tk::WatchTicketEventsRequest watch;
      watch.CopyFrom(request);
      auto reader = stub->WatchTicketEvents(context.get(), watch);
      tk::TicketEvent event;
      while (reader->Read(&event)) out->append(event.SerializeAsString());
      return reader->Finish();
    }
    auto context = Context();
    grpc::GenericStub stub(binary.ChannelAs(token));
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer in(&slice, 1), answer;
    std::promise<grpc::Status> done;
    stub.UnaryCall(
        context.get(),
        absl::StrCat("/", method.service()->full_name(), "/", method.name()),
        grpc::StubOptions(), &in, &answer,
        [&](grpc::Status s) { done.set_value(std::move(s)); });
    grpc::Status status = done.get_future().get();
    std::vector<grpc::Slice> slices;
    if (status.ok() && answer.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        out->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
    return status;
  }

  // --- Seeding, as the driver -------------------------------------------

  std::unique_ptr<tk::TicketService::Stub> Tickets(const std::string& token) {
    return tk::TicketService::NewStub(Binary("tickets").ChannelAs(token));
  }

  tk::CreateTicketRequest ReportRequest() {
    tk::CreateTicketRequest create;
    create.set_parent(kParentX);
    create.set_request_id(NextId());
    tk::Ticket* t = create.mutable_ticket();
    t->set_kind(tk::TICKET_KIND_HOUSEHOLD_REPAIR);
    t->set_priority(tk::PRIORITY_ROUTINE);
    t->set_channel(tk::CHANNEL_APP);
    t->set_line(common::v1::LINE_ENGINEERING);
    t->mutable_location()->set_building("1");
    t->mutable_location()->set_unit("1");
    t->mutable_location()->set_room("101");
    t->set_household(kHouseholdA);
    t->set_contact_name("王小明");
    t->set_contact_phone("13912345678");
    t->set_description("Bathroom ceiling drips");
    return create;
  }

  template <typename R>
  R On(const tk::Ticket& t) {
    R r;
    r.mutable_header()->set_name(t.name());
    r.mutable_header()->set_etag(t.etag());
    r.mutable_header()->set_request_id(NextId());
    return r;
  }

  template <typename R>
  tk::Ticket Drive(grpc::Status (tk::TicketService::Stub::*rpc)(
                       grpc::ClientContext*, const R&, tk::Ticket*),
                   const R& request) {
    tk::Ticket out;
    const grpc::Status s =
        ((*Tickets(driver_)).*rpc)(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << "seeding: " << s.error_code() << " "
                        << s.error_message();
    return out;
  }

  // A fresh ticket of household A in `state`.
  tk::Ticket Seed(tk::TicketState state) {
    using S = tk::TicketService::Stub;
    tk::Ticket t = Drive(&S::CreateTicket, ReportRequest());
    if (state == tk::TICKET_STATE_REGISTERED) return t;
    if (state == tk::TICKET_STATE_ASSIGNED) {
      auto assign = On<tk::AssignTicketRequest>(t);
      assign.set_assignee("fitter-wang");
      return Drive(&S::AssignTicket, assign);
    }
    t = Drive(&S::RespondTicket, On<tk::RespondTicketRequest>(t));
    if (state == tk::TICKET_STATE_RESPONDED) return t;
    if (state == tk::TICKET_STATE_PAUSED) {
      auto pause = On<tk::PauseTicketRequest>(t);
      pause.set_reason(tk::PauseTicketRequest::REASON_WAITING_FOR_PARTS);
      return Drive(&S::PauseTicket, pause);
    }
    auto resolve = On<tk::ResolveTicketRequest>(t);
    resolve.set_resolution("Resealed the pipe joint");
    t = Drive(&S::ResolveTicket, resolve);
    if (state == tk::TICKET_STATE_RESOLVED) return t;
    auto callback = On<tk::RecordTicketCallbackRequest>(t);
    callback.set_satisfied(true);
    callback.set_rating(5);
    t = Drive(&S::RecordTicketCallback, callback);
    EXPECT_EQ(t.state(), state) << "Seed does not reach this state";
    return t;
  }

  // Waits until the event feed delivers the shared ticket's "created" from
  // its beginning: a feed read without a cursor holds back rows younger
  // than the settle time (services/tickets/domain/event_feed.h).
  void AwaitFeed() {
    if (feed_ready_) return;
    auto feed = Tickets(TokenFor(*env_, "seeder", auth::Role::kSystem, {"*"},
                                 {}, {"tickets.read"}));
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    while (!feed_ready_ && absl::Now() < give_up) {
      tk::ListTicketEventsRequest list;
      list.set_page_size(1000);
      tk::ListTicketEventsResponse events;
      feed_ready_ =
          feed->ListTicketEvents(Context().get(), list, &events).ok() &&
          absl::StrContains(events.SerializeAsString(), shared_.name());
      if (!feed_ready_) absl::SleepFor(absl::Milliseconds(200));
    }
    EXPECT_TRUE(feed_ready_) << "the feed never showed " << shared_.name();
  }

  void SeedWorld() {
    shared_ = Seed(tk::TICKET_STATE_REGISTERED);
    ASSERT_FALSE(shared_.name().empty());

    communication::v1::CreateNoticeRequest notice = NoticeRequest();
    communication::v1::Notice n;
    ASSERT_TRUE(communication::v1::CommunicationService::NewStub(
                    Binary("communication").ChannelAs(driver_))
                    ->CreateNotice(Context().get(), notice, &n)
                    .ok());
    notice_ = n.name();

    training::v1::TrainingPlan p;
    ASSERT_TRUE(training::v1::TrainingService::NewStub(
                    Binary("training").ChannelAs(driver_))
                    ->CreateTrainingPlan(Context().get(), PlanRequest(), &p)
                    .ok());
    plan_ = p.name();

    kpi::v1::Scorecard c;
    ASSERT_TRUE(kpi::v1::KpiService::NewStub(Binary("kpi").ChannelAs(driver_))
                    ->CreateScorecard(Context().get(), ScorecardRequest(), &c)
                    .ok());
    scorecard_ = c.name();

    tk::CreateSlaPolicyRequest policy;
    policy.set_policy_id("x-complaints");
    *policy.mutable_policy() = PolicyFor(tk::TICKET_KIND_COMPLAINT);
    const grpc::Status saved =
        Tickets(driver_)->CreateSlaPolicy(Context().get(), policy, &policy_);
    ASSERT_TRUE(saved.ok()) << saved.error_message();
  }

  communication::v1::CreateNoticeRequest NoticeRequest() {
    communication::v1::CreateNoticeRequest r;
    r.set_parent(kParentX);
    r.set_request_id(NextId());
    r.mutable_notice()->set_kind(communication::v1::NOTICE_KIND_GENERAL);
    r.mutable_notice()->set_title("Lift maintenance schedule");
    r.mutable_notice()->set_body(
        "The lifts of building 1 are serviced monthly.");
    return r;
  }

  training::v1::CreateTrainingPlanRequest PlanRequest() {
    training::v1::CreateTrainingPlanRequest r;
    r.set_parent(kParentX);
    r.set_request_id(NextId());
    training::v1::TrainingPlan* p = r.mutable_training_plan();
    p->set_kind(training::v1::TRAINING_KIND_DRILL);
    p->set_title("Fire drill");
    p->set_line(common::v1::LINE_SECURITY);
    const int64_t start = absl::ToUnixSeconds(absl::Now() + absl::Hours(48));
    p->mutable_start_time()->set_seconds(start);
    p->mutable_end_time()->set_seconds(start + 7200);
    return r;
  }

  kpi::v1::CreateScorecardRequest ScorecardRequest() {
    kpi::v1::CreateScorecardRequest r;
    r.set_parent(kParentX);
    r.set_request_id(NextId());
    r.mutable_scorecard()->set_subject_type(kpi::v1::SUBJECT_TYPE_STAFF);
    r.mutable_scorecard()->set_subject_id(NextId());  // one per subject-month
    r.mutable_scorecard()->set_period("2026-01");
    return r;
  }

  static tk::SlaPolicy PolicyFor(tk::TicketKind kind) {
    tk::SlaPolicy p;
    p.set_kind(kind);
    p.set_priority(tk::PRIORITY_ROUTINE);
    p.set_community("x");
    auto* first = p.add_targets();
    first->set_target(tk::SLA_TARGET_FIRST_RESPONSE);
    first->set_clock(tk::SlaPolicy::Target::CLOCK_NATURAL);
    first->mutable_duration()->set_seconds(3600);
    return p;
  }

  // --- The cases --------------------------------------------------------

  // A request naming `name` (a field "name" at the top) and its twin for a
  // resource that does not exist.
  template <typename M>
  Request Named(M m, const std::string& missing_name, std::string shows) {
    Request r;
    M missing = m;
    missing.set_name(missing_name);
    r.message = Own(std::move(m));
    r.missing = Own(std::move(missing));
    r.shows = std::move(shows);
    return r;
  }

  // A lifecycle mutation on a fresh ticket in `state` (admitted callers)
  // or on the shared one (refused callers: nothing changes).
  template <typename R>
  Case Mutation(tk::TicketState state, std::function<void(R&)> fill = {}) {
    return {Reach::kHousehold,
            [this, state, fill](const Caller&, bool admitted) {
              const tk::Ticket t = admitted ? Seed(state) : shared_;
              R r = On<R>(t);
              if (fill) fill(r);
              Request out;
              R missing = r;
              missing.mutable_header()->set_name(
                  absl::StrCat(kParentX, "/tickets/", kMissingId));
              out.message = Own(std::move(r));
              out.missing = Own(std::move(missing));
              out.shows = t.name();
              return out;
            }};
  }

  template <typename M>
  static Case Plain(Reach reach, std::function<M()> make) {
    return {reach, [make](const Caller&, bool) {
              Request r;
              r.message = Own(make());
              return r;
            }};
  }

  std::map<std::string, Case> Cases() {
    std::map<std::string, Case> c;
    const std::string T = "steward.tickets.v1.TicketService/";
    const std::string missing_ticket =
        absl::StrCat(kParentX, "/tickets/", kMissingId);

    c[T + "CreateTicket"] = {Reach::kHousehold, [this](const Caller&, bool) {
                               Request r;
                               r.message = Own(ReportRequest());
                               r.shows = "tickets/";
                               return r;
                             }};
    c[T + "GetTicket"] = {Reach::kHousehold, [=, this](const Caller&, bool) {
                            tk::GetTicketRequest get;
                            get.set_name(shared_.name());
                            return Named(get, missing_ticket, shared_.name());
                          }};
    c[T + "ListTickets"] = {
        Reach::kCommunity, [this](const Caller& caller, bool) {
          tk::ListTicketsRequest list;
          list.set_parent(kParentX);
          list.set_page_size(500);
          Request r;
          r.message = Own(list);
          // Owner B lists their own household's only.
          (caller.other_household ? r.hides : r.shows) = shared_.name();
          return r;
        }};
    c[T + "ListTicketTimeline"] = {Reach::kHousehold,
                                   [=, this](const Caller&, bool) {
                                     tk::ListTicketTimelineRequest get;
                                     get.set_name(shared_.name());
                                     return Named(get, missing_ticket, "");
                                   }};
    c[T + "AssignTicket"] = Mutation<tk::AssignTicketRequest>(
        tk::TICKET_STATE_REGISTERED,
        [](auto& r) { r.set_assignee("fitter-wang"); });
    c[T + "RespondTicket"] =
        Mutation<tk::RespondTicketRequest>(tk::TICKET_STATE_REGISTERED);
    c[T + "StartTicketWork"] =
        Mutation<tk::StartTicketWorkRequest>(tk::TICKET_STATE_RESPONDED);
    c[T + "PauseTicket"] = Mutation<tk::PauseTicketRequest>(
        tk::TICKET_STATE_RESPONDED, [](auto& r) {
          r.set_reason(tk::PauseTicketRequest::REASON_WAITING_FOR_OWNER);
        });
    c[T + "ResumeTicket"] =
        Mutation<tk::ResumeTicketRequest>(tk::TICKET_STATE_PAUSED);
    c[T + "AddTicketProgress"] = Mutation<tk::AddTicketProgressRequest>(
        tk::TICKET_STATE_REGISTERED,
        [](auto& r) { r.mutable_header()->set_note("Parts ordered"); });
    c[T + "ResolveTicket"] = Mutation<tk::ResolveTicketRequest>(
        tk::TICKET_STATE_RESPONDED,
        [](auto& r) { r.set_resolution("Resealed the pipe joint"); });
    c[T + "RecordTicketCallback"] = Mutation<tk::RecordTicketCallbackRequest>(
        tk::TICKET_STATE_RESOLVED, [](auto& r) {
          r.set_satisfied(true);
          r.set_rating(4);
        });
    c[T + "CloseTicket"] =
        Mutation<tk::CloseTicketRequest>(tk::TICKET_STATE_CALLED_BACK);
    c[T + "CancelTicket"] = Mutation<tk::CancelTicketRequest>(
        tk::TICKET_STATE_REGISTERED, [](auto& r) {
          r.set_reason(tk::CancelTicketRequest::REASON_WITHDRAWN);
        });
    c[T + "ReopenTicket"] = Mutation<tk::ReopenTicketRequest>(
        tk::TICKET_STATE_CALLED_BACK,
        [](auto& r) { r.mutable_header()->set_note("Dripping again"); });
    c[T + "ChangeTicketPriority"] = Mutation<tk::ChangeTicketPriorityRequest>(
        tk::TICKET_STATE_REGISTERED,
        [](auto& r) { r.set_priority(tk::PRIORITY_URGENT); });
    c[T + "GetComplaintStockTake"] =
        Plain<tk::GetComplaintStockTakeRequest>(Reach::kCommunity, [] {
          tk::GetComplaintStockTakeRequest r;
          r.set_parent(kParentX);
          // UTC's date is never after the community's (Asia/Shanghai).
          r.set_date(
              absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()));
          return r;
        });
    c[T + "ListIncidents"] =
        Plain<tk::ListIncidentsRequest>(Reach::kCommunity, [] {
          tk::ListIncidentsRequest r;
          r.set_parent(kParentX);
          return r;
        });
    c[T + "ListSlaPolicies"] = {
        Reach::kCompany, [this](const Caller& caller, bool) {
          Request r;
          r.message = Own(tk::ListSlaPoliciesRequest());
          // Community x's row is for those of x.
          (caller.other_community ? r.hides : r.shows) = policy_.name();
          return r;
        }};
    c[T + "CreateSlaPolicy"] = {
        Reach::kCommunity, [this](const Caller&, bool) {
          tk::CreateSlaPolicyRequest create;
          create.set_policy_id(absl::StrCat("x-inquiries-", serial_++));
          *create.mutable_policy() = PolicyFor(tk::TICKET_KIND_INQUIRY);
          Request r;
          r.shows = create.policy_id();
          r.message = Own(std::move(create));
          return r;
        }};
    c[T + "UpdateSlaPolicy"] = {Reach::kCommunity, [this](const Caller&, bool) {
                                  // The row as read, a longer first response.
                                  tk::UpdateSlaPolicyRequest update;
                                  *update.mutable_policy() = policy_;
                                  update.mutable_policy()
                                      ->mutable_targets(0)
                                      ->mutable_duration()
                                      ->set_seconds(7200);
                                  Request r;
                                  r.message = Own(std::move(update));
                                  r.shows = policy_.name();
                                  return r;
                                }};
    c[T + "GetBusinessCalendar"] =
        Plain<tk::GetBusinessCalendarRequest>(Reach::kCommunity, [] {
          tk::GetBusinessCalendarRequest r;
          r.set_name(absl::StrCat(kParentX, "/businessCalendar"));
          return r;
        });
    c[T + "UpdateBusinessCalendar"] =
        Plain<tk::UpdateBusinessCalendarRequest>(Reach::kCommunity, [] {
          tk::UpdateBusinessCalendarRequest r;
          tk::BusinessCalendar* cal = r.mutable_calendar();
          cal->set_name(absl::StrCat(kParentX, "/businessCalendar"));
          cal->set_time_zone("Asia/Shanghai");
          for (int day = 0; day < 7; ++day) {
            auto* hours = cal->add_weekly_hours();
            if (day >= 6) continue;  // Sundays closed
            auto* open = hours->add_intervals();
            open->set_open("08:30");
            open->set_close("17:30");
          }
          return r;
        });
    c[T + "GetHolidayTable"] = Plain<tk::GetHolidayTableRequest>(
        Reach::kCompany, [] { return tk::GetHolidayTableRequest(); });
    c[T + "ReplaceHolidayTable"] =
        Plain<tk::ReplaceHolidayTableRequest>(Reach::kCompany, [this] {
          // The table shipped with the service: valid, and in force already.
          std::ifstream in(env_->source_dir +
                           "/data/calendars/cn-statutory.txt");
          std::stringstream text;
          text << in.rdbuf();
          tk::ReplaceHolidayTableRequest r;
          r.set_content(text.str());
          EXPECT_FALSE(r.content().empty());
          return r;
        });
    c[T + "ListTicketEvents"] = {Reach::kCompany, [this](const Caller&, bool) {
                                   AwaitFeed();
                                   tk::ListTicketEventsRequest list;
                                   list.set_page_size(1000);
                                   Request r;
                                   r.message = Own(list);
                                   r.shows = shared_.name();  // its "created"
                                   return r;
                                 }};
    c[T + "WatchTicketEvents"] = {
        Reach::kCompany,
        [this](const Caller&, bool) {
          AwaitFeed();
          Request r;
          r.message = Own(tk::WatchTicketEventsRequest());
          r.shows = shared_.name();  // the backlog came through
          return r;
        },
        grpc::StatusCode::DEADLINE_EXCEEDED,
        "a watch ends only when its caller stops it: here the deadline"};

    const std::string C = "steward.communication.v1.CommunicationService/";
    c[C + "CreateNotice"] = {Reach::kCommunity, [this](const Caller&, bool) {
                               Request r;
                               r.message = Own(NoticeRequest());
                               r.shows = "notices/";
                               return r;
                             }};
    c[C + "GetNotice"] = {
        Reach::kCommunity, [this](const Caller&, bool) {
          communication::v1::GetNoticeRequest get;
          get.set_name(notice_);
          return Named(get, absl::StrCat(kParentX, "/notices/", kMissingId),
                       notice_);
        }};
    c[C + "ListNotices"] = {Reach::kCommunity, [this](const Caller&, bool) {
                              communication::v1::ListNoticesRequest list;
                              list.set_parent(kParentX);
                              Request r;
                              r.message = Own(list);
                              r.shows = notice_;
                              return r;
                            }};

    const std::string P = "steward.training.v1.TrainingService/";
    c[P + "CreateTrainingPlan"] = {Reach::kCommunity,
                                   [this](const Caller&, bool) {
                                     Request r;
                                     r.message = Own(PlanRequest());
                                     r.shows = "trainingPlans/";
                                     return r;
                                   }};
    c[P + "GetTrainingPlan"] = {
        Reach::kCommunity, [this](const Caller&, bool) {
          training::v1::GetTrainingPlanRequest get;
          get.set_name(plan_);
          return Named(get,
                       absl::StrCat(kParentX, "/trainingPlans/", kMissingId),
                       plan_);
        }};
    c[P + "ListTrainingPlans"] = {Reach::kCommunity,
                                  [this](const Caller&, bool) {
                                    training::v1::ListTrainingPlansRequest list;
                                    list.set_parent(kParentX);
                                    Request r;
                                    r.message = Own(list);
                                    r.shows = plan_;
                                    return r;
                                  }};

    const std::string K = "steward.kpi.v1.KpiService/";
    c[K + "CreateScorecard"] = {Reach::kCommunity, [this](const Caller&, bool) {
                                  Request r;
                                  r.message = Own(ScorecardRequest());
                                  r.shows = "scorecards/";
                                  return r;
                                }};
    c[K + "GetScorecard"] = {
        Reach::kCommunity, [this](const Caller&, bool) {
          kpi::v1::GetScorecardRequest get;
          get.set_name(scorecard_);
          return Named(get, absl::StrCat(kParentX, "/scorecards/", kMissingId),
                       scorecard_);
        }};
    c[K + "ListScorecards"] = {Reach::kCommunity, [this](const Caller&, bool) {
                                 kpi::v1::ListScorecardsRequest list;
                                 list.set_parent(kParentX);
                                 Request r;
                                 r.message = Own(list);
                                 r.shows = scorecard_;
                                 return r;
                               }};

    c["steward.common.v1.AuditService/ListAuditRecords"] = {
        Reach::kCompany, [this](const Caller&, bool) {
          common::v1::ListAuditRecordsRequest list;
          list.set_principal("manager:seeder");  // every binary has its rows
          list.set_page_size(10);
          Request r;
          r.message = Own(list);
          r.shows = "manager:seeder";
          return r;
        }};
    return c;
  }

  static ScratchMariaDb* db_;
  static TestEnv* env_;
  static std::map<std::string, ServiceUnderTest>* services_;
  std::vector<Caller> callers_;
  std::string quality_token_, driver_, run_;
  int serial_ = 0;
  tk::Ticket shared_;  // household A's, REGISTERED; never changed
  bool feed_ready_ = false;
  tk::SlaPolicy policy_;
  std::string notice_, plan_, scorecard_;
};

ScratchMariaDb* AccessMatrixTest::db_ = nullptr;
TestEnv* AccessMatrixTest::env_ = nullptr;
std::map<std::string, ServiceUnderTest>* AccessMatrixTest::services_ = nullptr;

TEST_F(AccessMatrixTest, EveryRpcOfEveryServiceAnswersEveryRoleAsTheTableSays) {
  // Which services: the descriptor pool's, every proto with a service linked.
  std::set<std::string> linked_files;
  const std::vector<const ServiceDescriptor*> services =
      LinkedServices(&linked_files);
  for (const std::string& file : ProtoFilesWithServices(env_->source_dir)) {
    EXPECT_TRUE(linked_files.count(file))
        << file << " declares a service the matrix does not know: link its "
        << "proto library into access_matrix_test";
  }
  std::set<std::string> binaries;
  for (const ServiceDescriptor* s : services) {
    if (!BinaryOf(*s).empty()) binaries.insert(BinaryOf(*s));
  }
  for (const std::string& b : binaries) {
    EXPECT_TRUE(services_->count(b))
        << "no steward-" << b << " started for the matrix";
  }

  ASSERT_NO_FATAL_FAILURE(SeedWorld());
  std::map<std::string, Case> cases = Cases();
  int calls = 0, writes = 0, successes = 0, cross = 0;
  std::set<std::string> covered;
  for (const ServiceDescriptor* service : services) {
    // The shared AuditService is served by every binary over its own trail.
    std::vector<std::string> on = {BinaryOf(*service)};
    if (on[0].empty()) on.assign(binaries.begin(), binaries.end());
    for (const std::string& binary_name : on) {
      if (!services_->count(binary_name)) continue;
      const ServiceUnderTest& binary = Binary(binary_name);
      for (int m = 0; m < service->method_count(); ++m) {
        const MethodDescriptor& method = *service->method(m);
        const std::string full =
            absl::StrCat(service->full_name(), "/", method.name());
        covered.insert(full);
        if (method.client_streaming() ||
            (method.server_streaming() &&
             full != "steward.tickets.v1.TicketService/WatchTicketEvents")) {
          ADD_FAILURE() << full << ": a streaming RPC the matrix cannot call "
                        << "yet; teach AccessMatrixTest::Call to";
          continue;
        }
        const auth::MethodRule* rule = auth::FindRule(full);
        EXPECT_NE(rule, nullptr) << full << " is missing from the access table";
        auto found = cases.find(full);
        if (found == cases.end()) {
          ADD_FAILURE() << full << " has no case: add a valid request for it "
                        << "to AccessMatrixTest::Cases";
          continue;
        }
        const Case& the_case = found->second;
        const bool write =
            rule == nullptr || rule->access == auth::Access::kWrite;
        for (const Caller& caller : callers_) {
          const bool admitted = caller.role.has_value() && rule != nullptr &&
                                auth::Contains(rule->roles, *caller.role);
          const bool outside =
              (caller.other_community && the_case.reach != Reach::kCompany) ||
              (caller.other_household && the_case.reach == Reach::kHousehold);
          Request request = the_case.build(caller, admitted);
          const size_t before =
              write ? AuditRows(binary, full, caller.principal).size() : 0;
          std::string answer;
          const grpc::Status status =
              Call(binary, caller.token, method, *request.message, &answer);
          ++calls;
          const std::string where = absl::StrCat(
              full, " as ", caller.label, " on ", binary_name, ": ",
              status.error_code(), " ", status.error_message());
          grpc::StatusCode want = grpc::StatusCode::OK;
          if (!caller.role.has_value()) {
            want = grpc::StatusCode::UNAUTHENTICATED;
          } else if (!admitted) {
            want = grpc::StatusCode::PERMISSION_DENIED;
            EXPECT_TRUE(
                absl::StrContains(status.error_message(), "may not call"))
                << where;
          } else if (outside) {
            // A real resource of x / household A: the same answer as for
            // one that does not exist.
            want = grpc::StatusCode::PERMISSION_DENIED;
            ++cross;
          } else {
            want = the_case.instead;
          }
          EXPECT_EQ(status.error_code(), want)
              << where
              << (want == the_case.instead && want != grpc::StatusCode::OK
                      ? " (expected because " + the_case.why + ")"
                      : "");
          if (admitted && !outside && status.error_code() == want) {
            ++successes;
            if (!request.shows.empty()) {
              EXPECT_TRUE(absl::StrContains(answer, request.shows))
                  << where << ": the answer lacks " << request.shows;
            }
            if (!request.hides.empty()) {
              EXPECT_FALSE(absl::StrContains(answer, request.hides))
                  << where << ": the answer shows " << request.hides;
            }
          }
          if (write) {
            ++writes;
            ExpectOneAuditRow(binary, full, caller, *request.message, status,
                              before, where);
          }
          if (outside && request.missing != nullptr) {
            std::string ignored;
            const grpc::Status missing =
                Call(binary, caller.token, method, *request.missing, &ignored);
            EXPECT_EQ(missing.error_code(), status.error_code()) << where;
            EXPECT_EQ(missing.error_message(), status.error_message()) << where;
          }
        }
      }
    }
  }

  // Every rule names a method that exists, and the other way round (above).
  for (const auth::MethodRule& rule : auth::AccessRules()) {
    EXPECT_TRUE(covered.count(std::string(rule.method))) << rule.method;
  }
  // Every case is a method that exists (a renamed RPC leaves none behind).
  for (const auto& [name, unused] : cases) {
    EXPECT_TRUE(covered.count(name)) << "case for no RPC: " << name;
  }
  // Each service's methods once per caller, AuditService once per binary.
  int rules = 0, write_rules = 0;
  for (const auth::MethodRule& rule : auth::AccessRules()) {
    const bool audit = absl::StartsWith(rule.method, "steward.common.v1.");
    rules += audit ? static_cast<int>(binaries.size()) : 1;
    write_rules += rule.access == auth::Access::kWrite ? 1 : 0;
  }
  EXPECT_EQ(binaries.size(), 4u);
  EXPECT_EQ(calls, rules * static_cast<int>(callers_.size()));
  EXPECT_EQ(writes, write_rules * static_cast<int>(callers_.size()));
  RecordProperty("calls", calls);
  RecordProperty("admitted_in_tenancy", successes);
  RecordProperty("cross_tenant", cross);
  // Sanity of the matrix itself: most admitted calls succeeded, and the
  // cross-tenant branch ran.
  EXPECT_GT(successes, 100);
  EXPECT_GT(cross, 20);
}

}  // namespace
}  // namespace steward::testing
