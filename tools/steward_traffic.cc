// Bounded test traffic for the four services, so every dashboard query has
// something to show (scripts/check-dashboards-live.sh). Loopback only.
//
//   steward-traffic --tickets=127.0.0.1:P --communication=127.0.0.1:P
//                   --training=127.0.0.1:P --kpi=127.0.0.1:P
//                   [--rounds=2] [--pause_ms=1500] [--community=harbour-view]
//                   [--breach_target_s=2]
//
// First, an SLA policy row for the community (ListSlaPolicies, then
// CreateSlaPolicy, or UpdateSlaPolicy with the etag read when the community
// already has a row): emergency household repairs get a first-response target
// of --breach_target_s natural seconds; their other targets are copied from
// the company row. The row goes through the service's own validation.
//
// Each round, in the community:
//   breach:   an emergency household repair registered at the start of the
//             round, assigned and responded to once its first-response due
//             time has passed (after the rest of the round): a real breach,
//             so steward_ticket_sla_total{outcome="breached"} exists after
//             the first round and increases in the next. The ticket must come
//             back with the row's due time and its clock BREACHED.
//   tickets:  a household repair taken through assign, respond, start work,
//             resolve, a satisfied callback and close (first_response,
//             on_site, resolution and callback clocks stop); a complaint
//             through assign, respond, progress, resolve, callback and close
//             (first_response, complaint_progress, complaint_feedback,
//             callback); an inquiry answered; an inquiry left open (the open
//             backlog gauge); a Get and a List; then refused calls: an
//             invalid create (INVALID_ARGUMENT), an unknown ticket
//             (NOT_FOUND), a stale etag (ABORTED).
//   communication, training, kpi: a Create (plus its idempotent retry), a Get
//             and a List that succeed, an invalid Create and an unknown Get;
//             kpi also a duplicate scorecard (ALREADY_EXISTS).
// Rounds are separated by --pause_ms so a scraper sees the counters born in
// the first round increase in the next (rate() needs two samples); a round
// lasts at least the breach target.
//
// Prints what it did per service; exits 1 when a call meant to succeed
// failed, or one meant to fail succeeded, 2 on bad arguments.
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "steward/communication/v1/communication.grpc.pb.h"
#include "steward/kpi/v1/kpi.grpc.pb.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"
#include "steward/training/v1/training.grpc.pb.h"

#include "common/client/channel.h"

namespace {

namespace tk = steward::tickets::v1;
namespace cm = steward::communication::v1;
namespace tr = steward::training::v1;
namespace kp = steward::kpi::v1;

struct Tally {
  int ok = 0;
  int refused = 0;  // failed as intended
  int unexpected = 0;
};
std::map<std::string, Tally> tallies;

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return c;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Records a call meant to succeed.
bool Want(const std::string& service, const std::string& what,
          const grpc::Status& s) {
  if (s.ok()) {
    ++tallies[service].ok;
    return true;
  }
  ++tallies[service].unexpected;
  std::fprintf(stderr, "steward-traffic: %s %s failed: code %d %s\n",
               service.c_str(), what.c_str(), static_cast<int>(s.error_code()),
               s.error_message().c_str());
  return false;
}

// Records a call meant to fail with `code`.
void Refused(const std::string& service, const std::string& what,
             const grpc::Status& s, grpc::StatusCode code) {
  if (s.error_code() == code) {
    ++tallies[service].refused;
    return;
  }
  ++tallies[service].unexpected;
  std::fprintf(stderr, "steward-traffic: %s %s: want code %d, got %d %s\n",
               service.c_str(), what.c_str(), static_cast<int>(code),
               static_cast<int>(s.error_code()), s.error_message().c_str());
}

class Tickets {
 public:
  Tickets(std::shared_ptr<grpc::Channel> channel, std::string community,
          std::string prefix)
      : stub_(tk::TicketService::NewStub(channel)),
        community_(community),
        parent_("communities/" + community),
        prefix_(std::move(prefix)) {}

