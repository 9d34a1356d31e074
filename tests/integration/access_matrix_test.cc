// The role matrix: every RPC of every service, called as every kind of
// caller against the real binaries, checked against the access table
// (common/auth/access_table.h) — and every write call, allowed or denied,
// leaves exactly one audit row in its service's trail.
//
// The matrix is generated: methods come from the services' descriptors, so
// a new RPC is covered (and denied until the table lists it) without
// editing this file. Requests are built by reflection and address
// community "x"; callers that pass the table may still fail validation or
// tenancy — the matrix checks the gate's decision, the tenancy tests in
// tickets_tenancy_test.cc check the data.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/access_table.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "steward/common/v1/audit.grpc.pb.h"
#include "steward/communication/v1/communication.grpc.pb.h"
#include "steward/kpi/v1/kpi.grpc.pb.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "steward/training/v1/training.grpc.pb.h"
#include "tests/support/service_harness.h"

namespace steward::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

struct Caller {
  std::string label;
  std::optional<auth::Role> role;  // nullopt: anonymous
  std::string token;
  std::string principal;  // as audit rows name it
};

struct ServiceUnder {
  std::string binary;       // "tickets"
  std::string full_name;    // "steward.tickets.v1.TicketService"
  std::string collection;   // names in requests: communities/x/<collection>/1
};

const std::vector<ServiceUnder>& Services() {
  // Referencing each package's descriptor links its generated code in, so
  // the pool below knows every service.
  (void)communication::v1::Notice::descriptor();
  (void)training::v1::TrainingPlan::descriptor();
  (void)kpi::v1::Scorecard::descriptor();
  (void)common::v1::AuditRecord::descriptor();
  static const auto* services = new std::vector<ServiceUnder>{
      {"tickets", "steward.tickets.v1.TicketService", "tickets"},
      {"communication", "steward.communication.v1.CommunicationService", "notices"},
      {"training", "steward.training.v1.TrainingService", "trainingPlans"},
      {"kpi", "steward.kpi.v1.KpiService", "scorecards"},
  };
  return *services;
}

// Fills the fields a handler looks at first with names in community x.
void Fill(Message& message, const std::string& collection, int* serial) {
  const Descriptor* d = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_repeated()) continue;
    if (f->type() == FieldDescriptor::TYPE_MESSAGE &&
        (f->name() == "header" || f->name() == "calendar" ||
         f->name() == "policy")) {
      Fill(*reflection->MutableMessage(&message, f), collection, serial);
    } else if (f->type() == FieldDescriptor::TYPE_STRING) {
      if (f->name() == "parent") {
        reflection->SetString(&message, f, "communities/x");
      } else if (f->name() == "name") {
        reflection->SetString(&message, f,
                              absl::StrCat("communities/x/", collection, "/1"));
      } else if (f->name() == "request_id") {
        reflection->SetString(&message, f,
                              absl::StrCat("matrix-", absl::ToUnixMicros(absl::Now()),
                                           "-", (*serial)++));
      }
    }
  }
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadTestEnv(&env_));
    for (const ServiceUnder& s : Services()) {
      // A generous rate limit: the matrix makes hundreds of calls.
      services_.emplace(s.binary, StartService(env_, s.binary, env_.db_port,
                                               {"--rate_limit_per_second=100000",
                                                "--rate_limit_burst=100000"}));
    }
    for (auto& [name, s] : services_) {
      ASSERT_TRUE(WaitForHealth(s.target(), "SERVING", absl::Seconds(60)))
          << name << " did not start; see " << s.process->log_path();
    }
    // Subjects unique to this run: the audit counts below filter on them,
    // so other suites writing to the same schemas at the same time don't
    // disturb them.
    const std::string run = absl::StrCat("m", ::getpid(), "-");
    auto token = [&](std::string sub, auth::Role role,
                     std::vector<std::string> communities,
                     std::vector<std::string> households = {},
                     std::vector<std::string> scopes = {}) {
      return TokenFor(env_, run + sub, role, std::move(communities),
                      std::move(households), std::move(scopes));
    };
    callers_ = {
        {"anonymous", std::nullopt, ""},
        {"owner of household A", auth::Role::kOwner,
         token("owner-a", auth::Role::kOwner, {}, {"communities/x/households/1-1-101"})},
        {"owner of household B", auth::Role::kOwner,
         token("owner-b", auth::Role::kOwner, {}, {"communities/x/households/1-1-102"})},
        {"staff of community x", auth::Role::kStaff,
         token("staff-x", auth::Role::kStaff, {"x"})},
        {"staff of community y", auth::Role::kStaff,
         token("staff-y", auth::Role::kStaff, {"y"})},
        {"manager", auth::Role::kManager, token("manager", auth::Role::kManager, {"*"})},
        {"quality department", auth::Role::kQuality,
         token("quality", auth::Role::kQuality, {"*"})},
        {"system client", auth::Role::kSystem,
         token("crm", auth::Role::kSystem, {"*"}, {},
               {"tickets.read", "tickets.write", "communication.read",
                "communication.write", "training.read", "training.write",
                "kpi.read", "kpi.write"})},
    };
    for (Caller& c : callers_) {
      c.principal = c.role.has_value() ? "" : "anonymous";
    }
    const std::vector<std::string> subjects = {"",        "owner-a", "owner-b",
                                               "staff-x", "staff-y", "manager",
                                               "quality", "crm"};
    for (size_t i = 1; i < callers_.size(); ++i) {
      callers_[i].principal = absl::StrCat(auth::RoleName(*callers_[i].role),
                                           ":", run, subjects[i]);
    }
    quality_token_ = callers_[6].token;
  }

  // Audit rows of `principal` calling `method` in `service`'s trail.
  int AuditRows(const ServiceUnderTest& service, const std::string& method,
                const std::string& principal) {
    auto stub = common::v1::AuditService::NewStub(service.ChannelAs(quality_token_));
    int rows = 0;
    std::string page_token;
    do {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      common::v1::ListAuditRecordsRequest request;
      request.set_method(method);
      request.set_principal(principal);
      request.set_page_size(500);
      request.set_page_token(page_token);
      common::v1::ListAuditRecordsResponse response;
      grpc::Status status = stub->ListAuditRecords(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return -1;
      rows += response.records_size();
      page_token = response.next_page_token();
    } while (!page_token.empty());
    return rows;
  }

  grpc::Status Call(const ServiceUnderTest& service, const Caller& caller,
                    const MethodDescriptor& method, const Message& request) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    if (method.server_streaming()) {
      // WatchTicketEvents: the stream opens for admitted callers and ends
      // at the deadline; refusals come first.
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(700)));
      auto stub = tickets::v1::TicketService::NewStub(service.ChannelAs(caller.token));
      tickets::v1::WatchTicketEventsRequest watch;
      auto reader = stub->WatchTicketEvents(&context, watch);
      tickets::v1::TicketEvent event;
      while (reader->Read(&event)) {
      }
      return reader->Finish();
    }
    grpc::GenericStub stub(service.ChannelAs(caller.token));
    const std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer in(&slice, 1), out;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, absl::StrCat("/", method.service()->full_name(), "/", method.name()),
                   grpc::StubOptions(), &in, &out,
                   [&](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  TestEnv env_;
  std::map<std::string, ServiceUnderTest> services_;
  std::vector<Caller> callers_;
  std::string quality_token_;
};

