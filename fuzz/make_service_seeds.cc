// Writes the seed corpora of the service, filter, page-token and calendar
// fuzz targets into <dir>/<target>/ (replacing files of the same name):
// short programs of valid calls (service_fuzz.h's format) that create,
// read, list, page and change resources, plus a few edge cases. The
// page-token seeds cannot carry valid tokens (each process signs with a key
// of its own); fuzz_page_token issues those itself.
//
//   ninja -C build-fuzz fuzz_make_service_seeds
//   build-fuzz/fuzz/fuzz_make_service_seeds fuzz/corpus
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "google/protobuf/message.h"
#include "steward/communication/v1/communication.pb.h"
#include "steward/kpi/v1/kpi.pb.h"
#include "steward/tickets/v1/tickets.pb.h"
#include "steward/training/v1/training.pb.h"

namespace {

namespace t = steward::tickets::v1;
namespace c = steward::communication::v1;
namespace tr = steward::training::v1;
namespace k = steward::kpi::v1;
using steward::common::v1::LINE_CLEANING;
using steward::common::v1::LINE_ENGINEERING;

// Callers (service_fuzz.h's Caller order).
enum Who { kNobody, kGarbage, kManagerAll, kManagerHere, kStaffHere,
           kStaffElsewhere, kOwnerHere, kOwnerOfMany, kQualityAll, kSystemRead,
           kSystemReadWritePii, kSystemWrite };
// Fix bits.
enum { kName = 1, kEtag = 2, kRequestId = 4, kToken = 8 };

std::string Step(int op, int who, int fix, int advance,
                 const google::protobuf::Message& m) {
  const std::string body = m.SerializeAsString();
  std::string out;
  out.push_back(static_cast<char>(op));
  out.push_back(static_cast<char>(who));
  out.push_back(static_cast<char>(fix));
  out.push_back(static_cast<char>(advance));
  out.push_back(static_cast<char>(body.size() & 0xff));
  out.push_back(static_cast<char>(body.size() >> 8));
  return out + body;
}

std::string root;
void Write(const std::string& target, const std::string& name,
           const std::string& bytes) {
  const std::string path = root + "/" + target + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    std::exit(1);
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* kParent = "communities/harbour-view";

t::CreateTicketRequest Complaint(const std::string& id) {
  t::CreateTicketRequest r;
  r.set_parent(kParent);
  r.set_request_id(id);
  auto* x = r.mutable_ticket();
  x->set_kind(t::TICKET_KIND_COMPLAINT);
  x->set_priority(t::PRIORITY_ROUTINE);
  x->set_channel(t::CHANNEL_WECHAT);
  x->set_line(LINE_CLEANING);
  x->set_description("Rubbish not collected on Tuesday");
  x->set_district("north");
  x->set_contact_name("张三");
  x->set_contact_phone("13812341234");
  return r;
}

t::CreateTicketRequest Repair(const std::string& id) {
  t::CreateTicketRequest r = Complaint(id);
  auto* x = r.mutable_ticket();
  x->set_kind(t::TICKET_KIND_HOUSEHOLD_REPAIR);
  x->set_priority(t::PRIORITY_URGENT);
  x->set_channel(t::CHANNEL_HOTLINE);
  x->set_line(LINE_ENGINEERING);
  x->mutable_location()->set_building("3");
  x->mutable_location()->set_room("1201");
  x->set_household("3-2-1201");
  x->set_description("Kitchen pipe leaking");
  return r;
}

template <typename M>
M WithHeader(const std::string& actor = "desk-li") {
  M m;
  m.mutable_header()->set_actor(actor);
  m.mutable_header()->set_note("on site");
  return m;
}

// The lifecycle ops of fuzz_tickets_service.
enum { kCreate, kGet, kList, kAssign, kRespond, kStart, kPause, kResume,
       kProgress, kResolve, kCallback, kClose, kCancel, kReopen, kPriority,
       kTimeline, kListPolicies, kCreatePolicy, kUpdatePolicy, kGetCalendar,
       kUpdateCalendar, kGetHolidays, kReplaceHolidays, kStockTake,
       kIncidents, kEvents };

void Tickets(const std::string& repo) {
  const std::string d = "fuzz_tickets_service";
  const int fix = kName | kEtag | kRequestId;
  t::GetTicketRequest get;
  t::ListTicketsRequest list;
  list.set_parent(kParent);

  Write(d, "create_get_list",
        Step(kCreate, kManagerAll, 0, 0, Complaint("r1")) +
            Step(kGet, kStaffHere, kName, 1, get) +
            Step(kList, kStaffHere, 0, 1, list));

  auto assign = WithHeader<t::AssignTicketRequest>();
  assign.set_assignee("tech-wang");
  auto resolve = WithHeader<t::ResolveTicketRequest>();
  resolve.set_resolution("Replaced the trap; no more leak");
  resolve.mutable_charges()->set_currency_code("CNY");
  resolve.mutable_charges()->set_minor_units(8000);
  auto callback = WithHeader<t::RecordTicketCallbackRequest>();
  callback.set_satisfied(true);
  callback.set_rating(5);
  callback.set_comment("Fast");
  auto close = WithHeader<t::CloseTicketRequest>();
  close.set_summary("Done");
  t::ListTicketTimelineRequest timeline;
  Write(d, "repair_lifecycle",
        Step(kCreate, kStaffHere, 0, 0, Repair("r1")) +
            Step(kAssign, kManagerHere, fix, 5, assign) +
            Step(kRespond, kStaffHere, fix, 10, WithHeader<t::RespondTicketRequest>()) +
            Step(kStart, kStaffHere, fix, 30, WithHeader<t::StartTicketWorkRequest>()) +
            Step(kResolve, kStaffHere, fix, 60, resolve) +
            Step(kCallback, kStaffHere, fix, 60, callback) +
            Step(kClose, kManagerHere, fix, 5, close) +
            Step(kTimeline, kOwnerHere, kName, 0, timeline));

  auto pause = WithHeader<t::PauseTicketRequest>();
  pause.set_reason(t::PauseTicketRequest::REASON_WAITING_FOR_PARTS);
  auto unsatisfied = callback;
  unsatisfied.set_satisfied(false);
  unsatisfied.set_rating(2);
  auto cancel = WithHeader<t::CancelTicketRequest>();
  cancel.set_reason(t::CancelTicketRequest::REASON_DUPLICATE);
  auto priority = WithHeader<t::ChangeTicketPriorityRequest>();
  priority.set_priority(t::PRIORITY_EMERGENCY);
  auto resolve2 = resolve;
  resolve2.clear_charges();
  Write(d, "complaint_pause_rework",
        Step(kCreate, kSystemReadWritePii, 0, 0, Complaint("c1")) +
            Step(kRespond, kStaffHere, fix, 10, WithHeader<t::RespondTicketRequest>()) +
            Step(kPause, kStaffHere, fix, 10, pause) +
            Step(kResume, kStaffHere, fix, 200, WithHeader<t::ResumeTicketRequest>()) +
            Step(kProgress, kStaffHere, fix, 10, WithHeader<t::AddTicketProgressRequest>()) +
            Step(kPriority, kManagerAll, fix, 1, priority) +
            Step(kResolve, kStaffHere, fix, 60, resolve2) +
            Step(kCallback, kSystemReadWritePii, fix, 60, unsatisfied) +
            Step(kReopen, kManagerAll, fix, 1, WithHeader<t::ReopenTicketRequest>()) +
            Step(kCancel, kManagerAll, fix, 1, cancel));

  t::ListTicketsRequest own;
  own.set_parent(kParent);
  own.set_household("3-2-1201");
  t::CreateTicketRequest owner_repair = Repair("o1");
  owner_repair.mutable_ticket()->set_channel(t::CHANNEL_APP);
  Write(d, "owner_tenancy",
        Step(kCreate, kOwnerHere, 0, 0, owner_repair) +
            Step(kCreate, kStaffHere, 0, 0, Complaint("s1")) +
            Step(kGet, kOwnerHere, kName | 0x10, 0, get) +
            Step(kGet, kOwnerHere, kName, 0, get) +
            Step(kList, kOwnerHere, 0, 0, list) +
            Step(kList, kOwnerOfMany, 0, 0, list) +
            Step(kList, kOwnerHere, 0, 0, own) +
            Step(kGet, kStaffElsewhere, kName, 0, get) +
            Step(kGet, kQualityAll, kName, 0, get) +
            Step(kGet, kNobody, kName, 0, get));

  t::ListTicketsRequest page = list;
  page.set_page_size(1);
  page.set_kind(t::TICKET_KIND_COMPLAINT);
  t::ListTicketsRequest other_filter = page;
  other_filter.set_district("north");
  Write(d, "list_pages",
        Step(kCreate, kManagerAll, 0, 0, Complaint("p1")) +
            Step(kCreate, kManagerAll, 0, 0, Complaint("p2")) +
            Step(kCreate, kManagerAll, 0, 0, Complaint("p3")) +
            Step(kList, kStaffHere, 0, 0, page) +
            Step(kList, kStaffHere, kToken, 0, page) +
            Step(kList, kStaffHere, kToken, 0, page) +
            Step(kList, kManagerHere, kToken, 0, page) +
            Step(kList, kStaffHere, kToken, 0, other_filter));

  t::ListSlaPoliciesRequest policies;
  t::UpdateSlaPolicyRequest update;
  auto* p = update.mutable_policy();
  p->set_kind(t::TICKET_KIND_COMPLAINT);
  p->set_priority(t::PRIORITY_ROUTINE);
  auto* target = p->add_targets();
  target->set_target(t::SLA_TARGET_FIRST_RESPONSE);
  target->set_clock(t::SlaPolicy::Target::CLOCK_NATURAL);
  target->mutable_duration()->set_seconds(1800);
  p->set_handler_warning(0.5);
  p->set_supervisor_warning(0.8);
  t::CreateSlaPolicyRequest create_policy;
  create_policy.set_policy_id("harbour-complaint-routine");
  *create_policy.mutable_policy() = *p;
  create_policy.mutable_policy()->set_community("harbour-view");
  Write(d, "sla_policies",
        Step(kListPolicies, kManagerAll, 0, 0, policies) +
            Step(kUpdatePolicy, kManagerAll, kName | kEtag, 0, update) +
            Step(kCreatePolicy, kManagerHere, 0, 0, create_policy) +
            Step(kCreate, kManagerAll, 0, 0, Complaint("after-policy")) +
            Step(kUpdatePolicy, kManagerHere, kName | kEtag | 0x10, 0, update));

  t::UpdateBusinessCalendarRequest calendar;
  auto* cal = calendar.mutable_calendar();
  cal->set_name("communities/harbour-view/businessCalendar");
  cal->set_time_zone("Asia/Shanghai");
  for (int day = 0; day < 7; ++day) {
    auto* hours = cal->add_weekly_hours();
    if (day < 5) {
      auto* morning = hours->add_intervals();
      morning->set_open("08:30");
      morning->set_close("12:00");
      auto* afternoon = hours->add_intervals();
      afternoon->set_open("13:30");
      afternoon->set_close("24:00");
    }
  }
  auto* makeup = cal->mutable_makeup_day_hours()->add_intervals();
  makeup->set_open("09:00");
  makeup->set_close("17:00");
  t::GetBusinessCalendarRequest get_calendar;
  get_calendar.set_name("communities/harbour-view/businessCalendar");
  Write(d, "business_calendar",
        Step(kCreate, kManagerAll, 0, 0, Complaint("cal")) +
            Step(kGetCalendar, kStaffHere, 0, 0, get_calendar) +
            Step(kUpdateCalendar, kManagerHere, 0, 0, calendar) +
            Step(kGetCalendar, kStaffHere, 0, 0, get_calendar) +
            Step(kGet, kManagerAll, kName, 0, get));

  t::ReplaceHolidayTableRequest holidays;
  holidays.set_content(ReadFile(repo + "/data/calendars/cn-statutory.txt"));
  t::GetHolidayTableRequest get_holidays;
  t::ReplaceHolidayTableRequest bad_holidays;
  bad_holidays.set_content("year 2026\n2026-02-30 holiday Nope\n");
  Write(d, "holiday_table",
        Step(kCreate, kManagerAll, 0, 0, Repair("h")) +
            Step(kReplaceHolidays, kManagerAll, 0, 0, holidays) +
            Step(kReplaceHolidays, kManagerAll, 0, 0, bad_holidays) +
            Step(kReplaceHolidays, kManagerHere, 0, 0, holidays) +
            Step(kGetHolidays, kQualityAll, 0, 0, get_holidays));

  t::GetComplaintStockTakeRequest stock;
  stock.set_parent(kParent);
  stock.set_date("2026-10-13");
  t::ListIncidentsRequest incidents;
  incidents.set_parent(kParent);
  t::ListTicketEventsRequest events;
  events.set_page_size(2);
  t::ListTicketEventsRequest events_after = events;
  events_after.set_after_cursor("1");
  Write(d, "reports_and_feed",
        Step(kCreate, kManagerAll, 0, 0, Complaint("f1")) +
            Step(kCreate, kManagerAll, 0, 0, Repair("f2")) +
            Step(kStockTake, kQualityAll, 0, 200, stock) +
            Step(kIncidents, kManagerHere, 0, 0, incidents) +
            Step(kEvents, kSystemRead, 0, 0, events) +
            Step(kEvents, kSystemRead, 0, 0, events_after) +
            Step(kEvents, kStaffHere, 0, 0, events));

  t::CreateTicketRequest bad = Complaint("");
  bad.set_parent("communities/Harbour View");
  bad.mutable_ticket()->set_kind(static_cast<t::TicketKind>(99));
  bad.mutable_ticket()->set_warranty_end_date("2026-02-30");
  auto stale = WithHeader<t::RespondTicketRequest>();
  stale.mutable_header()->set_etag("W/7");
  Write(d, "edge_bad_requests",
        Step(kCreate, kManagerAll, 0, 0, bad) +
            Step(kCreate, kManagerAll, 0, 0, Complaint("r1")) +
            Step(kCreate, kManagerAll, 0, 0, Repair("r1")) +
            Step(kRespond, kStaffHere, kName | kRequestId, 0, stale) +
            Step(kRespond, kStaffHere, kName | kEtag, 0, stale) +
            Step(kStart, kStaffHere, kName | kEtag | kRequestId, 0,
                 WithHeader<t::StartTicketWorkRequest>()));
}

template <typename Create, typename Get, typename List>
void Crud(const std::string& d, const Create& create, const Create& other,
          const Create& bad, List list, List filtered) {
  Get get;
  list.set_parent(kParent);
  filtered.set_parent(kParent);
  Write(d, "create_get_list",
        Step(0, kManagerAll, 0, 0, create) + Step(1, kStaffHere, kName, 1, get) +
            Step(2, kStaffHere, 0, 1, list));
  Write(d, "idempotency",
        Step(0, kManagerHere, 0, 0, create) + Step(0, kManagerHere, 0, 0, create) +
            Step(0, kManagerHere, 0, 0, other) +
            Step(0, kManagerHere, kRequestId, 0, other));
  List page = filtered;
  page.set_page_size(1);
  Write(d, "list_pages",
        Step(0, kManagerAll, kRequestId, 0, create) +
            Step(0, kManagerAll, kRequestId, 0, other) +
            Step(0, kManagerAll, kRequestId, 0, create) +
            Step(2, kStaffHere, 0, 0, page) + Step(2, kStaffHere, kToken, 0, page) +
            Step(2, kQualityAll, kToken, 0, page) +
            Step(2, kStaffHere, kToken, 0, list));
  Write(d, "callers",
        Step(0, kOwnerHere, 0, 0, create) + Step(0, kStaffElsewhere, 0, 0, create) +
            Step(0, kSystemWrite, 0, 0, create) +
            Step(1, kSystemRead, kName, 0, get) +
            Step(1, kStaffElsewhere, kName, 0, get) +
            Step(2, kNobody, 0, 0, list) + Step(2, kGarbage, 0, 0, list));
  Write(d, "edge_bad_requests",
        Step(0, kManagerAll, 0, 0, bad) + Step(1, kManagerAll, 0, 0, get) +
            Step(2, kManagerAll, 0, 0, List()));
}

void Communication() {
  c::CreateNoticeRequest create;
  create.set_parent(kParent);
  create.set_request_id("n1");
  auto* n = create.mutable_notice();
  n->set_kind(c::NOTICE_KIND_UTILITY_OUTAGE);
  n->set_title("Water off in building 3");
  n->set_body("Saturday 09:00-12:00, pipe replacement.");
  n->mutable_event_time()->set_seconds(1792281600);
  c::CreateNoticeRequest other = create;
  other.mutable_notice()->set_kind(static_cast<c::NoticeKind>(7));
  other.mutable_notice()->set_title("Autumn fair");
  c::CreateNoticeRequest bad = create;
  bad.mutable_notice()->set_kind(static_cast<c::NoticeKind>(42));
  bad.mutable_notice()->mutable_event_time()->set_seconds(-99999999999999);
  c::ListNoticesRequest list, filtered;
  filtered.set_kind(c::NOTICE_KIND_UTILITY_OUTAGE);
  Crud<c::CreateNoticeRequest, c::GetNoticeRequest>(
      "fuzz_communication_service", create, other, bad, list, filtered);
}

void Training() {
  tr::CreateTrainingPlanRequest create;
  create.set_parent(kParent);
  create.set_request_id("t1");
  auto* p = create.mutable_training_plan();
  p->set_kind(static_cast<tr::TrainingKind>(1));
  p->set_title("Service etiquette");
  p->set_line(LINE_CLEANING);
  p->mutable_start_time()->set_seconds(1792368000);
  p->mutable_end_time()->set_seconds(1792375200);
  p->set_pass_score(70);
  tr::CreateTrainingPlanRequest other = create;
  other.mutable_training_plan()->set_line(LINE_ENGINEERING);
  other.mutable_training_plan()->set_title("Fire safety");
  tr::CreateTrainingPlanRequest bad = create;
  bad.mutable_training_plan()->clear_end_time();
  bad.mutable_training_plan()->set_pass_score(101);
  tr::ListTrainingPlansRequest list, filtered;
  filtered.set_line(LINE_CLEANING);
  Crud<tr::CreateTrainingPlanRequest, tr::GetTrainingPlanRequest>(
      "fuzz_training_service", create, other, bad, list, filtered);
}

void Kpi() {
  k::CreateScorecardRequest create;
  create.set_parent(kParent);
  create.set_request_id("k1");
  auto* s = create.mutable_scorecard();
  s->set_subject_type(k::SUBJECT_TYPE_STAFF);
  s->set_subject_id("desk-li");
  s->set_period("2026-09");
  k::CreateScorecardRequest other = create;
  other.mutable_scorecard()->set_subject_type(k::SUBJECT_TYPE_TEAM);
  other.mutable_scorecard()->set_subject_id("team-a");
  other.mutable_scorecard()->set_period("2026-10");
  k::CreateScorecardRequest bad = create;
  bad.mutable_scorecard()->set_period("2026-13");
  bad.mutable_scorecard()->set_subject_id("desk li");
  k::ListScorecardsRequest list, filtered;
  filtered.set_period("2026-09");
  Crud<k::CreateScorecardRequest, k::GetScorecardRequest>(
      "fuzz_kpi_service", create, other, bad, list, filtered);
}

void ListFilters() {
  const std::string d = "fuzz_list_filters";
  t::ListTicketsRequest tl;
  tl.set_parent(kParent);
  tl.set_page_size(20);
  tl.set_state(static_cast<t::TicketState>(2));
  tl.set_kind(t::TICKET_KIND_COMPLAINT);
  tl.set_assignee("tech-wang");
  tl.set_district("north");
  tl.mutable_created_after()->set_seconds(1790000000);
  tl.mutable_created_before()->set_seconds(1800000000);
  tl.set_overdue_only(true);
  tl.set_line(LINE_CLEANING);
  tl.set_household("3-2-1201");
  Write(d, "tickets_all_filters", std::string(1, '\0') + tl.SerializeAsString());
  t::ListTicketsRequest tb;
  tb.set_parent("communities/-bad");
  tb.set_page_size(-1);
  tb.set_page_token("AAAA");
  tb.set_priority(static_cast<t::Priority>(4));
  tb.set_assignee("tech wang");
  tb.mutable_created_after()->set_nanos(1000000000);
  Write(d, "tickets_bad", std::string(1, '\0') + tb.SerializeAsString());
  c::ListNoticesRequest cl;
  cl.set_parent(kParent);
  cl.set_kind(c::NOTICE_KIND_UTILITY_OUTAGE);
  cl.set_page_size(501);
  Write(d, "notices", std::string(1, '\1') + cl.SerializeAsString());
  tr::ListTrainingPlansRequest trl;
  trl.set_parent(kParent);
  trl.set_line(static_cast<steward::common::v1::Line>(6));
  Write(d, "training_bad_line", std::string(1, '\2') + trl.SerializeAsString());
  k::ListScorecardsRequest kl;
  kl.set_parent(kParent);
  kl.set_period("2026-09");
  Write(d, "scorecards", std::string(1, '\3') + kl.SerializeAsString());
  kl.set_period("2026-9");
  Write(d, "scorecards_unpadded", std::string(1, '\3') + kl.SerializeAsString());
}

void PageTokens() {
  const std::string d = "fuzz_page_token";
  auto seed = [&](const std::string& name, const std::string& qa,
                  const std::string& qb, int64_t id, const std::string& edits,
                  const std::string& token) {
    std::string out;
    out.push_back(static_cast<char>(qa.size()));
    out += qa;
    out.push_back(static_cast<char>(qb.size()));
    out += qb;
    out.append(reinterpret_cast<const char*>(&id), 8);
    out.push_back(static_cast<char>(edits.size() / 3));
    out += edits;
    Write(d, name, out + token);
  };
  const std::string q = "tickets|harbour-view|0|0|0|||0.0|0.0|0|0|0||manager:m-1";
  seed("same_query", q, q, 42, "", "");
  seed("other_caller", q, q.substr(0, q.size() - 1) + "2", 7, "", "");
  seed("edited_tail", "notices|c1|3|staff:s-1", "notices|c1|3|staff:s-1", 1,
       std::string("\x7f\x01=", 3), "");
  seed("edited_char", "q", "q", 123456789, std::string("\x05\x00A\x40\x02\x00", 6),
       "");
  // Regression: a blank inserted into a good token (the base64 decoder
  // skipped it, so DecodePageToken accepted the edited token).
  seed("regression_blank_in_token", "tickets|harbour-view|x|manager:m-1",
       "tickets|harbour-view|x|manager:m-1", 4242, std::string("\x09\x01 ", 3),
       "");
  // A well-formed token (after_id 5, a fingerprint, a MAC) signed by a key
  // that exists nowhere.
  seed("foreign_token", "q", "q", 0, "",
       "CAUSEKDcpq1P3mOB3oc5mVF4WbQaEEGEzJQGJtxDw0PevR3_qvM");
  seed("garbage_token", "", "", -1, "", "!!not base64!!");
}

void HolidayTables(const std::string& repo) {
  const std::string d = "fuzz_holiday_table";
  // No office intervals, zero start and duration: the shipped file.
  const std::string none(7, '\0');
  Write(d, "cn_statutory", none + ReadFile(repo + "/data/calendars/cn-statutory.txt"));
  // Monday-Friday 09:00-12:00 and 13:00-18:00, make-up days 09:00-17:00.
  std::string hours;
  hours.push_back(11);
  for (int day = 0; day < 5; ++day) {
    hours += {static_cast<char>(day), 90, 120};
    hours += {static_cast<char>(day), static_cast<char>(130), static_cast<char>(180)};
  }
  hours += {7, 90, static_cast<char>(170)};
  hours += {0x03, 0x00, 0x10, 0x00};  // start: ~7 months after 2024-01-01
  hours += {0x02, 0x58};              // 600 minutes
  Write(d, "office_hours_crlf",
        hours + "year 2026\r\n2026-10-01..2026-10-07 holiday National Day\r\n"
                "2026-10-10 workday National Day make-up\r\n");
  std::string overlap;
  overlap.push_back(2);
  overlap += {0, 100, (char)200};
  overlap += {0, (char)150, (char)240};
  overlap += {0, 0, 0, 0, 0, 60};
  Write(d, "overlapping_hours", overlap + "year 2025\n# just a year\n");
  Write(d, "reversed_range", none + "year 2026\n2026-05-05..2026-05-01 holiday Labour Day\n");
  Write(d, "weekday_makeup", none + "year 2026\n2026-05-06 workday Wednesday\n");
  Write(d, "undeclared_year", none + "2027-01-01 holiday New Year\nyear 2027\n");
  Write(d, "duplicate_day", none + "year 2026\n2026-01-01 holiday A\n2026-01-01 workday B\n");
  Write(d, "bad_utf8_name", none + "year 2026\n2026-01-01 holiday \xc0\xaf\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <repo>/fuzz/corpus\n";
    return 2;
  }
  root = argv[1];
  const std::string repo = root + "/../..";
  for (const char* target :
       {"fuzz_tickets_service", "fuzz_communication_service",
        "fuzz_training_service", "fuzz_kpi_service", "fuzz_list_filters",
        "fuzz_page_token", "fuzz_holiday_table"}) {
    std::system(("mkdir -p '" + root + "/" + target + "'").c_str());
  }
  Tickets(repo);
  Communication();
  Training();
  Kpi();
  ListFilters();
  PageTokens();
  HolidayTables(repo);
  std::cout << "seeds written under " << root << "\n";
  return 0;
}
