#include "services/tickets/storage/bulk_seed.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "services/tickets/storage/ticket_sql.h"

namespace steward::tickets {
namespace {

// MariaDB's SEQUENCE engine numbers the copies (seq_1_to_<kMaxCloneNumber>).
#define STEWARD_CLONE_NUMBERS " seq_1_to_10000000 s "

constexpr char kCloneTickets[] =
    "INSERT INTO tickets (community_id, kind, priority, channel, line,"
    " building, unit, room, location_detail, description, received_by, state,"
    " version, request_id, request_fingerprint, create_time, update_time,"
    " sla_policy_id, sla_policy_version, calendar_version, "
    STEWARD_TICKET_LIFECYCLE_COLUMNS ", " STEWARD_TICKET_DETAIL_COLUMNS
    ", household_hash, contact_phone_hash, pii_sealed)"
    " SELECT CONCAT(?, s.seq MOD ?), kind, priority, channel, line,"
    " building, unit, room, location_detail, description, received_by, state,"
    " version, CONCAT(?, s.seq), request_fingerprint,"
    " create_time - INTERVAL s.seq SECOND, update_time - INTERVAL s.seq SECOND,"
    " sla_policy_id, sla_policy_version, calendar_version, "
    STEWARD_TICKET_LIFECYCLE_COLUMNS ", " STEWARD_TICKET_DETAIL_COLUMNS
    ", household_hash, contact_phone_hash, pii_sealed"
    " FROM tickets t, " STEWARD_CLONE_NUMBERS
    " WHERE t.id = ? AND s.seq BETWEEN ? AND ? ORDER BY s.seq";

constexpr char kFirstFire[] =
    "SELECT MIN(next_fire_at) FROM sla_clocks WHERE ticket_id = ?";

// Every time of copy n's clocks moves by (? + ? * n) microseconds.
#define STEWARD_SHIFTED(column) \
  " c." column " + INTERVAL (? + ? * CAST(s.seq AS SIGNED)) MICROSECOND"

constexpr char kCloneClocks[] =
    "INSERT INTO sla_clocks (ticket_id, target, community_id, ticket_state,"
    " mode, state, length_us, start_at, due_at, handler_warning_at,"
    " supervisor_warning_at, stop_at, escalated, next_fire_at)"
    " SELECT tk.id, c.target, tk.community_id, c.ticket_state, c.mode,"
    " c.state, c.length_us," STEWARD_SHIFTED("start_at") ","
    STEWARD_SHIFTED("due_at") "," STEWARD_SHIFTED("handler_warning_at") ","
    STEWARD_SHIFTED("supervisor_warning_at") ", c.stop_at, c.escalated,"
    STEWARD_SHIFTED("next_fire_at")
    " FROM" STEWARD_CLONE_NUMBERS
    " JOIN tickets tk ON tk.community_id = CONCAT(?, s.seq MOD ?)"
    " AND tk.request_id = CONCAT(?, s.seq)"
    " JOIN sla_clocks c ON c.ticket_id = ?"
    " WHERE s.seq BETWEEN ? AND ?";

constexpr char kIdRange[] = "SELECT MIN(id), MAX(id) FROM tickets";
constexpr char kCommunityOf[] = "SELECT community_id FROM tickets WHERE id = ?";

}  // namespace

absl::StatusOr<int64_t> CloneTicket(db::ConnectionPool& pool,
                                    const CloneSpec& spec) {
  if (spec.first < 1 || spec.count < 0 ||
      spec.first + spec.count - 1 > kMaxCloneNumber || spec.communities < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("copies are numbered 1..", kMaxCloneNumber,
                     " over at least one community"));
  }
  db::Operation clone(pool, "bench_clone_tickets");
  const bool with_clocks = spec.due_step != absl::ZeroDuration();
  int64_t base_shift_us = 0;
  if (with_clocks) {
    absl::Status status = clone.Run([&](db::Connection& conn) {
      sql::PreparedStatement& first = conn.Prepare(kFirstFire);
      first.setInt64(1, spec.template_id);
      std::unique_ptr<sql::ResultSet> row(first.executeQuery());
      if (!row->next() || row->isNull(1)) {
        return absl::FailedPreconditionError(
            "the template ticket has no SLA clock left to fire");
      }
      base_shift_us = absl::ToInt64Microseconds(
          spec.due_origin - db::FromSqlDateTime(std::string(row->getString(1))));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
  }
  const int64_t step_us = absl::ToInt64Microseconds(spec.due_step);
  int64_t inserted = 0;
  for (int64_t from = spec.first; from < spec.first + spec.count;
       from += kCloneChunk) {
    const int64_t to = std::min(from + kCloneChunk, spec.first + spec.count) - 1;
    absl::Status status = clone.Run([&](db::Connection& conn) {
      db::Transaction transaction(conn);
      sql::PreparedStatement& tickets = conn.Prepare(kCloneTickets);
      int i = 1;
      tickets.setString(i++, spec.community_prefix);
      tickets.setInt(i++, spec.communities);
      tickets.setString(i++, spec.request_prefix);
      tickets.setInt64(i++, spec.template_id);
      tickets.setInt64(i++, from);
      tickets.setInt64(i++, to);
      inserted += tickets.executeUpdate();
      if (with_clocks) {
        sql::PreparedStatement& clocks = conn.Prepare(kCloneClocks);
        i = 1;
        for (int shifted = 0; shifted < 5; ++shifted) {
          clocks.setInt64(i++, base_shift_us);
          clocks.setInt64(i++, step_us);
        }
        clocks.setString(i++, spec.community_prefix);
        clocks.setInt(i++, spec.communities);
        clocks.setString(i++, spec.request_prefix);
        clocks.setInt64(i++, spec.template_id);
        clocks.setInt64(i++, from);
        clocks.setInt64(i++, to);
        clocks.executeUpdate();
      }
      transaction.Commit();
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
  }
  return inserted;
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> SampleTickets(
    db::ConnectionPool& pool, int count, uint64_t seed) {
  db::Operation sample(pool, "bench_sample_tickets");
  std::vector<std::pair<std::string, int64_t>> picked;
  absl::Status status = sample.Run([&](db::Connection& conn) {
    std::unique_ptr<sql::ResultSet> range(
        conn.Prepare(kIdRange).executeQuery());
    if (!range->next() || range->isNull(1)) return absl::OkStatus();
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<int64_t> id(range->getInt64(1),
                                              range->getInt64(2));
    sql::PreparedStatement& community = conn.Prepare(kCommunityOf);
    for (int attempt = 0; attempt < 2 * count && picked.size() < static_cast<size_t>(count);
         ++attempt) {
      const int64_t candidate = id(random);
      community.setInt64(1, candidate);
      std::unique_ptr<sql::ResultSet> row(community.executeQuery());
      if (row->next()) picked.emplace_back(std::string(row->getString(1)), candidate);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return picked;
}

}  // namespace steward::tickets
