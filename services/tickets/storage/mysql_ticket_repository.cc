#include "services/tickets/storage/mysql_ticket_repository.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <limits>
#include <memory>

#include "common/db/insert_once.h"
#include "common/db/sql_values.h"
#include "common/rpc/errors.h"
#include "common/util/status_macros.h"
#include "services/tickets/domain/event_feed.h"
#include "services/tickets/storage/ticket_sql.h"

namespace steward::tickets {
namespace {

// Reads the 15 ticket columns in the order every SELECT lists them.
Ticket ReadTicket(sql::ResultSet& row) {
  Ticket t;
  t.id = row.getInt64(1);
  t.draft.community = row.getString(2);
  t.draft.kind = static_cast<TicketKind>(row.getInt(3));
  t.draft.priority = static_cast<Priority>(row.getInt(4));
  t.draft.channel = static_cast<Channel>(row.getInt(5));
  t.draft.line = static_cast<Line>(row.getInt(6));
  t.draft.location.building = row.getString(7);
  t.draft.location.unit = row.getString(8);
  t.draft.location.room = row.getString(9);
  t.draft.location.detail = row.getString(10);
  t.draft.description = row.getString(11);
  t.state = static_cast<TicketState>(row.getInt(12));
  t.version = row.getInt64(13);
  t.create_time = db::FromSqlDateTime(std::string(row.getString(14)));
  t.update_time = db::FromSqlDateTime(std::string(row.getString(15)));
  return t;
}

// Appends one event to the outbox, in the caller's transaction.
void InsertEvent(db::Connection& conn, const TicketEvent& event) {
  sql::PreparedStatement& insert = conn.Prepare(sql_text::kInsertEvent);
  insert.setInt64(1, event.ticket_id);
  insert.setString(2, event.community);
  insert.setInt(3, static_cast<int>(event.type));
  insert.setInt(4, static_cast<int>(event.state));
  insert.setInt(5, event.sla_target);
  insert.setInt(6, event.escalation_level);
  insert.setDateTime(7, db::ToSqlDateTime(event.time));
  insert.executeUpdate();
}

}  // namespace

MysqlTicketRepository::MysqlTicketRepository(db::ConnectionPool& pool,
                                             absl::Duration event_settle)
    : create_(pool, "tickets_create"),
      get_(pool, "tickets_get"),
      list_(pool, "tickets_list"),
      list_events_(pool, "tickets_list_events"),
      event_settle_(event_settle) {}

absl::StatusOr<Ticket> MysqlTicketRepository::Create(
    const TicketDraft& draft, const std::string& request_id,
    const std::string& fingerprint, absl::Time now) {
  Ticket ticket;
  ticket.draft = draft;
  ticket.state = TicketState::kRegistered;
  ticket.version = 1;
  ticket.create_time = ticket.update_time = db::TruncateToMicros(now);
  absl::Status status = create_.Run([&](db::Connection& conn) -> absl::Status {
    db::Transaction transaction(conn);
    const std::string stamp = db::ToSqlDateTime(ticket.create_time);
    sql::PreparedStatement& insert = conn.Prepare(sql_text::kInsertTicket);
    insert.setString(1, draft.community);
    insert.setInt(2, static_cast<int>(draft.kind));
    insert.setInt(3, static_cast<int>(draft.priority));
    insert.setInt(4, static_cast<int>(draft.channel));
    insert.setInt(5, static_cast<int>(draft.line));
    insert.setString(6, draft.location.building);
    insert.setString(7, draft.location.unit);
    insert.setString(8, draft.location.room);
    insert.setString(9, draft.location.detail);
    insert.setString(10, draft.description);
    insert.setInt(11, static_cast<int>(TicketState::kRegistered));
    insert.setString(12, request_id);
    insert.setString(13, fingerprint);
    insert.setDateTime(14, stamp);
    insert.setDateTime(15, stamp);
    STEWARD_ASSIGN_OR_RETURN(
        const int64_t id,
        db::InsertOnce(
            conn, insert,
            [&]() -> std::optional<std::string> {
              sql::PreparedStatement& select =
                  conn.Prepare(sql_text::kSelectByRequest);
              select.setString(1, draft.community);
              select.setString(2, request_id);
              std::unique_ptr<sql::ResultSet> row(select.executeQuery());
              if (!row->next()) return std::nullopt;
              ticket = ReadTicket(*row);
              return std::string(row->getString(16));
            },
            fingerprint, "ticket", "concurrent create conflict; retry"));
    if (id > 0) {
      ticket.id = id;
      InsertEvent(conn, {.ticket_id = id,
                         .community = draft.community,
                         .type = TicketEventType::kCreated,
                         .state = TicketState::kRegistered,
                         .time = ticket.create_time});
    }
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return ticket;
}

absl::StatusOr<Ticket> MysqlTicketRepository::Get(const std::string& community,
                                                  int64_t id) {
  std::optional<Ticket> found;
  absl::Status status = get_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(sql_text::kSelectTicket);
    select.setString(1, community);
    select.setInt64(2, id);
    std::unique_ptr<sql::ResultSet> row(select.executeQuery());
    if (row->next()) found = ReadTicket(*row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!found.has_value()) {
    return absl::NotFoundError("ticket not found in this community");
  }
  return *std::move(found);
}

absl::StatusOr<TicketPage> MysqlTicketRepository::List(
    const std::string& community, const TicketFilter& filter, int64_t before_id,
    int limit) {
  TicketPage page;
  absl::Status status = list_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(sql_text::kListTickets);
    const int state = filter.state ? static_cast<int>(*filter.state) : 0;
    const int kind = filter.kind ? static_cast<int>(*filter.kind) : 0;
    const int priority =
        filter.priority ? static_cast<int>(*filter.priority) : 0;
    select.setString(1, community);
    select.setInt64(
        2, before_id > 0 ? before_id : std::numeric_limits<int64_t>::max());
    select.setInt(3, state);
    select.setInt(4, state);
    select.setInt(5, kind);
    select.setInt(6, kind);
    select.setInt(7, priority);
    select.setInt(8, priority);
    // One extra row tells whether another page follows.
    select.setInt(9, limit + 1);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    page.tickets.clear();
    while (rows->next()) page.tickets.push_back(ReadTicket(*rows));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (static_cast<int>(page.tickets.size()) > limit) {
    page.tickets.resize(limit);
    page.next_after_id = page.tickets.back().id;
  }
  return page;
}

absl::StatusOr<std::vector<TicketEvent>> MysqlTicketRepository::ListEvents(
    int64_t after_id, int limit) {
  std::vector<TicketEvent> events;
  std::vector<FeedRow> feed;
  absl::Status status = list_events_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(sql_text::kListEvents);
    select.setInt64(1, after_id);
    select.setInt(2, limit);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    const absl::Time now = absl::Now();
    events.clear();
    feed.clear();
    while (rows->next()) {
      TicketEvent e;
      e.id = rows->getInt64(1);
      e.ticket_id = rows->getInt64(2);
      e.community = rows->getString(3);
      e.type = static_cast<TicketEventType>(rows->getInt(4));
      e.state = static_cast<TicketState>(rows->getInt(5));
      e.sla_target = rows->getInt(6);
      e.escalation_level = rows->getInt(7);
      e.time = db::FromSqlDateTime(std::string(rows->getString(8)));
      feed.push_back({e.id, now - absl::Microseconds(rows->getInt64(9))});
      events.push_back(std::move(e));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  events.resize(DeliverablePrefix(after_id, feed, absl::Now(), event_settle_));
  return events;
}

}  // namespace steward::tickets
