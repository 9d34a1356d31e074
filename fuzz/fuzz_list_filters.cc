// Fuzz target: the List requests of the four services turned into domain
// filters (FilterFromRequest in services/<service>/api/*_mapping.*) and
// page queries (common/rpc/resources.h ParsePageQuery / NextPageToken).
//
// Input: service:u8 (tickets, communication, training, kpi), then the
// serialized List request.
//
// Invariants:
//   * FilterFromRequest accepts exactly the requests the API documents (an
//     independent reading of the rules below), and when it refuses, its
//     INVALID_ARGUMENT names exactly the offending fields; an accepted
//     filter carries the request's values;
//   * ParsePageQuery accepts exactly a valid "communities/{id}" parent, a
//     page size >= 0 and an empty page token (tokens are signed by a key
//     this process made), normalizes the size, and names only parent,
//     page_size or page_token when it refuses;
//   * the token NextPageToken issues for a query continues it at that id,
//     and is refused (INVALID_ARGUMENT page_token) for another filter key,
//     caller or community.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/proto_convert.h"
#include "common/rpc/resources.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/status_details.h"
#include "services/communication/api/notice_mapping.h"
#include "services/kpi/api/scorecard_mapping.h"
#include "services/kpi/domain/scorecard.h"
#include "services/tickets/api/ticket_mapping.h"
#include "services/training/api/training_plan_mapping.h"

namespace steward::fuzz {
namespace {

using Fields = std::set<std::string>;

Fields FieldsOf(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
             status.ToString());
  auto fields = BadRequestFields(rpc::ToGrpcStatus(status));
  FUZZ_CHECK(fields.has_value(), status.ToString());
  return Fields(fields->begin(), fields->end());
}

// The filter's verdict agrees with `expected`: OK when no field is bad,
// else INVALID_ARGUMENT naming exactly those fields.
template <typename T>
void CheckVerdict(const absl::StatusOr<T>& got, const Fields& expected) {
  if (expected.empty()) {
    FUZZ_CHECK(got.ok(), got.status().ToString());
  } else {
    FUZZ_CHECK(!got.ok(), "a bad filter was accepted");
    FUZZ_CHECK(FieldsOf(got.status()) == expected, got.status().ToString());
  }
}

bool EnumOk(int value, int max) { return value >= 0 && value <= max; }

// The timestamp range of proto_convert.h: 0001-01-01..9999-12-31.
bool TimeOk(const google::protobuf::Timestamp& t) {
  return t.seconds() >= -62135596800 && t.seconds() <= 253402300799 &&
         t.nanos() >= 0 && t.nanos() <= 999999999;
}

// 0..64 characters of [A-Za-z0-9_.:-].
bool StaffIdOk(const std::string& id) {
  if (id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '.' && c != ':' && c != '-')
      return false;
  }
  return true;
}

// Empty, or 5..20 characters of digits, spaces and dashes (a leading +
// allowed), at least one of them a digit.
bool PhoneFilterOk(const std::string& phone) {
  if (phone.empty()) return true;
  if (phone.size() < 5 || phone.size() > 20) return false;
  bool digit = false;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (absl::ascii_isdigit(c)) {
      digit = true;
    } else if (c != ' ' && c != '-' && !(c == '+' && i == 0)) {
      return false;
    }
  }
  return digit;
}

template <typename T, typename D>
bool SameOptional(const std::optional<D>& got, int value) {
  return value == 0 ? !got.has_value()
                    : got.has_value() && static_cast<int>(*got) == value;
}

void Tickets(const tickets::v1::ListTicketsRequest& r) {
  Fields bad;
  if (!EnumOk(r.state(), 9)) bad.insert("state");
  if (!EnumOk(r.kind(), 6)) bad.insert("kind");
  if (!EnumOk(r.priority(), 3)) bad.insert("priority");
  if (!EnumOk(r.line(), 5)) bad.insert("line");
  if (!StaffIdOk(r.assignee())) bad.insert("assignee");
  if (r.district().size() > 64) bad.insert("district");
  if (r.has_created_after() && !TimeOk(r.created_after())) bad.insert("created_after");
  if (r.has_created_before() && !TimeOk(r.created_before())) bad.insert("created_before");
  if (!PhoneFilterOk(r.contact_phone())) bad.insert("contact_phone");
  auto f = tickets::FilterFromRequest(r);
  CheckVerdict(f, bad);
  if (!f.ok()) return;
  FUZZ_CHECK((SameOptional<int>(f->state, r.state())));
  FUZZ_CHECK((SameOptional<int>(f->kind, r.kind())));
  FUZZ_CHECK((SameOptional<int>(f->priority, r.priority())));
  FUZZ_CHECK((SameOptional<int>(f->line, r.line())));
  FUZZ_CHECK(f->assignee == r.assignee() && f->district == r.district());
  FUZZ_CHECK(f->contact_phone == r.contact_phone());
  FUZZ_CHECK(f->created_after.has_value() == r.has_created_after());
  FUZZ_CHECK(f->created_before.has_value() == r.has_created_before());
  if (r.has_created_after()) {
    FUZZ_CHECK(*f->created_after == rpc::FromProtoTime(r.created_after()));
    // Written back at the microsecond precision times are stored with.
    const auto back = rpc::ToProtoTime(*f->created_after);
    FUZZ_CHECK(back.seconds() == r.created_after().seconds() &&
               back.nanos() == r.created_after().nanos() / 1000 * 1000);
  }
  FUZZ_CHECK(f->overdue_only == r.overdue_only() &&
             f->at_risk_only == r.at_risk_only());
  FUZZ_CHECK(f->households.empty());
}