TEST_F(AccessMatrixTest, EveryRpcOfEveryServiceAnswersEveryRoleAsTheTableSays) {
  google::protobuf::DynamicMessageFactory factory;
  int serial = 0, calls = 0, writes = 0;
  std::vector<std::pair<std::string, const ServiceUnder*>> all;
  for (const ServiceUnder& s : Services()) all.push_back({s.full_name, &s});
  for (const ServiceUnder& s : Services()) {
    all.push_back({"steward.common.v1.AuditService", &s});  // every binary
  }
  std::set<std::string> covered;
  for (const auto& [service_name, under] : all) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    const ServiceUnderTest& binary = services_.at(under->binary);
    for (int m = 0; m < service->method_count(); ++m) {
      const MethodDescriptor& method = *service->method(m);
      const std::string full = absl::StrCat(service_name, "/", method.name());
      covered.insert(full);
      const auth::MethodRule* rule = auth::FindRule(full);
      EXPECT_NE(rule, nullptr) << full << " is missing from the access table";
      const bool write = rule == nullptr || rule->access == auth::Access::kWrite;
      for (const Caller& caller : callers_) {
        std::unique_ptr<Message> request(
            factory.GetPrototype(method.input_type())->New());
        Fill(*request, under->collection, &serial);
        const int before = write ? AuditRows(binary, full, caller.principal) : 0;
        const grpc::Status status = Call(binary, caller, method, *request);
        ++calls;
        const std::string where =
            absl::StrCat(full, " as ", caller.label, " on ", under->binary, ": ",
                         status.error_code(), " ", status.error_message());
        if (!caller.role.has_value()) {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << where;
        } else if (rule == nullptr || !auth::Contains(rule->roles, *caller.role)) {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << where;
          EXPECT_TRUE(absl::StrContains(status.error_message(), "may not call"))
              << where;
        } else {
          EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << where;
          EXPECT_FALSE(absl::StrContains(status.error_message(), "may not call"))
              << where;
          if (caller.label == "staff of community y" && status.ok()) {
            // Only company-wide reads may succeed for another community's
            // staff.
            EXPECT_TRUE(method.name() == "GetHolidayTable" ||
                        method.name() == "ListSlaPolicies")
                << where;
          }
        }
        if (write) {
          ++writes;
          EXPECT_EQ(AuditRows(binary, full, caller.principal), before + 1)
              << "exactly one audit row for " << where;
        }
      }
    }
  }
  // Every rule names a method that exists.
  for (const auth::MethodRule& rule : auth::AccessRules()) {
    EXPECT_TRUE(covered.count(std::string(rule.method))) << rule.method;
  }
  // Each service's methods once per caller, AuditService once per binary.
  int rules = 0, write_rules = 0;
  for (const auth::MethodRule& rule : auth::AccessRules()) {
    const bool audit = absl::StartsWith(rule.method, "steward.common.v1.");
    rules += audit ? 4 : 1;
    write_rules += rule.access == auth::Access::kWrite ? 1 : 0;
  }
  EXPECT_EQ(calls, rules * static_cast<int>(callers_.size()));
  EXPECT_EQ(writes, write_rules * static_cast<int>(callers_.size()));
}

}  // namespace
}  // namespace steward::testing
