// Fuzz target: the kpi service's scorecard handlers
// (services/kpi/api/scorecard_grpc_service.*) over the unit tests'
// in-memory repository, called as every kind of caller through the real
// CallGate. The input is a program of CreateScorecard / GetScorecard /
// ListScorecards calls (service_fuzz.h); the invariants are
// crud_service_fuzz.h's.
#include <cstddef>
#include <cstdint>

#include "fuzz/crud_service_fuzz.h"
#include "services/kpi/api/scorecard_grpc_service.h"
#include "tests/unit/kpi/fake_scorecard_repository.h"

namespace steward::fuzz {
namespace {

namespace v1 = ::steward::kpi::v1;

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  FUZZ_CHECK(absl::LoadTimeZone("Asia/Shanghai", &zone), "install tzdata");
  return zone;
}

struct ScorecardTraits {
  using Service = kpi::ScorecardGrpcService;
  using Repository = kpi::testing::FakeScorecardRepository;
  using Desk = kpi::ScorecardDesk;
  using CreateRequest = v1::CreateScorecardRequest;
  using GetRequest = v1::GetScorecardRequest;
  using ListRequest = v1::ListScorecardsRequest;
  using Resource = v1::Scorecard;
  using ListResponse = v1::ListScorecardsResponse;
  static constexpr auto kCreate = &Service::CreateScorecard;
  static constexpr auto kGet = &Service::GetScorecard;
  static constexpr auto kList = &Service::ListScorecards;
  static inline const std::string kNoun = "Scorecard";
  static constexpr absl::string_view kCollection = "scorecards";

  static Desk MakeDesk(Repository& repository, kpi::Clock clock) {
    static const absl::TimeZone zone = Shanghai();
    return Desk(repository, std::move(clock), zone);
  }
  static size_t Size(Repository& repository) { return repository.size(); }
  static const auto& Items(const ListResponse& r) { return r.scorecards(); }
  static bool Matches(const Resource& scorecard, const ListRequest& request) {
    return request.period().empty() || scorecard.period() == request.period();
  }
};

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace steward::fuzz;
  static Callers* const callers = new Callers("kpi");
  CrudProgram<ScorecardTraits> program(*callers);
  program.Run(ReadSteps(data, size));
  return 0;
}
