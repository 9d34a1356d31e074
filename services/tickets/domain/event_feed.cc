#include "services/tickets/domain/event_feed.h"

namespace steward::tickets {

size_t DeliverablePrefix(int64_t after_id, const std::vector<FeedRow>& rows,
                         absl::Time now, absl::Duration settle) {
  int64_t previous = after_id;
  size_t count = 0;
  for (const FeedRow& row : rows) {
    // Without a cursor there is no known predecessor: lower ids may still
    // be in flight, so the first row must have settled too.
    const bool contiguous = previous != 0 && row.id == previous + 1;
    if (!contiguous && now - row.written < settle) break;
    previous = row.id;
    ++count;
  }
  return count;
}

}  // namespace steward::tickets
