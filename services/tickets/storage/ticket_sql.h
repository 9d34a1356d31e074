// Every SQL statement of the tickets service, as named constants. Prepared
// statements only: values are always bound through ? placeholders.
#ifndef STEWARD_SERVICES_TICKETS_STORAGE_TICKET_SQL_H_
#define STEWARD_SERVICES_TICKETS_STORAGE_TICKET_SQL_H_

namespace steward::tickets::sql_text {


inline constexpr char kInsertTicket[] =
    "INSERT INTO tickets (community_id, kind, priority, channel, line,"
    " building, unit, room, location_detail, description, state, version,"
    " request_id, request_fingerprint, create_time, update_time)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)";

inline constexpr char kSelectByRequest[] =
    "SELECT id, community_id, kind, priority, channel, line, building, unit,"
    " room, location_detail, description, state, version, create_time,"
    " update_time, request_fingerprint"
    " FROM tickets WHERE community_id = ? AND request_id = ?";

inline constexpr char kSelectTicket[] =
    "SELECT id, community_id, kind, priority, channel, line, building, unit,"
    " room, location_detail, description, state, version, create_time,"
    " update_time FROM tickets WHERE community_id = ? AND id = ?";

// Filters are optional: 0 means "any".
inline constexpr char kListTickets[] =
    "SELECT id, community_id, kind, priority, channel, line, building, unit,"
    " room, location_detail, description, state, version, create_time,"
    " update_time FROM tickets"
    " WHERE community_id = ? AND id < ?"
    " AND (? = 0 OR state = ?) AND (? = 0 OR kind = ?)"
    " AND (? = 0 OR priority = ?)"
    " ORDER BY id DESC LIMIT ?";

inline constexpr char kInsertEvent[] =
    "INSERT INTO ticket_events (ticket_id, community_id, type, state,"
    " sla_target, escalation_level, event_time) VALUES (?, ?, ?, ?, ?, ?, ?)";

// The age is measured on the server's clock, like written_at.
inline constexpr char kListEvents[] =
    "SELECT id, ticket_id, community_id, type, state, sla_target,"
    " escalation_level, event_time,"
    " TIMESTAMPDIFF(MICROSECOND, written_at, CURRENT_TIMESTAMP(6))"
    " FROM ticket_events WHERE id > ? ORDER BY id LIMIT ?";

}  // namespace steward::tickets::sql_text

#endif  // STEWARD_SERVICES_TICKETS_STORAGE_TICKET_SQL_H_
