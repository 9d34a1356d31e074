// Fuzz target: the communication service's notice handlers
// (services/communication/api/notice_grpc_service.*) over the unit tests'
// in-memory repository, called as every kind of caller through the real
// CallGate. The input is a program of CreateNotice / GetNotice / ListNotices
// calls (service_fuzz.h); the invariants are crud_service_fuzz.h's.
#include <cstddef>
#include <cstdint>

#include "fuzz/crud_service_fuzz.h"
#include "services/communication/api/notice_grpc_service.h"
#include "tests/unit/communication/fake_notice_repository.h"

namespace steward::fuzz {
namespace {

namespace v1 = ::steward::communication::v1;

struct NoticeTraits {
  using Service = communication::NoticeGrpcService;
  using Repository = communication::FakeNoticeRepository;
  using Desk = communication::NoticeDesk;
  using CreateRequest = v1::CreateNoticeRequest;
  using GetRequest = v1::GetNoticeRequest;
  using ListRequest = v1::ListNoticesRequest;
  using Resource = v1::Notice;
  using ListResponse = v1::ListNoticesResponse;
  static constexpr auto kCreate = &Service::CreateNotice;
  static constexpr auto kGet = &Service::GetNotice;
  static constexpr auto kList = &Service::ListNotices;
  static inline const std::string kNoun = "Notice";
  static constexpr absl::string_view kCollection = "notices";

  static Desk MakeDesk(Repository& repository, communication::Clock clock) {
    return Desk(repository, std::move(clock));
  }
  static size_t Size(Repository& repository) { return repository.size(); }
  static const auto& Items(const ListResponse& r) { return r.notices(); }
  static bool Matches(const Resource& notice, const ListRequest& request) {
    return request.kind() == v1::NOTICE_KIND_UNSPECIFIED ||
           notice.kind() == request.kind();
  }
};

}  // namespace
}  // namespace steward::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace steward::fuzz;
  static Callers* const callers = new Callers("communication");
  CrudProgram<NoticeTraits> program(*callers);
  program.Run(ReadSteps(data, size));
  return 0;
}
