// steward-bench: the load generator and seeder of scripts/bench.sh.
//
//   steward-bench seed --target=127.0.0.1:50051 --token_file=T --tickets=1000000
//       --db_port=P --db_password_file=F --samples_out=S
//     registers one template ticket per kind × priority through the API, fans
//     them out to --tickets copies over --communities communities, and writes
//     a random sample of "community id" lines for point reads.
//
//   steward-bench echo-body --samples_out=F
//     writes one Echo call's length-prefixed body, for h2load.
//
//   steward-bench load --kind=echo|create|get|list|storage --concurrency=16
//       [--rate=N] --warmup=2s --duration=8s [--pids=name:pid,...] ...
//     closed loop (--concurrency calls always in flight) or, with --rate,
//     open loop (calls start on a fixed schedule and latency counts from the
//     scheduled start, so a stalled server cannot hide its queue). Callback
//     API, --concurrency channels (at most 8) with a connection each, a
//     unique request_id on every call. Every status is counted: only OK
//     counts as throughput and latency. `storage` runs CreateTicket's own
//     storage path (TicketDesk::Register → MysqlTicketRepository::Create) on
//     a pool of the service's size, in this process, without gRPC.
//     Prints one JSON object: throughput, p50/p99/p99.9, status counts and
//     the CPU seconds of this process and of each --pids process over the
//     measured window.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/calendar/business_calendar.h"
#include "common/calendar/holiday_table.h"
#include "common/client/channel.h"
#include "common/crypto/data_keys.h"
#include "common/db/audit_trail.h"
#include "common/db/call_deadline.h"
#include "common/db/connection_pool.h"
#include "services/tickets/domain/sla.h"
#include "services/tickets/domain/ticket_desk.h"
#include "services/tickets/storage/bulk_seed.h"
#include "services/tickets/storage/mysql_ticket_repository.h"
#include "steward/bench/v1/echo.grpc.pb.h"
#include "steward/tickets/v1/tickets.grpc.pb.h"

ABSL_FLAG(std::string, kind, "echo", "echo|create|get|list|storage");
ABSL_FLAG(std::string, target, "127.0.0.1:50051", "gRPC target (plaintext loopback)");
ABSL_FLAG(std::string, token_file, "", "Bearer token file (Steward targets)");
ABSL_FLAG(int, concurrency, 1, "Calls in flight (closed loop), channels");
ABSL_FLAG(double, rate, 0, "Open loop: calls started per second (0: closed loop)");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "Load before measuring");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(8), "Measured window");
ABSL_FLAG(absl::Duration, call_timeout, absl::Seconds(5), "Deadline per call");
ABSL_FLAG(std::string, pids, "", "name:pid,... whose CPU is measured too");
ABSL_FLAG(std::string, samples, "", "get: file of \"community id\" lines");
ABSL_FLAG(std::string, list_community, "bench-7", "list: the community");
ABSL_FLAG(std::string, create_community, "bench-load", "create/storage: community");
ABSL_FLAG(int, echo_bytes, 256, "echo: payload size");
ABSL_FLAG(std::string, label, "", "Copied into the JSON line");
// storage and seed
ABSL_FLAG(int, db_port, 3306, "MariaDB port (storage, seed)");
ABSL_FLAG(std::string, db_password_file, "", "steward_tickets' password file");
ABSL_FLAG(int, db_pool_size, 8, "storage: pool size (the service's)");
ABSL_FLAG(std::string, data_keys_file, "", "storage: the service's data keys");
ABSL_FLAG(std::string, calendar_file, "", "storage: the holiday table");
// seed
ABSL_FLAG(int64_t, tickets, 1000000, "seed: copies to make");
ABSL_FLAG(int, communities, 20, "seed: communities bench-0 .. bench-(N-1)");
ABSL_FLAG(std::string, samples_out, "", "seed: where to write the sample");
ABSL_FLAG(int, templates, 8, "seed: templates used (kind x priority, 1..8)");
ABSL_FLAG(std::string, community_prefix, "bench-", "seed: community prefix");
ABSL_FLAG(std::string, request_prefix, "seed-", "seed: request_id prefix");
ABSL_FLAG(absl::Duration, clocks_from, absl::Hours(720),
          "seed: copy n's first SLA step falls due at now + this + n x "
          "--clocks_every (0: copies get no clocks)");
