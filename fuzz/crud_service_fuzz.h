// The body of the fuzz targets of the three services whose API is Create,
// Get and List of one resource (communication's notices, training's plans,
// kpi's scorecards): a program of calls (service_fuzz.h) against the real
// handler class over the unit tests' in-memory fake repository.
//
// Beyond the status and audit contracts every call keeps (service_fuzz.h):
//   * a refused Create stores nothing; an OK one stores one resource, or
//     none when it replays an earlier call (same name as before);
//   * an OK Create reads back by Get (as a company-wide manager) equal to
//     what Create answered, and repeating the call answers the same again;
//   * Get answers only resources a Create made, under the name asked for;
//   * List answers resources of the parent's community that match the
//     filter, newest first, at most the page size; a page token continues
//     exactly the query and caller it was issued to (a later page holds
//     only older resources) and is refused for any other.
//
// `Traits` names the service's types and what differs between them; see
// fuzz_communication_service.cc.
#ifndef STEWARD_FUZZ_CRUD_SERVICE_FUZZ_H_
#define STEWARD_FUZZ_CRUD_SERVICE_FUZZ_H_

#include <google/protobuf/util/message_differencer.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/rpc/resources.h"
#include "fuzz/service_fuzz.h"

namespace steward::fuzz {

// Principal ids of the Callers (Principal::id()): page tokens are bound to
// these, so two callers with one id share tokens.
inline std::string PrincipalIdOf(Caller caller) {
  switch (caller) {
    case Caller::kManagerAll: return "manager:m-1";
    case Caller::kManagerHere: return "manager:m-here";
    case Caller::kStaffHere: return "staff:desk-li";
    case Caller::kStaffElsewhere: return "staff:s-1";
    case Caller::kOwnerHere: return "owner:o-1";
    case Caller::kOwnerOfMany: return "owner:o-many";
    case Caller::kQualityAll: return "quality:q-1";
    case Caller::kSystemRead:
    case Caller::kSystemReadWritePii: return "system:crm";
    case Caller::kSystemWrite: return "system:crm-w";
    default: return "";
  }
}

// The id of "communities/{c}/{collection}/{id}", or nullopt.
inline std::optional<std::pair<std::string, int64_t>> SplitName(
    const std::string& name, absl::string_view collection) {
  auto child = rpc::ParseCommunityChild(name, collection);
  if (!child.ok()) return std::nullopt;
  return std::make_pair(child->community, child->id);
}

inline bool SameMessage(const google::protobuf::Message& a,
                        const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// A List call that answered a next_page_token: what it was bound to.
struct IssuedToken {
  std::string query;      // the request without page_size and page_token
  std::string principal;  // the caller's id
  std::string token;
  int64_t last_id = 0;    // the oldest id on that page
};

template <typename Traits>
class CrudProgram {
 public:
  using Service = typename Traits::Service;
  using Repository = typename Traits::Repository;
  using Desk = typename Traits::Desk;

  CrudProgram(Callers& callers)
      : callers_(callers),
        desk_(Traits::MakeDesk(repository_, [this] { return now_; })),
        service_(desk_, callers.gate().gate()) {}

  void Run(const std::vector<Step>& steps) {
    for (size_t i = 0; i < steps.size(); ++i) {
      const Step& step = steps[i];
      now_ += absl::Minutes(step.advance);
      const Caller caller = CallerOf(step.who);
      switch (step.op % 3) {
        case 0: Create(step, caller, i); break;
        case 1: Get(step, caller); break;
        case 2: List(step, caller); break;
      }
    }
  }

 private:
  using CreateRequest = typename Traits::CreateRequest;
  using GetRequest = typename Traits::GetRequest;
  using ListRequest = typename Traits::ListRequest;
  using Resource = typename Traits::Resource;
  using ListResponse = typename Traits::ListResponse;

  template <typename M>
  static bool Parse(const Step& step, M* message) {
    if (!message->ParseFromString(step.body)) return false;
    // The handlers ignore unknown fields; so do the comparisons below.
    message->DiscardUnknownFields();
    return true;
  }

  void Create(const Step& step, Caller caller, size_t index) {
    CreateRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name()) request.set_parent(Parent());
    if (step.fix_request_id()) request.set_request_id(absl::StrCat("fz-", index));
    const size_t before = Traits::Size(repository_);
    Resource created;
    const grpc::Status status =
        Call(callers_, service_, Traits::kCreate, "Create" + Traits::kNoun,
             caller, request, &created);
    if (!status.ok()) {
      FUZZ_CHECK(Traits::Size(repository_) == before,
                 "a refused Create stored something");
      return;
    }
    auto name = SplitName(created.name(), Traits::kCollection);
    FUZZ_CHECK(name.has_value(), created.name());
    FUZZ_CHECK("communities/" + name->first == request.parent(),
               created.name());
    const bool replay = known_.Contains(created.name());
    FUZZ_CHECK(Traits::Size(repository_) == before + (replay ? 0 : 1),
               "an OK Create stored the wrong number of resources");
    known_.Saw(created.name(), created.etag());

    GetRequest get;
    get.set_name(created.name());
    Resource read;
    FUZZ_CHECK(Call(callers_, service_, Traits::kGet, "Get" + Traits::kNoun,
                    Caller::kManagerAll, get, &read)
                   .ok(),
               "a created resource does not read back");
    FUZZ_CHECK(SameMessage(read, created), read.DebugString());

    Resource again;
    const grpc::Status retry =
        Call(callers_, service_, Traits::kCreate, "Create" + Traits::kNoun,
             caller, request, &again);
    FUZZ_CHECK(retry.ok(), retry.error_message());
    FUZZ_CHECK(SameMessage(again, created), again.DebugString());
    FUZZ_CHECK(Traits::Size(repository_) == before + (replay ? 0 : 1),
               "a retried Create stored again");
  }

  void Get(const Step& step, Caller caller) {
    GetRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name() && !known_.empty()) {
      request.set_name(known_.Name(step.pick()));
    }
    const size_t before = Traits::Size(repository_);
    Resource read;
    const grpc::Status status = Call(callers_, service_, Traits::kGet,
                                     "Get" + Traits::kNoun, caller, request,
                                     &read);
    FUZZ_CHECK(Traits::Size(repository_) == before);
    if (!status.ok()) return;
    FUZZ_CHECK(read.name() == request.name(), read.name());
    FUZZ_CHECK(known_.Contains(read.name()), read.name());
  }