  // The community's row for emergency household repairs: first response
  // within `target_s` natural seconds, the other targets as the company row.
  bool EnsureBreachPolicy(int target_s) {
    breach_target_s_ = target_s;
    tk::ListSlaPoliciesResponse all;
    if (!Want("tickets", "ListSlaPolicies",
              stub_->ListSlaPolicies(Ctx().get(), {}, &all))) {
      return false;
    }
    const tk::SlaPolicy* company = nullptr;
    const tk::SlaPolicy* existing = nullptr;
    for (const tk::SlaPolicy& p : all.policies()) {
      if (p.kind() != tk::TICKET_KIND_HOUSEHOLD_REPAIR ||
          p.priority() != tk::PRIORITY_EMERGENCY) {
        continue;
      }
      if (p.community().empty()) company = &p;
      if (p.community() == community_) existing = &p;
    }
    tk::SlaPolicy row;
    if (company != nullptr) row = *company;
    row.clear_name();
    row.clear_etag();
    row.set_kind(tk::TICKET_KIND_HOUSEHOLD_REPAIR);
    row.set_priority(tk::PRIORITY_EMERGENCY);
    row.set_community(community_);
    auto* targets = row.mutable_targets();
    targets->erase(std::remove_if(targets->begin(), targets->end(),
                                  [](const tk::SlaPolicy::Target& x) {
                                    return x.target() == tk::SLA_TARGET_FIRST_RESPONSE;
                                  }),
                   targets->end());
    tk::SlaPolicy::Target* first = row.add_targets();
    first->set_target(tk::SLA_TARGET_FIRST_RESPONSE);
    first->set_clock(tk::SlaPolicy::Target::CLOCK_NATURAL);
    first->mutable_duration()->set_seconds(target_s);

    tk::SlaPolicy saved;
    if (existing != nullptr) {
      tk::UpdateSlaPolicyRequest update;
      *update.mutable_policy() = row;
      update.mutable_policy()->set_name(existing->name());
      update.mutable_policy()->set_etag(existing->etag());
      if (!Want("tickets", "UpdateSlaPolicy",
                stub_->UpdateSlaPolicy(Ctx().get(), update, &saved))) {
        return false;
      }
    } else {
      tk::CreateSlaPolicyRequest create;
      create.set_policy_id(
          ("traffic-" + community_ + "-household-repair-emergency").substr(0, 64));
      *create.mutable_policy() = row;
      if (!Want("tickets", "CreateSlaPolicy",
                stub_->CreateSlaPolicy(Ctx().get(), create, &saved))) {
        return false;
      }
    }
    std::printf("steward-traffic: SLA policy %s %s (etag %s): %s emergency "
                "household repairs, first response within %d s\n",
                saved.name().c_str(), existing != nullptr ? "updated" : "created",
                saved.etag().c_str(), community_.c_str(), target_s);
    return true;
  }

  // Registers this round's emergency household repair; its first-response
  // clock runs out while the rest of the round goes on.
  void StartBreach() {
    breach_ = tk::Ticket();
    tk::Ticket t;
    if (!Create(tk::TICKET_KIND_HOUSEHOLD_REPAIR, tk::PRIORITY_EMERGENCY,
                "breach", &t)) {
      return;
    }
    const tk::SlaClock* clock = FirstResponse(t);
    if (clock == nullptr || clock->state() != tk::SlaClock::STATE_RUNNING ||
        clock->due_time().seconds() - t.create_time().seconds() > breach_target_s_ + 1) {
      ++tallies["tickets"].unexpected;
      std::fprintf(stderr, "steward-traffic: tickets %s: no running first-response "
                   "clock due within %d s (policy %s)\n",
                   t.name().c_str(), breach_target_s_, t.sla_policy().c_str());
      return;
    }
    breach_ = t;
  }

  // Waits past the due time, then assigns and responds: the clock stops
  // BREACHED.
  void FinishBreach() {
    if (breach_.name().empty()) return;
    tk::Ticket t = breach_;
    const tk::SlaClock* clock = FirstResponse(t);
    const auto due = std::chrono::system_clock::time_point(
        std::chrono::seconds(clock->due_time().seconds()) +
        std::chrono::nanoseconds(clock->due_time().nanos()));
    std::this_thread::sleep_until(due + std::chrono::milliseconds(500));
    auto assign = On<tk::AssignTicketRequest>(t, "assign");
    assign.set_assignee("fitter-wang");
    if (!Step(&tk::TicketService::Stub::AssignTicket, assign, &t, "AssignTicket")) return;
    if (!Step(&tk::TicketService::Stub::RespondTicket,
              On<tk::RespondTicketRequest>(t, "respond"), &t, "RespondTicket")) return;
    clock = FirstResponse(t);
    if (clock == nullptr || clock->state() != tk::SlaClock::STATE_BREACHED) {
      ++tallies["tickets"].unexpected;
      std::fprintf(stderr, "steward-traffic: tickets %s: first response not "
                   "recorded as breached (state %d)\n", t.name().c_str(),
                   clock == nullptr ? -1 : static_cast<int>(clock->state()));
    }
  }