ABSL_FLAG(absl::Duration, clocks_every, absl::Seconds(1), "seed: see --clocks_from");
ABSL_FLAG(std::string, template_community, "bench-template",
          "seed: where the templates are registered");
ABSL_FLAG(absl::Duration, template_first_response, absl::ZeroDuration(),
          "seed: when set, the template community first gets an SLA policy "
          "row for routine household repairs whose only target is a first "
          "response within this much natural time, so a copy's handler "
          "warning, supervisor warning and breach all fall due within it");

namespace {

namespace tv1 = steward::tickets::v1;
namespace bv1 = steward::bench::v1;
namespace tickets = steward::tickets;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "steward-bench: %s\n", message.c_str());
  std::exit(2);
}

std::string ReadTrimmed(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// CPU seconds (user + system) of a process, from /proc/<pid>/stat.
double ProcessCpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  std::getline(in, line);
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(line.substr(close + 2), ' ');
  // Fields after the command: state is [0]; utime and stime are [11], [12].
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return 0;
  }
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

struct WatchedProcess {
  std::string name;
  int pid = 0;
  double cpu_at_start = 0;
  double cpu_at_end = 0;
};

std::vector<WatchedProcess> ParsePids(const std::string& spec) {
  std::vector<WatchedProcess> out;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(item, ':');
    WatchedProcess p;
    p.name = parts.first;
    if (!absl::SimpleAtoi(parts.second, &p.pid)) Die("bad --pids entry");
    out.push_back(p);
  }
  return out;
}

// Latencies and statuses of the calls that started inside the window.
class Recorder {
 public:
  Recorder(absl::Time window_start, absl::Time window_end)
      : start_(window_start), end_(window_end) {
    latencies_us_.reserve(1 << 20);
  }
  void Record(absl::Time started, absl::Time finished, int code) {
    if (started < start_ || started >= end_) return;
    absl::MutexLock lock(&mu_);
    ++codes_[code];
    if (code == 0) {
      latencies_us_.push_back(absl::ToInt64Microseconds(finished - started));
    }
  }
  void Dropped() {
    absl::MutexLock lock(&mu_);
    ++dropped_;
  }
  absl::Time window_start() const { return start_; }
  absl::Time window_end() const { return end_; }

  std::string Json(double seconds) {
    absl::MutexLock lock(&mu_);
    std::sort(latencies_us_.begin(), latencies_us_.end());
    auto percentile = [this](double p) -> double {
      if (latencies_us_.empty()) return 0;
      size_t index = static_cast<size_t>(p * (latencies_us_.size() - 1) + 0.5);
      return latencies_us_[std::min(index, latencies_us_.size() - 1)] / 1000.0;
    };
    int64_t errors = 0;
    std::string codes;
    for (const auto& [code, count] : codes_) {
      if (code != 0) errors += count;
      absl::StrAppend(&codes, codes.empty() ? "" : ",", "\"", code, "\":", count);
    }
    const int64_t ok = static_cast<int64_t>(latencies_us_.size());
    return absl::StrCat(
        "\"ok\":", ok, ",\"errors\":", errors, ",\"dropped\":", dropped_,
        ",\"status_counts\":{", codes, "}",
        ",\"throughput\":", seconds > 0 ? ok / seconds : 0,
        ",\"p50_ms\":", percentile(0.50), ",\"p99_ms\":", percentile(0.99),
        ",\"p999_ms\":", percentile(0.999),
        ",\"max_ms\":", latencies_us_.empty() ? 0 : latencies_us_.back() / 1000.0);
  }

