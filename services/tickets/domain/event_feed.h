// Reading the ticket event outbox in commit order. Event ids come from an
// AUTO_INCREMENT column, so a transaction that took id 6 may commit after the
// one that took id 7; a reader that jumped to 7 would never see 6. The feed
// therefore hands out only the gap-free prefix after the cursor, and treats a
// gap as permanent (a rolled-back transaction) once the event after it is
// older than a settle time longer than any transaction may run.
#ifndef STEWARD_SERVICES_TICKETS_DOMAIN_EVENT_FEED_H_
#define STEWARD_SERVICES_TICKETS_DOMAIN_EVENT_FEED_H_

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace steward::tickets {

// One stored event as the feed sees it.
struct FeedRow {
  int64_t id = 0;
  absl::Time written;  // when its transaction wrote it
};

// How many of `rows` (ids ascending, all > `after_id`) may be delivered now:
// rows are taken while each id follows the previous one (starting from
// `after_id`); at a gap — and for the first row when `after_id` is 0 — the
// row is taken only if it was written at least `settle` before `now`, else
// delivery stops there.
size_t DeliverablePrefix(int64_t after_id, const std::vector<FeedRow>& rows,
                         absl::Time now, absl::Duration settle);

}  // namespace steward::tickets

#endif  // STEWARD_SERVICES_TICKETS_DOMAIN_EVENT_FEED_H_