  void Round() {
    Repair();
    Complaint();
    tk::Ticket inquiry;
    if (Create(tk::TICKET_KIND_INQUIRY, tk::PRIORITY_ROUTINE, "inquiry",
               &inquiry)) {
      Step(&tk::TicketService::Stub::RespondTicket,
           On<tk::RespondTicketRequest>(inquiry, "respond"), &inquiry,
           "RespondTicket");
    }
    tk::Ticket open;
    Create(tk::TICKET_KIND_PUBLIC_REPAIR, tk::PRIORITY_EMERGENCY, "open", &open);

    tk::Ticket fetched;
    tk::GetTicketRequest get;
    get.set_name(open.name());
    Want("tickets", "GetTicket", stub_->GetTicket(Ctx().get(), get, &fetched));
    tk::ListTicketsRequest list;
    list.set_parent(parent_);
    list.set_page_size(10);
    tk::ListTicketsResponse page;
    Want("tickets", "ListTickets", stub_->ListTickets(Ctx().get(), list, &page));

    // Refused calls.
    tk::CreateTicketRequest bad;
    bad.set_parent(parent_);
    bad.set_request_id(Id("bad"));
    tk::Ticket ignored;
    Refused("tickets", "CreateTicket without a ticket",
            stub_->CreateTicket(Ctx().get(), bad, &ignored),
            grpc::StatusCode::INVALID_ARGUMENT);
    get.set_name(parent_ + "/tickets/999999999");
    Refused("tickets", "GetTicket unknown",
            stub_->GetTicket(Ctx().get(), get, &ignored),
            grpc::StatusCode::NOT_FOUND);
    if (!open.name().empty()) {
      tk::AssignTicketRequest stale = On<tk::AssignTicketRequest>(open, "assign");
      stale.set_assignee("fitter-wang");
      Want("tickets", "AssignTicket",
           stub_->AssignTicket(Ctx().get(), stale, &ignored));
      stale.mutable_header()->set_request_id(Id("assign-stale"));
      stale.set_assignee("fitter-zhao");
      Refused("tickets", "AssignTicket with a stale etag",
              stub_->AssignTicket(Ctx().get(), stale, &ignored),
              grpc::StatusCode::ABORTED);
    }
  }

 private:
  static const tk::SlaClock* FirstResponse(const tk::Ticket& t) {
    for (const tk::SlaClock& c : t.sla_clocks()) {
      if (c.target() == tk::SLA_TARGET_FIRST_RESPONSE) return &c;
    }
    return nullptr;
  }

  std::string Id(const std::string& step) {
    return prefix_ + "-" + std::to_string(round_) + "-" + step;
  }

  template <typename Request>
  Request On(const tk::Ticket& t, const std::string& step) {
    Request r;
    r.mutable_header()->set_name(t.name());
    r.mutable_header()->set_etag(t.etag());
    r.mutable_header()->set_request_id(Id(t.name().substr(t.name().rfind('/') + 1) + "-" + step));
    r.mutable_header()->set_actor("fitter-wang");
    return r;
  }

  bool Create(tk::TicketKind kind, tk::Priority priority, const std::string& tag,
              tk::Ticket* out) {
    tk::CreateTicketRequest r;
    r.set_parent(parent_);
    r.set_request_id(Id(tag));
    tk::Ticket* d = r.mutable_ticket();
    d->set_kind(kind);
    d->set_priority(priority);
    d->set_channel(tk::CHANNEL_HOTLINE);
    d->set_line(kind == tk::TICKET_KIND_INQUIRY || kind == tk::TICKET_KIND_COMPLAINT
                    ? steward::common::v1::LINE_CUSTOMER_SERVICE
                    : steward::common::v1::LINE_ENGINEERING);
    d->mutable_location()->set_building("3");
    d->mutable_location()->set_room("1201");
    d->set_description("Generated by steward-traffic (" + tag + ")");
    d->set_received_by("desk-li");
    d->set_category(kind == tk::TICKET_KIND_COMPLAINT ? "noise" : "water_leak");
    return Want("tickets", "CreateTicket",
                stub_->CreateTicket(Ctx().get(), r, out));
  }