 private:
  const absl::Time start_, end_;
  absl::Mutex mu_;
  std::vector<int64_t> latencies_us_ ABSL_GUARDED_BY(mu_);
  std::map<int, int64_t> codes_ ABSL_GUARDED_BY(mu_);
  int64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

// Starts one asynchronous call; `done` gets its status code.
using StartCall = std::function<void(int64_t seq, std::function<void(int)> done)>;

// Unique per process run and call.
std::string RequestId(int64_t seq) {
  static const std::string prefix =
      absl::StrCat("bench-", getpid(), "-", absl::ToUnixMillis(absl::Now()), "-");
  return absl::StrCat(prefix, seq);
}

tv1::CreateTicketRequest CreateRequest(const std::string& community) {
  tv1::CreateTicketRequest request;
  request.set_parent("communities/" + community);
  tv1::Ticket* t = request.mutable_ticket();
  t->set_kind(tv1::TICKET_KIND_HOUSEHOLD_REPAIR);
  t->set_priority(tv1::PRIORITY_ROUTINE);
  t->set_channel(tv1::CHANNEL_APP);
  t->set_line(steward::common::v1::LINE_ENGINEERING);
  t->set_description("Kitchen tap dripping (benchmark)");
  t->mutable_location()->set_building("3");
  t->mutable_location()->set_unit("2");
  t->mutable_location()->set_room("1201");
  t->set_household("3-2-1201");
  t->set_contact_name("王小明");
  t->set_contact_phone("13912345678");
  return request;
}

template <typename Request, typename Response>
struct Call {
  grpc::ClientContext context;
  Request request;
  Response response;
};

class GrpcTargets {
 public:
  GrpcTargets(int channels, const std::string& token) {
    for (int i = 0; i < channels; ++i) {
      auto channel = steward::client::MakeChannel(
          {.target = absl::GetFlag(FLAGS_target),
           .bearer_token = token,
           .own_connection = true});
      if (!channel.ok()) Die(std::string(channel.status().message()));
      channels_.push_back(*channel);
      tickets_.push_back(tv1::TicketService::NewStub(*channel));
      echo_.push_back(bv1::EchoService::NewStub(*channel));
    }
  }

  StartCall For(const std::string& kind) {
    const absl::Duration timeout = absl::GetFlag(FLAGS_call_timeout);
    if (kind == "echo") {
      auto payload = std::make_shared<std::string>(absl::GetFlag(FLAGS_echo_bytes), 'x');
      return [this, payload, timeout](int64_t seq, std::function<void(int)> done) {
        auto* call = new Call<bv1::EchoRequest, bv1::EchoResponse>;
        call->request.set_payload(*payload);
        call->request.set_request_id(RequestId(seq));
        steward::client::SetDeadline(call->context, timeout);
        echo_[seq % echo_.size()]->async()->Echo(
            &call->context, &call->request, &call->response,
            [call, done](grpc::Status status) {
              done(status.error_code());
              delete call;
            });
      };
    }
    if (kind == "create") {
      auto base = std::make_shared<tv1::CreateTicketRequest>(
          CreateRequest(absl::GetFlag(FLAGS_create_community)));
      return [this, base, timeout](int64_t seq, std::function<void(int)> done) {
        auto* call = new Call<tv1::CreateTicketRequest, tv1::Ticket>;
        call->request = *base;
        call->request.set_request_id(RequestId(seq));
        steward::client::SetDeadline(call->context, timeout);
        tickets_[seq % tickets_.size()]->async()->CreateTicket(
            &call->context, &call->request, &call->response,
            [call, done](grpc::Status status) {
              done(status.error_code());
              delete call;
            });
      };
    }
    if (kind == "get") {
      auto names = std::make_shared<std::vector<std::string>>(LoadSample());
      return [this, names, timeout](int64_t seq, std::function<void(int)> done) {
        auto* call = new Call<tv1::GetTicketRequest, tv1::Ticket>;
        // A stride through the shuffled sample: spread over the whole table.
        call->request.set_name((*names)[(seq * 7919) % names->size()]);
        steward::client::SetDeadline(call->context, timeout);
        tickets_[seq % tickets_.size()]->async()->GetTicket(
            &call->context, &call->request, &call->response,
            [call, done](grpc::Status status) {
              done(status.error_code());
              delete call;
            });
      };
    }
    if (kind == "list") {
      // A page of 50 with a filter (kind and priority: one template in 8).
      auto base = std::make_shared<tv1::ListTicketsRequest>();
      base->set_parent("communities/" + absl::GetFlag(FLAGS_list_community));
      base->set_page_size(50);
      base->set_kind(tv1::TICKET_KIND_COMPLAINT);
      base->set_priority(tv1::PRIORITY_URGENT);
      return [this, base, timeout](int64_t seq, std::function<void(int)> done) {
        auto* call = new Call<tv1::ListTicketsRequest, tv1::ListTicketsResponse>;
        call->request = *base;
        steward::client::SetDeadline(call->context, timeout);
        tickets_[seq % tickets_.size()]->async()->ListTickets(
            &call->context, &call->request, &call->response,
            [call, done](grpc::Status status) {
              // An empty page would measure nothing: count it as an error.
              done(status.ok() && call->response.tickets_size() < 50
                       ? static_cast<int>(grpc::StatusCode::NOT_FOUND)
                       : status.error_code());
              delete call;
            });
      };
    }
    Die("unknown --kind " + kind);
  }

