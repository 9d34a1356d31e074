// Fuzz target: the training service's plan handlers
// (services/training/api/training_grpc_service.*) over the unit tests'
// in-memory repository, called as every kind of caller through the real
// CallGate. The input is a program of CreateTrainingPlan / GetTrainingPlan /
// ListTrainingPlans calls (service_fuzz.h); the invariants are
// crud_service_fuzz.h's.
#include <cstddef>
#include <cstdint>

#include "fuzz/crud_service_fuzz.h"
#include "services/training/api/training_grpc_service.h"
#include "tests/unit/training/fake_training_plan_repository.h"

namespace steward::fuzz {
namespace {

namespace v1 = ::steward::training::v1;

struct TrainingPlanTraits {
  using Service = training::TrainingGrpcService;
  using Repository = training::testing::FakeTrainingPlanRepository;
  using Desk = training::TrainingDesk;
  using CreateRequest = v1::CreateTrainingPlanRequest;
  using GetRequest = v1::GetTrainingPlanRequest;
  using ListRequest = v1::ListTrainingPlansRequest;
  using Resource = v1::TrainingPlan;
  using ListResponse = v1::ListTrainingPlansResponse;
  static constexpr auto kCreate = &Service::CreateTrainingPlan;
  static constexpr auto kGet = &Service::GetTrainingPlan;
  static constexpr auto kList = &Service::ListTrainingPlans;
  static inline const std::string kNoun = "TrainingPlan";
  static constexpr absl::string_view kCollection = "trainingPlans";

  static Desk MakeDesk(Repository& repository, training::Clock clock) {
    return Desk(repository, std::move(clock));
  }
  static size_t Size(Repository& repository) { return repository.size(); }
  static const auto& Items(const ListResponse& r) { return r.training_plans(); }
  static bool Matches(const Resource& plan, const ListRequest& request) {
    return request.line() == steward::common::v1::LINE_UNSPECIFIED ||
           plan.line() == request.line();
  }
};

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace steward::fuzz;
  static Callers* const callers = new Callers("training");
  CrudProgram<TrainingPlanTraits> program(*callers);
  program.Run(ReadSteps(data, size));
  return 0;
}