  void List(const Step& step, Caller caller) {
    ListRequest request;
    if (!Parse(step, &request)) return;
    if (step.fix_name()) request.set_parent(Parent());
    std::optional<IssuedToken> replayed;
    if (step.fix_page_token() && issued_.has_value()) {
      request.set_page_token(issued_->token);
      replayed = issued_;
    }
    const size_t before = Traits::Size(repository_);
    ListResponse response;
    const grpc::Status status = Call(callers_, service_, Traits::kList,
                                     "List" + Traits::kNoun + "s", caller,
                                     request, &response);
    FUZZ_CHECK(Traits::Size(repository_) == before);
    const std::string query = QueryOf(request);
    const std::string principal = PrincipalIdOf(caller);
    if (replayed.has_value()) {
      const bool same =
          replayed->query == query && replayed->principal == principal;
      if (same && request.page_size() >= 0) {
        FUZZ_CHECK(status.ok(), "a page token was refused for its own query: " +
                                    status.error_message());
      }
      if (!same) {
        FUZZ_CHECK(!status.ok(), "a page token was accepted for another "
                                 "query or caller");
      }
    }
    if (!status.ok()) return;

    const auto& items = Traits::Items(response);
    const int limit = request.page_size() == 0
                          ? rpc::kDefaultPageSize
                          : std::min(request.page_size(), rpc::kMaxPageSize);
    FUZZ_CHECK(items.size() <= limit);
    int64_t previous = replayed.has_value() ? replayed->last_id : INT64_MAX;
    for (const Resource& item : items) {
      auto name = SplitName(item.name(), Traits::kCollection);
      FUZZ_CHECK(name.has_value() && known_.Contains(item.name()), item.name());
      FUZZ_CHECK("communities/" + name->first == request.parent(),
                 item.name());
      FUZZ_CHECK(name->second < previous, "List is not newest first, or a "
                                          "later page repeats a resource");
      previous = name->second;
      FUZZ_CHECK(Traits::Matches(item, request), item.DebugString());
    }
    if (!response.next_page_token().empty()) {
      FUZZ_CHECK(items.size() == limit, "a next page after a short page");
      issued_ = IssuedToken{query, principal, response.next_page_token(),
                            previous};
    }
  }

  static std::string QueryOf(ListRequest request) {
    request.clear_page_size();
    request.clear_page_token();
    return request.SerializeAsString();
  }

  static std::string Parent() { return absl::StrCat("communities/", kCommunity); }

  Callers& callers_;
  absl::Time now_ = absl::FromUnixSeconds(1792029600);  // 2026-10-13 10:00 +08
  Repository repository_;
  Desk desk_;
  Service service_;
  Known known_;
  std::optional<IssuedToken> issued_;
};

}  // namespace steward::fuzz

#endif  // STEWARD_FUZZ_CRUD_SERVICE_FUZZ_H_
