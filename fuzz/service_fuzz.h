// What the four service targets (fuzz_<service>_service.cc) share: a fuzz
// input read as a short program of RPC calls, the callers those calls come
// from (tokens of a real CallGate, tests/unit/support/test_gate.h), and the
// invariants every handler must keep whatever the request says.
//
// An input is a sequence of steps (at most kMaxSteps):
//
//   op:u8  who:u8  fix:u8  advance:u8  length:u16 (little-endian)  body
//
// `op` picks the RPC (modulo the service's count), `who` the caller
// (modulo kCallerCount; see Callers), `advance` moves the service's clock
// forward by that many minutes before the call, `body` (`length` bytes, or
// what is left) is the serialized request message. `fix` lets a mutated
// request reach state earlier steps created: bit 0 sets the request's
// resource name to a resource an earlier step created (bits 4-7 pick which),
// bit 1 its etag to the one last seen for it, bit 2 a fresh request id, bit
// 3 the page token to the last next_page_token a List returned.
#ifndef STEWARD_FUZZ_SERVICE_FUZZ_H_
#define STEWARD_FUZZ_SERVICE_FUZZ_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/access_table.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/status_details.h"
#include "tests/unit/support/test_gate.h"

namespace steward::fuzz {

inline constexpr int kMaxSteps = 12;
inline constexpr size_t kMaxBody = 4096;

// The community every seed works in, and one no seed caller but the
// company-wide ones may reach.
inline constexpr absl::string_view kCommunity = "harbour-view";
inline constexpr absl::string_view kOtherCommunity = "north-gate";
inline constexpr absl::string_view kOwnHousehold =
    "communities/harbour-view/households/3-2-1201";

// One step of the program, as read from the input.
struct Step {
  uint8_t op = 0;
  uint8_t who = 0;
  uint8_t fix = 0;
  uint8_t advance = 0;
  std::string body;

  bool fix_name() const { return fix & 1; }
  bool fix_etag() const { return fix & 2; }
  bool fix_request_id() const { return fix & 4; }
  bool fix_page_token() const { return fix & 8; }
  size_t pick() const { return fix >> 4; }
};

// Splits an input into steps; stops at the end of the input or after
// kMaxSteps.
inline std::vector<Step> ReadSteps(const uint8_t* data, size_t size) {
  std::vector<Step> steps;
  size_t pos = 0;
  auto byte = [&]() -> uint8_t { return pos < size ? data[pos++] : 0; };
  while (pos < size && steps.size() < kMaxSteps) {
    Step s;
    s.op = byte();
    s.who = byte();
    s.fix = byte();
    s.advance = byte();
    size_t length = byte();
    length |= static_cast<size_t>(byte()) << 8;
    if (length > kMaxBody) length = kMaxBody;
    if (length > size - pos) length = size - pos;
    s.body.assign(reinterpret_cast<const char*>(data) + pos, length);
    pos += length;
    steps.push_back(std::move(s));
  }
  return steps;
}

// The callers a step can be: nobody, a malformed token, and real tokens of
// every role, with and without the community the seeds use.
enum class Caller : uint8_t {
  kNobody,
  kGarbage,
  kManagerAll,
  kManagerHere,
  kStaffHere,
  kStaffElsewhere,
  kOwnerHere,
  kOwnerOfMany,  // nine households in kCommunity
  kQualityAll,
  kSystemRead,
  kSystemReadWritePii,
  kSystemWrite,
};
inline constexpr int kCallerCount = 12;

inline Caller CallerOf(uint8_t who) {
  return static_cast<Caller>(who % kCallerCount);
}

// Whether a call from `caller` cannot get past the gate's authentication.
inline bool Unauthenticated(Caller caller) {
  return caller == Caller::kNobody || caller == Caller::kGarbage;
}

// The gate (one per process: its keys are made once) and a token for every
// Caller, minted again before they get old (they are valid for an hour).
class Callers {
 public:
  // `area` is the service's scope prefix ("tickets", "communication", ...).
  explicit Callers(std::string area) : area_(std::move(area)) { Mint(); }

  steward::testing::TestGate& gate() { return gate_; }

  const std::string& Token(Caller caller) {
    if (absl::Now() - minted_at_ > absl::Minutes(30)) Mint();
    return tokens_[static_cast<int>(caller)];
  }

 private:
  void Mint() {
    using C = Caller;
    const std::string here(kCommunity);
    std::vector<std::string> many;
    for (int i = 1; i <= 9; ++i) {
      many.push_back(absl::StrCat("communities/", here, "/households/1-1-", i));
    }
    tokens_.assign(kCallerCount, "");
    auto set = [&](C c, std::string token) {
      tokens_[static_cast<int>(c)] = std::move(token);
    };
    set(C::kGarbage, "not.a.token");
    set(C::kManagerAll, gate_.Manager());
    set(C::kManagerHere, gate_.Manager({here}, "m-here"));
    set(C::kStaffHere, gate_.Staff({here}, "desk-li"));
    set(C::kStaffElsewhere, gate_.Staff({std::string(kOtherCommunity)}));
    set(C::kOwnerHere, gate_.Owner({std::string(kOwnHousehold)}));
    set(C::kOwnerOfMany, gate_.Owner(many, "o-many"));
    set(C::kQualityAll, gate_.Quality());
    set(C::kSystemRead, gate_.System({area_ + ".read"}));
    set(C::kSystemReadWritePii,
        gate_.System({area_ + ".read", area_ + ".write", "pii.read"}));
    set(C::kSystemWrite, gate_.System({area_ + ".write"}, {here}, "crm-w"));
    minted_at_ = absl::Now();
  }