 private:
  static std::vector<std::string> LoadSample() {
    std::ifstream in(absl::GetFlag(FLAGS_samples));
    std::vector<std::string> names;
    std::string community;
    int64_t id;
    while (in >> community >> id) {
      names.push_back(absl::StrCat("communities/", community, "/tickets/", id));
    }
    if (names.empty()) Die("--samples holds no tickets");
    return names;
  }

  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<tv1::TicketService::Stub>> tickets_;
  std::vector<std::unique_ptr<bv1::EchoService::Stub>> echo_;
};

// Closed loop: `concurrency` calls in flight until the window ends.
void ClosedLoop(const StartCall& start, int concurrency, Recorder& recorder) {
  std::atomic<int64_t> next_seq{0};
  absl::Mutex mu;
  int in_flight = concurrency;
  std::function<void()> issue = [&] {
    const int64_t seq = next_seq++;
    const absl::Time started = absl::Now();
    start(seq, [&, started](int code) {
      const absl::Time finished = absl::Now();
      recorder.Record(started, finished, code);
      if (finished < recorder.window_end()) {
        issue();
      } else {
        absl::MutexLock lock(&mu);
        --in_flight;
      }
    });
  };
  for (int i = 0; i < concurrency; ++i) issue();
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &in_flight));
}

// Open loop: call i starts at window_start - warmup + i / rate; at most
// `max_in_flight` outstanding (beyond that a call is counted as dropped).
void OpenLoop(const StartCall& start, double rate, absl::Time begin,
              Recorder& recorder) {
  constexpr int kMaxInFlight = 20000;
  absl::Mutex mu;
  int in_flight = 0;
  for (int64_t seq = 0;; ++seq) {
    const absl::Time scheduled =
        begin + absl::Seconds(static_cast<double>(seq) / rate);
    if (scheduled >= recorder.window_end()) break;
    const absl::Time now = absl::Now();
    if (scheduled > now) absl::SleepFor(scheduled - now);
    {
      absl::MutexLock lock(&mu);
      if (in_flight >= kMaxInFlight) {
        if (scheduled >= recorder.window_start()) recorder.Dropped();
        continue;
      }
      ++in_flight;
    }
    start(seq, [&, scheduled](int code) {
      recorder.Record(scheduled, absl::Now(), code);
      absl::MutexLock lock(&mu);
      --in_flight;
    });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(+[](int* n) { return *n == 0; }, &in_flight));
}

steward::db::DbConfig TicketsDb() {
  steward::db::DbConfig config;
  config.port = absl::GetFlag(FLAGS_db_port);
  config.user = "steward_tickets";
  config.schema = "steward_tickets";
  config.password = ReadTrimmed(absl::GetFlag(FLAGS_db_password_file));
  config.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  // The services' queue (common/server/server_config.cc: 8 x pool), so the
  // storage baseline refuses no more than Steward would.
  config.max_waiters = 8 * config.pool_size;
  return config;
}