void Notices(const communication::v1::ListNoticesRequest& r) {
  Fields bad;
  if (!EnumOk(r.kind(), communication::kMaxNoticeKind)) bad.insert("kind");
  auto f = communication::FilterFromRequest(r);
  CheckVerdict(f, bad);
  if (f.ok()) FUZZ_CHECK((SameOptional<int>(f->kind, r.kind())));
}

void TrainingPlans(const training::v1::ListTrainingPlansRequest& r) {
  Fields bad;
  if (!EnumOk(r.line(), training::kMaxLine)) bad.insert("line");
  auto f = training::FilterFromRequest(r);
  CheckVerdict(f, bad);
  if (f.ok()) FUZZ_CHECK((SameOptional<int>(f->line, r.line())));
}

// "YYYY-MM" exactly, 2000-01..2100-12.
bool PeriodOk(const std::string& p) {
  if (p.size() != 7 || p[4] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6}) {
    if (!absl::ascii_isdigit(p[i])) return false;
  }
  const int year = std::stoi(p.substr(0, 4)), month = std::stoi(p.substr(5));
  return year >= 2000 && year <= 2100 && month >= 1 && month <= 12;
}

void Scorecards(const kpi::v1::ListScorecardsRequest& r) {
  Fields bad;
  if (!r.period().empty() && !PeriodOk(r.period())) bad.insert("period");
  auto f = kpi::FilterFromRequest(r);
  CheckVerdict(f, bad);
  if (!f.ok()) return;
  FUZZ_CHECK(f->period.has_value() == !r.period().empty());
  if (f->period) FUZZ_CHECK(kpi::FormatPeriod(*f->period) == r.period());
}

bool ParentOk(const std::string& parent) {
  if (!absl::StartsWith(parent, "communities/")) return false;
  const std::string id = parent.substr(12);
  if (id.empty() || id.size() > 63 || id[0] == '-') return false;
  for (char c : id) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-')
      return false;
  }
  return true;
}

// ParsePageQuery and NextPageToken for a request's paging fields;
// `filter_key` stands for the service's rendering of its filters.
void Paging(const std::string& parent, int page_size,
            const std::string& page_token, absl::string_view collection,
            const std::string& filter_key, const std::string& caller) {
  auto q = rpc::ParsePageQuery(parent, page_size, page_token, collection,
                               filter_key, caller);
  Fields bad;
  if (!ParentOk(parent)) bad.insert("parent");
  if (page_size < 0) bad.insert("page_size");
  // Checked only once parent and page_size are good.
  if (bad.empty() && !page_token.empty()) bad.insert("page_token");
  CheckVerdict(q, bad);
  if (!q.ok()) return;
  FUZZ_CHECK("communities/" + q->community == parent);
  FUZZ_CHECK(q->page_size == (page_size == 0 ? 50 : std::min(page_size, 500)));
  FUZZ_CHECK(q->after_id == 0);

  const int64_t next = static_cast<int64_t>(filter_key.size()) * 7919 + 1;
  const std::string token = rpc::NextPageToken(*q, next);
  FUZZ_CHECK(rpc::NextPageToken(*q, 0).empty());
  auto again = rpc::ParsePageQuery(parent, page_size, token, collection,
                                   filter_key, caller);
  FUZZ_CHECK(again.ok() && again->after_id == next, again.status().ToString());
  for (auto other : {rpc::ParsePageQuery(parent, page_size, token, collection,
                                         filter_key + "x", caller),
                     rpc::ParsePageQuery(parent, page_size, token, collection,
                                         filter_key, caller + "x"),
                     rpc::ParsePageQuery(parent + "x", page_size, token,
                                         collection, filter_key, caller)}) {
    if (other.ok()) FUZZ_CHECK(false, "a page token crossed queries");
    const Fields fields = FieldsOf(other.status());
    FUZZ_CHECK(fields == Fields{"page_token"} || fields == Fields{"parent"});
  }
}

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace steward::fuzz;
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string caller = "staff:s-1";
  switch (data[0] % 4) {
    case 0: {
      steward::tickets::v1::ListTicketsRequest r;
      if (!r.ParseFromString(body)) return 0;
      Tickets(r);
      Paging(r.parent(), r.page_size(), r.page_token(), "tickets",
             r.assignee() + "|" + r.district(), caller);
      break;
    }
    case 1: {
      steward::communication::v1::ListNoticesRequest r;
      if (!r.ParseFromString(body)) return 0;
      Notices(r);
      Paging(r.parent(), r.page_size(), r.page_token(), "notices",
             absl::StrCat(r.kind()), caller);
      break;
    }
    case 2: {
      steward::training::v1::ListTrainingPlansRequest r;
      if (!r.ParseFromString(body)) return 0;
      TrainingPlans(r);
      Paging(r.parent(), r.page_size(), r.page_token(), "trainingPlans",
             absl::StrCat(r.line()), caller);
      break;
    }
    case 3: {
      steward::kpi::v1::ListScorecardsRequest r;
      if (!r.ParseFromString(body)) return 0;
      Scorecards(r);
      Paging(r.parent(), r.page_size(), r.page_token(), "scorecards",
             r.period(), caller);
      break;
    }
  }
  return 0;
}