  steward::testing::TestGate gate_;
  const std::string area_;
  std::vector<std::string> tokens_;
  absl::Time minted_at_;
};

// Whether `code` may answer a client's request: OK or one of the codes the
// API documents for bad input, missing rights or stale state. INTERNAL and
// UNKNOWN (a bug or an unmapped error) and UNAVAILABLE (the fakes never are)
// may not.
inline bool ExpectedCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    default:
      return false;
  }
}

// The README's error contract: an expected code; INVALID_ARGUMENT with a
// BadRequest naming at least one field, every name non-empty;
// FAILED_PRECONDITION with a PreconditionFailure; UNAUTHENTICATED exactly
// when the caller has no valid token.
inline void CheckStatus(const grpc::Status& status, Caller caller,
                        absl::string_view method) {
  const std::string what = absl::StrCat(method, " -> ", status.error_code(),
                                        " ", status.error_message());
  FUZZ_CHECK(ExpectedCode(status.error_code()), what);
  FUZZ_CHECK(Unauthenticated(caller) ==
                 (status.error_code() == grpc::StatusCode::UNAUTHENTICATED),
             what);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    auto fields = BadRequestFields(status);
    FUZZ_CHECK(fields.has_value() && !fields->empty(), what);
    for (const std::string& field : *fields) FUZZ_CHECK(!field.empty(), what);
  }
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    FUZZ_CHECK(HasPreconditionFailure(status), what);
  }
}

// The audit contract with fakes (which commit no transaction): a write
// method leaves exactly one row, naming the outcome; a read method none.
inline void CheckAudit(steward::testing::FakeAuditSink& audit,
                       size_t rows_before, absl::string_view service,
                       absl::string_view method, const grpc::Status& status) {
  const std::string full = absl::StrCat(service, "/", method);
  const auth::MethodRule* rule = auth::FindRule(full);
  FUZZ_CHECK(rule != nullptr, full);
  const std::vector<db::AuditRow> rows = audit.rows();
  if (rule->access != auth::Access::kWrite) {
    FUZZ_CHECK(rows.size() == rows_before, full);
    return;
  }
  FUZZ_CHECK(rows.size() == rows_before + 1, full);
  const db::AuditRow& row = rows.back();
  FUZZ_CHECK(row.method == full, full);
  FUZZ_CHECK(row.status_code == static_cast<int>(status.error_code()), full);
  FUZZ_CHECK(row.allowed == (status.error_code() !=
                                 grpc::StatusCode::UNAUTHENTICATED &&
                             status.error_code() !=
                                 grpc::StatusCode::PERMISSION_DENIED),
             full);
}

// Calls one unary handler as `caller` and checks the status and audit
// contracts. The audit sink is emptied first, so it never grows.
template <typename Service, typename Request, typename Response>
grpc::Status Call(Callers& callers, Service& service,
                  grpc::Status (Service::*method)(grpc::ServerContext*,
                                                  const Request*, Response*),
                  absl::string_view method_name, Caller caller,
                  const Request& request, Response* response) {
  steward::testing::FakeAuditSink& audit = callers.gate().audit();
  audit.Clear();
  steward::testing::CallContext context(callers.Token(caller));
  const grpc::Status status =
      (service.*method)(context.get(), &request, response);
  static const bool trace = std::getenv("STEWARD_FUZZ_TRACE") != nullptr;
  if (trace) {
    std::fprintf(stderr, "%.*s as caller %d -> %d %s\n",
                 static_cast<int>(method_name.size()), method_name.data(),
                 static_cast<int>(caller), status.error_code(),
                 status.error_message().c_str());
  }
  CheckStatus(status, caller, method_name);
  CheckAudit(audit, 0, Service::kService, method_name, status);
  return status;
}

// Resources earlier steps created or changed: name → last etag seen.
class Known {
 public:
  void Saw(const std::string& name, const std::string& etag) {
    if (names_.emplace(name, etag).second) order_.push_back(name);
    names_[name] = etag;
  }
  bool empty() const { return order_.empty(); }
  const std::string& Name(size_t pick) const {
    return order_[pick % order_.size()];
  }
  const std::string& Etag(const std::string& name) const {
    return names_.at(name);
  }
  bool Contains(const std::string& name) const {
    return names_.contains(name);
  }

 private:
  std::map<std::string, std::string> names_;
  std::vector<std::string> order_;
};

}  // namespace steward::fuzz

#endif  // STEWARD_FUZZ_SERVICE_FUZZ_H_