// CreateTicket's storage path without gRPC: `concurrency` threads, each
// calling TicketDesk::Register in a loop (blocking, like the sync server),
// with the call deadline and the audit row the service's gate adds, so the
// SQL is exactly CreateTicket's (the audit INSERT included).
void StorageLoop(int concurrency, Recorder& recorder) {
  prometheus::Registry registry;
  steward::db::DbMetrics metrics(registry);
  auto pool = steward::db::ConnectionPool::Create(TicketsDb(), &metrics);
  if (!pool.ok()) Die(std::string(pool.status().message()));
  auto keys = steward::crypto::DataKeyRing::LoadFile(
      absl::GetFlag(FLAGS_data_keys_file));
  if (!keys.ok()) Die(std::string(keys.status().message()));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Asia/Shanghai", &zone)) Die("no tzdata");
  auto holidays = steward::calendar::LoadHolidayTableFile(
      absl::GetFlag(FLAGS_calendar_file));
  if (!holidays.ok()) Die(std::string(holidays.status().message()));
  auto calendar = steward::calendar::BusinessCalendar::Create(
      zone, steward::calendar::WeeklyHours::Default(), *std::move(holidays));
  if (!calendar.ok()) Die(std::string(calendar.status().message()));
  tickets::MysqlTicketRepository repository(**pool, *keys);
  tickets::TicketDesk desk(
      repository, [] { return absl::Now(); },
      tickets::SlaRules{tickets::DefaultSlaPolicies(), *std::move(calendar)});
  if (absl::Status s = desk.LoadPolicies(); !s.ok()) Die(std::string(s.message()));

  tickets::TicketDraft draft;
  draft.community = absl::GetFlag(FLAGS_create_community);
  draft.kind = tickets::TicketKind::kHouseholdRepair;
  draft.priority = tickets::Priority::kRoutine;
  draft.channel = tickets::Channel::kApp;
  draft.line = tickets::Line::kEngineering;
  draft.description = "Kitchen tap dripping (benchmark)";
  draft.location = {.building = "3", .unit = "2", .room = "1201"};
  draft.household = "3-2-1201";
  draft.contact_name = "王小明";
  draft.contact_phone = "13912345678";
  draft.received_by = "bench";

  steward::db::MysqlAuditSink audit(**pool);
  const absl::Duration call_timeout = absl::GetFlag(FLAGS_call_timeout);
  std::atomic<int64_t> audit_failures{0};
  std::atomic<int64_t> next_seq{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&] {
      while (true) {
        const int64_t seq = next_seq++;
        const std::string request_id = RequestId(seq);
        const absl::Time started = absl::Now();
        if (started >= recorder.window_end()) break;
        // What the service's CallGate wraps around the same call: the
        // caller's deadline reaches the pool, and the audit row rides in
        // the create's transaction (written alone if nothing committed).
        steward::db::ScopedCallDeadline deadline(started + call_timeout);
        steward::db::AuditRow row;
        row.at = started;
        row.principal = "manager:bench";
        row.role = "manager";
        row.method = "steward.tickets.v1.TicketService/CreateTicket";
        row.resource = "communities/" + draft.community;
        row.request_id = request_id;
        row.allowed = true;
        steward::db::PendingAudit pending(std::move(row));
        auto view = desk.Register(draft, request_id, request_id);
        const int code = static_cast<int>(view.status().code());
        if (!pending.Finish(audit, code).ok()) ++audit_failures;
        recorder.Record(started, absl::Now(), code);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (audit_failures > 0) {
    std::fprintf(stderr, "steward-bench: %lld audit rows not written\n",
                 static_cast<long long>(audit_failures.load()));
  }
}

int Load() {
  const std::string kind = absl::GetFlag(FLAGS_kind);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const double rate = absl::GetFlag(FLAGS_rate);
  if (concurrency < 1 || rate < 0) Die("--concurrency >= 1, --rate >= 0");
  std::vector<WatchedProcess> watched = ParsePids(absl::GetFlag(FLAGS_pids));

  std::unique_ptr<GrpcTargets> grpc_targets;
  StartCall start;
  if (kind != "storage") {
    const std::string token_file = absl::GetFlag(FLAGS_token_file);
    grpc_targets = std::make_unique<GrpcTargets>(
        std::min(concurrency, 8), token_file.empty() ? "" : ReadTrimmed(token_file));
    start = grpc_targets->For(kind);
  }

  const absl::Time begin = absl::Now();
  const absl::Time window_start = begin + absl::GetFlag(FLAGS_warmup);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  Recorder recorder(window_start, window_start + duration);
  double self_cpu_start = 0;
  std::thread sampler([&] {
    absl::SleepFor(window_start - absl::Now());
    self_cpu_start = SelfCpuSeconds();
    for (auto& p : watched) p.cpu_at_start = ProcessCpuSeconds(p.pid);
    absl::SleepFor(recorder.window_end() - absl::Now());
    for (auto& p : watched) p.cpu_at_end = ProcessCpuSeconds(p.pid);
  });
  if (kind == "storage") {
    StorageLoop(concurrency, recorder);
  } else if (rate > 0) {
    OpenLoop(start, rate, begin, recorder);
  } else {
    ClosedLoop(start, concurrency, recorder);
  }
  sampler.join();
  const double self_cpu = SelfCpuSeconds() - self_cpu_start;  // includes drain

  const double seconds = absl::ToDoubleSeconds(duration);
  std::string cpu = absl::StrCat("\"loadgen\":", self_cpu);
  for (const auto& p : watched) {
    absl::StrAppend(&cpu, ",\"", p.name, "\":", p.cpu_at_end - p.cpu_at_start);
  }
  std::printf(
      "{\"label\":\"%s\",\"kind\":\"%s\",\"mode\":\"%s\",\"concurrency\":%d,"
      "\"rate\":%g,\"seconds\":%g,%s,\"cpu_seconds\":{%s}}\n",
      absl::GetFlag(FLAGS_label).c_str(), kind.c_str(),
      rate > 0 ? "open" : "closed", concurrency, rate, seconds,
      recorder.Json(seconds).c_str(), cpu.c_str());
  return 0;
}

// One template per kind × priority, registered through the API.
int Seed() {
  auto channel = steward::client::MakeChannel(
      {.target = absl::GetFlag(FLAGS_target),
       .bearer_token = ReadTrimmed(absl::GetFlag(FLAGS_token_file))});
  if (!channel.ok()) Die(std::string(channel.status().message()));
  auto stub = tv1::TicketService::NewStub(*channel);
  const tv1::TicketKind kinds[] = {
      tv1::TICKET_KIND_HOUSEHOLD_REPAIR, tv1::TICKET_KIND_PUBLIC_REPAIR,
      tv1::TICKET_KIND_COMPLAINT, tv1::TICKET_KIND_INQUIRY};
  const tv1::Priority priorities[] = {tv1::PRIORITY_ROUTINE, tv1::PRIORITY_URGENT};
  const std::string template_community = absl::GetFlag(FLAGS_template_community);
  if (const absl::Duration first_response =
          absl::GetFlag(FLAGS_template_first_response);
      first_response > absl::ZeroDuration()) {
    tv1::CreateSlaPolicyRequest request;
    request.set_policy_id(template_community + "-wave");
    tv1::SlaPolicy* policy = request.mutable_policy();
    policy->set_kind(tv1::TICKET_KIND_HOUSEHOLD_REPAIR);
    policy->set_priority(tv1::PRIORITY_ROUTINE);
    policy->set_community(template_community);
    tv1::SlaPolicy::Target* target = policy->add_targets();
    target->set_target(tv1::SLA_TARGET_FIRST_RESPONSE);
    target->set_clock(tv1::SlaPolicy::Target::CLOCK_NATURAL);
    target->mutable_duration()->set_seconds(
        absl::ToInt64Seconds(first_response));
    tv1::SlaPolicy created;
    grpc::ClientContext context;
    steward::client::SetDeadline(context, absl::Seconds(10));
    grpc::Status status = stub->CreateSlaPolicy(&context, request, &created);
    if (!status.ok()) Die("SLA policy: " + status.error_message());
  }
  std::vector<int64_t> templates;
  const size_t wanted = static_cast<size_t>(absl::GetFlag(FLAGS_templates));
  if (wanted < 1 || wanted > 8) Die("--templates is 1..8");
  for (tv1::TicketKind kind : kinds) {
    for (tv1::Priority priority : priorities) {
      if (templates.size() == wanted) break;
      tv1::CreateTicketRequest request = CreateRequest(template_community);
      request.mutable_ticket()->set_kind(kind);
      request.mutable_ticket()->set_priority(priority);
      request.set_request_id(RequestId(static_cast<int64_t>(templates.size())));
      tv1::Ticket created;
      grpc::ClientContext context;
      steward::client::SetDeadline(context, absl::Seconds(10));
      grpc::Status status = stub->CreateTicket(&context, request, &created);
      if (!status.ok()) Die("template: " + status.error_message());
      int64_t id = 0;
      const std::string name = created.name();
      if (!absl::SimpleAtoi(name.substr(name.rfind('/') + 1), &id)) {
        Die("unexpected ticket name " + name);
      }
      templates.push_back(id);
    }
  }

  prometheus::Registry registry;
  steward::db::DbMetrics metrics(registry);
  auto pool = steward::db::ConnectionPool::Create(TicketsDb(), &metrics);
  if (!pool.ok()) Die(std::string(pool.status().message()));
  const int64_t total = absl::GetFlag(FLAGS_tickets);
  const absl::Time began = absl::Now();
  const absl::Duration clocks_from = absl::GetFlag(FLAGS_clocks_from);
  int64_t inserted = 0;
  // Copies of the templates are interleaved in rounds of kRound copy
  // numbers, so each community's tickets mix kinds and priorities in id
  // order as real ones do (about kRound / communities in a row of one
  // template), instead of one template's copies all above another's, which
  // would turn a filtered newest-first page into a scan of tens of
  // thousands of rows.
  constexpr int64_t kRound = 400;
  const int64_t per_template_rounded =
      (total / static_cast<int64_t>(templates.size()) + kRound - 1) / kRound * kRound;
  for (int64_t round = 0; inserted < total; ++round) {
    for (size_t i = 0; i < templates.size() && inserted < total; ++i) {
      tickets::CloneSpec spec;
      spec.template_id = templates[i];
      spec.first = static_cast<int64_t>(i) * per_template_rounded + round * kRound + 1;
      spec.count = std::min(kRound, total - inserted);
      spec.community_prefix = absl::GetFlag(FLAGS_community_prefix);
      spec.communities = absl::GetFlag(FLAGS_communities);
      spec.request_prefix = absl::GetFlag(FLAGS_request_prefix);
      if (clocks_from > absl::ZeroDuration()) {
        // Copies of every template share one schedule: copy n's first step
        // at began + clocks_from + n x clocks_every.
        spec.due_origin = began + clocks_from;
        spec.due_step = absl::GetFlag(FLAGS_clocks_every);
      }
      auto copied = tickets::CloneTicket(**pool, spec);
      if (!copied.ok()) Die(std::string(copied.status().message()));
      inserted += *copied;
    }
    if (round % 250 == 249 || inserted >= total) {
      std::fprintf(stderr, "seeded %lld / %lld tickets (%.0f s)\n",
                   static_cast<long long>(inserted), static_cast<long long>(total),
                   absl::ToDoubleSeconds(absl::Now() - began));
    }
  }
  const double seed_seconds = absl::ToDoubleSeconds(absl::Now() - began);
  size_t sampled = 0;
  if (const std::string path = absl::GetFlag(FLAGS_samples_out); !path.empty()) {
    auto sample = tickets::SampleTickets(**pool, 20000, 42);
    if (!sample.ok()) Die(std::string(sample.status().message()));
    std::ofstream out(path);
    for (const auto& [community, id] : *sample) out << community << " " << id << "\n";
    sampled = sample->size();
  }
  std::printf("{\"seeded\":%lld,\"seconds\":%g,\"sampled\":%zu,"
              "\"first_due_unix\":%.3f}\n",
              static_cast<long long>(inserted), seed_seconds, sampled,
              absl::ToDoubleSeconds((began + clocks_from) - absl::UnixEpoch()));
  return 0;
}

// The body of one gRPC Echo call as it goes on the wire (a 5-byte prefix:
// uncompressed flag and big-endian length, then the message), for h2load.
int EchoBody() {
  bv1::EchoRequest request;
  request.set_payload(std::string(absl::GetFlag(FLAGS_echo_bytes), 'x'));
  request.set_request_id("h2load");
  const std::string message = request.SerializeAsString();
  std::string frame(5, '\0');
  const uint32_t size = static_cast<uint32_t>(message.size());
  for (int i = 0; i < 4; ++i) frame[1 + i] = static_cast<char>(size >> (24 - 8 * i));
  std::ofstream(absl::GetFlag(FLAGS_samples_out), std::ios::binary) << frame << message;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() != 2) Die("usage: steward-bench seed|load --flags");
  const std::string command = rest[1];
  if (command == "load") return Load();
  if (command == "seed") return Seed();
  if (command == "echo-body") return EchoBody();
  Die("unknown command " + command);
}