  template <typename Request>
  bool Step(grpc::Status (tk::TicketService::Stub::*rpc)(grpc::ClientContext*,
                                                         const Request&,
                                                         tk::Ticket*),
            const Request& request, tk::Ticket* t, const char* what) {
    tk::Ticket after;
    if (!Want("tickets", what, ((*stub_).*rpc)(Ctx().get(), request, &after))) {
      return false;
    }
    *t = after;
    return true;
  }

  void Repair() {
    tk::Ticket t;
    if (!Create(tk::TICKET_KIND_HOUSEHOLD_REPAIR, tk::PRIORITY_URGENT, "repair", &t)) return;
    auto assign = On<tk::AssignTicketRequest>(t, "assign");
    assign.set_assignee("fitter-wang");
    if (!Step(&tk::TicketService::Stub::AssignTicket, assign, &t, "AssignTicket")) return;
    if (!Step(&tk::TicketService::Stub::RespondTicket,
              On<tk::RespondTicketRequest>(t, "respond"), &t, "RespondTicket")) return;
    if (!Step(&tk::TicketService::Stub::StartTicketWork,
              On<tk::StartTicketWorkRequest>(t, "start"), &t, "StartTicketWork")) return;
    auto resolve = On<tk::ResolveTicketRequest>(t, "resolve");
    resolve.set_resolution("Replaced the trap seal");
    if (!Step(&tk::TicketService::Stub::ResolveTicket, resolve, &t, "ResolveTicket")) return;
    auto callback = On<tk::RecordTicketCallbackRequest>(t, "callback");
    callback.set_satisfied(true);
    callback.set_rating(5);
    if (!Step(&tk::TicketService::Stub::RecordTicketCallback, callback, &t,
              "RecordTicketCallback")) return;
    Step(&tk::TicketService::Stub::CloseTicket,
         On<tk::CloseTicketRequest>(t, "close"), &t, "CloseTicket");
  }

  void Complaint() {
    tk::Ticket t;
    if (!Create(tk::TICKET_KIND_COMPLAINT, tk::PRIORITY_URGENT, "complaint", &t)) return;
    auto assign = On<tk::AssignTicketRequest>(t, "assign");
    assign.set_assignee("desk-li");
    if (!Step(&tk::TicketService::Stub::AssignTicket, assign, &t, "AssignTicket")) return;
    if (!Step(&tk::TicketService::Stub::RespondTicket,
              On<tk::RespondTicketRequest>(t, "respond"), &t, "RespondTicket")) return;
    auto progress = On<tk::AddTicketProgressRequest>(t, "progress");
    progress.mutable_header()->set_note("Spoke to the neighbour; quiet hours agreed");
    if (!Step(&tk::TicketService::Stub::AddTicketProgress, progress, &t,
              "AddTicketProgress")) return;
    auto resolve = On<tk::ResolveTicketRequest>(t, "resolve");
    resolve.set_resolution("Neighbour agreed to quiet hours after 22:00");
    if (!Step(&tk::TicketService::Stub::ResolveTicket, resolve, &t, "ResolveTicket")) return;
    auto callback = On<tk::RecordTicketCallbackRequest>(t, "callback");
    callback.set_satisfied(true);
    callback.set_rating(4);
    if (!Step(&tk::TicketService::Stub::RecordTicketCallback, callback, &t,
              "RecordTicketCallback")) return;
    auto close = On<tk::CloseTicketRequest>(t, "close");
    close.set_summary("Noise after 22:00; root cause: renovation; quiet hours posted");
    Step(&tk::TicketService::Stub::CloseTicket, close, &t, "CloseTicket");
  }

 public:
  int round_ = 0;

