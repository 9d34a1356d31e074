// Bulk data for scripts/bench.sh: copies of real tickets (registered through
// the API, so every column — sealed personal data included — is what the
// service itself wrote), fanned out over communities. Benchmarks only; the
// service never calls it.
#ifndef STEWARD_SERVICES_TICKETS_STORAGE_BULK_SEED_H_
#define STEWARD_SERVICES_TICKETS_STORAGE_BULK_SEED_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"

namespace steward::tickets {

struct CloneSpec {
  int64_t template_id = 0;
  // Copies numbered first .. first + count - 1 (at most kMaxCloneNumber):
  // copy n lands in community "<community_prefix><n % communities>" with
  // request_id "<request_prefix><n>", created n seconds before the template.
  int64_t first = 1;
  int64_t count = 0;
  std::string community_prefix;
  int communities = 1;
  std::string request_prefix;
  // Also copy the template's SLA clocks, every due time moved so that copy n
  // falls due `due_step` × n after `due_origin` (the clock's own spacing
  // between its warnings and due time is kept). Off when due_step is zero.
  absl::Time due_origin;
  absl::Duration due_step = absl::ZeroDuration();
};

// Copies per INSERT ... SELECT (one transaction each).
inline constexpr int64_t kCloneChunk = 20000;
inline constexpr int64_t kMaxCloneNumber = 10000000;

// Inserts the copies in chunks of kCloneChunk; returns how many rows were
// inserted. The copies of one chunk get consecutive ids.
absl::StatusOr<int64_t> CloneTicket(db::ConnectionPool& pool,
                                    const CloneSpec& spec);

// (community, id) of up to `count` tickets picked at random from the whole
// table, for point reads.
absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> SampleTickets(
    db::ConnectionPool& pool, int count, uint64_t seed);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_STORAGE_BULK_SEED_H_