 private:
  std::unique_ptr<tk::TicketService::Stub> stub_;
  std::string community_;
  std::string parent_;
  std::string prefix_;
  int breach_target_s_ = 2;
  tk::Ticket breach_;
};

void Communication(cm::CommunicationService::Stub& stub, const std::string& parent,
                   const std::string& id) {
  cm::CreateNoticeRequest r;
  r.set_parent(parent);
  r.set_request_id(id + "-notice");
  cm::Notice* n = r.mutable_notice();
  n->set_kind(cm::NOTICE_KIND_COMMUNITY_EVENT);
  n->set_title("Mid-Autumn lantern evening");
  n->set_body("Courtyard, 19:00. Families welcome.");
  n->mutable_event_time()->set_seconds(NowSeconds() + 10 * 86400);
  cm::Notice created, again, fetched;
  if (!Want("communication", "CreateNotice", stub.CreateNotice(Ctx().get(), r, &created))) return;
  Want("communication", "CreateNotice retry", stub.CreateNotice(Ctx().get(), r, &again));
  cm::GetNoticeRequest get;
  get.set_name(created.name());
  Want("communication", "GetNotice", stub.GetNotice(Ctx().get(), get, &fetched));
  cm::ListNoticesRequest list;
  list.set_parent(parent);
  cm::ListNoticesResponse page;
  Want("communication", "ListNotices", stub.ListNotices(Ctx().get(), list, &page));
  r.set_request_id(id + "-notice-bad");
  r.clear_notice();
  Refused("communication", "CreateNotice without a notice",
          stub.CreateNotice(Ctx().get(), r, &again), grpc::StatusCode::INVALID_ARGUMENT);
  get.set_name(parent + "/notices/999999999");
  Refused("communication", "GetNotice unknown", stub.GetNotice(Ctx().get(), get, &fetched),
          grpc::StatusCode::NOT_FOUND);
}

void Training(tr::TrainingService::Stub& stub, const std::string& parent,
              const std::string& id) {
  tr::CreateTrainingPlanRequest r;
  r.set_parent(parent);
  r.set_request_id(id + "-plan");
  tr::TrainingPlan* p = r.mutable_training_plan();
  p->set_kind(tr::TRAINING_KIND_DRILL);
  p->set_title("Fire drill: evacuation of building 3");
  p->set_line(steward::common::v1::LINE_SECURITY);
  const int64_t start = NowSeconds() + 48 * 3600;
  p->mutable_start_time()->set_seconds(start);
  p->mutable_end_time()->set_seconds(start + 7200);
  tr::TrainingPlan created, again, fetched;
  if (!Want("training", "CreateTrainingPlan",
            stub.CreateTrainingPlan(Ctx().get(), r, &created))) return;
  Want("training", "CreateTrainingPlan retry", stub.CreateTrainingPlan(Ctx().get(), r, &again));
  tr::GetTrainingPlanRequest get;
  get.set_name(created.name());
  Want("training", "GetTrainingPlan", stub.GetTrainingPlan(Ctx().get(), get, &fetched));
  tr::ListTrainingPlansRequest list;
  list.set_parent(parent);
  tr::ListTrainingPlansResponse page;
  Want("training", "ListTrainingPlans", stub.ListTrainingPlans(Ctx().get(), list, &page));
  r.set_request_id(id + "-plan-bad");
  r.clear_training_plan();
  Refused("training", "CreateTrainingPlan without a plan",
          stub.CreateTrainingPlan(Ctx().get(), r, &again), grpc::StatusCode::INVALID_ARGUMENT);
  get.set_name(parent + "/trainingPlans/999999999");
  Refused("training", "GetTrainingPlan unknown",
          stub.GetTrainingPlan(Ctx().get(), get, &fetched), grpc::StatusCode::NOT_FOUND);
}

void Kpi(kp::KpiService::Stub& stub, const std::string& parent, const std::string& id) {
  kp::CreateScorecardRequest r;
  r.set_parent(parent);
  r.set_request_id(id + "-card");
  kp::Scorecard* c = r.mutable_scorecard();
  c->set_subject_type(kp::SUBJECT_TYPE_STAFF);
  c->set_subject_id(id + "-staff");
  c->set_period("2026-01");
  kp::Scorecard created, again, fetched;
  if (!Want("kpi", "CreateScorecard", stub.CreateScorecard(Ctx().get(), r, &created))) return;
  Want("kpi", "CreateScorecard retry", stub.CreateScorecard(Ctx().get(), r, &again));
  kp::GetScorecardRequest get;
  get.set_name(created.name());
  Want("kpi", "GetScorecard", stub.GetScorecard(Ctx().get(), get, &fetched));
  kp::ListScorecardsRequest list;
  list.set_parent(parent);
  list.set_period("2026-01");
  kp::ListScorecardsResponse page;
  Want("kpi", "ListScorecards", stub.ListScorecards(Ctx().get(), list, &page));
  kp::CreateScorecardRequest duplicate = r;
  duplicate.set_request_id(id + "-card-dup");
  Refused("kpi", "CreateScorecard duplicate",
          stub.CreateScorecard(Ctx().get(), duplicate, &again),
          grpc::StatusCode::ALREADY_EXISTS);
  get.set_name(parent + "/scorecards/999999999");
  Refused("kpi", "GetScorecard unknown", stub.GetScorecard(Ctx().get(), get, &fetched),
          grpc::StatusCode::NOT_FOUND);
}

// Calls carry the bearer token in STEWARD_TOKEN (a manager of the traffic's
// community; scripts/mint-token.sh makes one).
std::shared_ptr<grpc::Channel> Dial(const std::string& target) {
  const char* token = std::getenv("STEWARD_TOKEN");
  auto channel = steward::client::MakeChannel(
      {.target = target, .bearer_token = token == nullptr ? "" : token});
  if (!channel.ok()) {
    std::fprintf(stderr, "steward-traffic: %s\n",
                 std::string(channel.status().message()).c_str());
    std::exit(2);
  }
  return *channel;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = {{"rounds", "2"},
                                              {"pause_ms", "1500"},
                                              {"community", "harbour-view"},
                                              {"breach_target_s", "2"}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    const auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::fprintf(stderr, "usage: %s --tickets=H:P --communication=H:P "
                   "--training=H:P --kpi=H:P [--rounds=2] [--pause_ms=1500] "
                   "[--community=harbour-view] [--breach_target_s=2]\n", argv[0]);
      return 2;
    }
    flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  for (const char* required : {"tickets", "communication", "training", "kpi"}) {
    if (flags[required].empty()) {
      std::fprintf(stderr, "steward-traffic: --%s=HOST:PORT is required\n", required);
      return 2;
    }
  }
  const int rounds = std::stoi(flags["rounds"]);
  const int pause_ms = std::stoi(flags["pause_ms"]);
  const int breach_target_s = std::stoi(flags["breach_target_s"]);
  if (rounds < 1 || rounds > 100 || pause_ms < 0 || pause_ms > 60000 ||
      breach_target_s < 1 || breach_target_s > 60) {
    std::fprintf(stderr, "steward-traffic: rounds 1..100, pause_ms 0..60000, "
                 "breach_target_s 1..60\n");
    return 2;
  }
  const std::string parent = "communities/" + flags["community"];
  const std::string prefix =
      "traffic-" + std::to_string(::getpid()) + "-" + std::to_string(NowSeconds());

  Tickets tickets(Dial(flags["tickets"]), flags["community"], prefix);
  auto communication = cm::CommunicationService::NewStub(Dial(flags["communication"]));
  auto training = tr::TrainingService::NewStub(Dial(flags["training"]));
  auto kpi = kp::KpiService::NewStub(Dial(flags["kpi"]));
  const bool breach = tickets.EnsureBreachPolicy(breach_target_s);
  for (int round = 0; round < rounds; ++round) {
    if (round > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    tickets.round_ = round;
    const std::string id = prefix + "-" + std::to_string(round);
    if (breach) tickets.StartBreach();
    tickets.Round();
    Communication(*communication, parent, id);
    Training(*training, parent, id);
    Kpi(*kpi, parent, id);
    if (breach) tickets.FinishBreach();
  }
  int unexpected = 0;
  for (const auto& [service, t] : tallies) {
    std::printf("steward-traffic: %-13s %3d ok, %3d refused as intended, %d unexpected\n",
                service.c_str(), t.ok, t.refused, t.unexpected);
    unexpected += t.unexpected;
  }
  return unexpected == 0 ? 0 : 1;
}
