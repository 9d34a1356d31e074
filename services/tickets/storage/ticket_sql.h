// Every SQL statement of the tickets service, as named constants. Prepared
// statements only: values are always bound through ? placeholders. Column
// lists are macros so each statement is one compile-time literal.
#ifndef STEWARD_SERVICES_TICKETS_STORAGE_TICKET_SQL_H_
#define STEWARD_SERVICES_TICKETS_STORAGE_TICKET_SQL_H_

namespace steward::tickets::sql_text {

// The 47 columns ReadTicket reads, in order. room, household, contact_name
// and contact_phone are sealed (V010) when pii_sealed, the 46th, is 1;
// reporter (V013) is last.
#define STEWARD_TICKET_COLUMNS                                               \
  "id, community_id, kind, priority, channel, line, building, unit, room,"   \
  " location_detail, description, state, version, create_time, update_time," \
  " received_by, " STEWARD_TICKET_LIFECYCLE_COLUMNS                          \
  ", " STEWARD_TICKET_DETAIL_COLUMNS ", pii_sealed, reporter"

// The 7 detail columns (V004), set at registration.
#define STEWARD_TICKET_DETAIL_COLUMNS                                  \
  "category, district, household, contact_name, contact_phone,"        \
  " photo_refs, warranty_end"

// The 22 lifecycle columns BindLifecycle binds, in order.
#define STEWARD_TICKET_LIFECYCLE_COLUMNS                                     \
  "assignee, first_responder, responded_at, work_started_at, resolved_at,"   \
  " called_back_at, closed_at, cancelled_at, last_progress_at, reworked_at," \
  " paused_from, paused_at, pause_reason, pauses, rework_count, resolution," \
  " charges_minor, satisfaction, satisfied, callback_comment, cancel_reason," \
  " summary"

// room and the personal detail columns are bound sealed; the two lookup
// hashes follow the detail columns.
inline constexpr char kInsertTicket[] =
    "INSERT INTO tickets (community_id, kind, priority, channel, line,"
    " building, unit, room, location_detail, description, received_by, state,"
    " version, request_id, request_fingerprint, create_time, update_time,"
    " sla_policy_id, sla_policy_version, calendar_version, "
    STEWARD_TICKET_LIFECYCLE_COLUMNS ", " STEWARD_TICKET_DETAIL_COLUMNS
    ", household_hash, contact_phone_hash, pii_sealed, reporter"
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id";

inline constexpr char kUpdateTicket[] =
    "UPDATE tickets SET priority = ?, state = ?, version = version + 1,"
    " update_time = ?, sla_policy_id = ?, sla_policy_version = ?,"
    " calendar_version = ?, assignee = ?, first_responder = ?,"
    " responded_at = ?, work_started_at = ?, resolved_at = ?,"
    " called_back_at = ?, closed_at = ?, cancelled_at = ?,"
    " last_progress_at = ?, reworked_at = ?, paused_from = ?, paused_at = ?,"
    " pause_reason = ?, pauses = ?, rework_count = ?, resolution = ?,"
    " charges_minor = ?, satisfaction = ?, satisfied = ?,"
    " callback_comment = ?, cancel_reason = ?, summary = ?"
    " WHERE id = ? AND version = ?";

inline constexpr char kSelectByRequest[] =
    "SELECT " STEWARD_TICKET_COLUMNS ", request_fingerprint"
    " FROM tickets WHERE community_id = ? AND request_id = ?";

inline constexpr char kSelectTicket[] =
    "SELECT " STEWARD_TICKET_COLUMNS
    " FROM tickets WHERE community_id = ? AND id = ?";

inline constexpr char kSelectTicketForUpdate[] =
    "SELECT " STEWARD_TICKET_COLUMNS
    " FROM tickets WHERE community_id = ? AND id = ? FOR UPDATE";

// After the community, the optional phone hash and the id bound: the
// filters both list statements share.
#define STEWARD_TICKET_LIST_FILTERS                                          \
    " AND (? = 0 OR state = ?) AND (? = 0 OR kind = ?)"                     \
    " AND (? = 0 OR priority = ?) AND (? = 0 OR line = ?)"                  \
    " AND (? = '' OR assignee = ?) AND (? = '' OR district = ?)"            \
    " AND (? = 0 OR household_hash IN (?, ?, ?, ?, ?, ?, ?, ?)"             \
    "   OR reporter = ?)"                                                   \
    " AND create_time >= ? AND create_time < ?"                             \
    " AND (? = 0 OR EXISTS (SELECT 1 FROM sla_clocks c"                     \
    "   WHERE c.ticket_id = tickets.id AND c.escalated = 3"                 \
    "   AND c.stop_at IS NULL))"                                            \
    " AND (? = 0 OR EXISTS (SELECT 1 FROM sla_clocks c"                     \
    "   WHERE c.ticket_id = tickets.id AND c.escalated IN (1, 2)"           \
    "   AND c.stop_at IS NULL))"                                            \
    " ORDER BY id DESC LIMIT ?"

// Filters are optional: 0 or '' means "any"; the time range is always
// bound (open ends as the column's limits). Households: whether the list is
// restricted (0 = any), then MysqlTicketRepository::kMaxFilterHouseholds (8)
// lookup hashes (Connector/C++ cannot bind a list; unused slots repeat the
// first), then the reporter whose tickets are also included (NULL: none).
// The primary key is ruled out as the access path: for "newest first, LIMIT"
// MariaDB 10.11 liked walking it backwards across every community, reading
// 9,013 rows for a page that (community_id, id) serves from 450 (a filtered
// page of 50 among 200,000 tickets in 20 communities).
inline constexpr char kListTickets[] =
    "SELECT " STEWARD_TICKET_COLUMNS
    " FROM tickets IGNORE INDEX (PRIMARY)"
    " WHERE community_id = ? AND id < ?" STEWARD_TICKET_LIST_FILTERS;

// The same page for one contact phone (its lookup hash): the index on
// (community_id, contact_phone_hash, id) holds exactly that number's
// tickets, newest first.
inline constexpr char kListTicketsByPhone[] =
    "SELECT " STEWARD_TICKET_COLUMNS
    " FROM tickets FORCE INDEX (ix_tickets_community_phone)"
    " WHERE community_id = ? AND contact_phone_hash = ? AND id < ?"
    STEWARD_TICKET_LIST_FILTERS;

inline constexpr char kSelectMutation[] =
    "SELECT request_fingerprint FROM ticket_mutations"
    " WHERE ticket_id = ? AND request_id = ?";

inline constexpr char kInsertMutation[] =
    "INSERT INTO ticket_mutations (ticket_id, request_id, request_fingerprint,"
    " create_time) VALUES (?, ?, ?, ?)";

inline constexpr char kInsertTimeline[] =
    "INSERT INTO ticket_timeline (ticket_id, entry_time, actor_kind, actor_id,"
    " action, from_state, to_state, note, detail)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

inline constexpr char kListTimeline[] =
    "SELECT entry_time, actor_kind, actor_id, action, from_state, to_state,"
    " note, detail FROM ticket_timeline WHERE ticket_id = ? ORDER BY id";

inline constexpr char kInsertEvent[] =
    "INSERT INTO ticket_events (ticket_id, community_id, type, state,"
    " sla_target, escalation_level, event_time) VALUES (?, ?, ?, ?, ?, ?, ?)";

// The age is measured on the server's clock, like written_at.
inline constexpr char kListEvents[] =
    "SELECT id, ticket_id, community_id, type, state, sla_target,"
    " escalation_level, event_time,"
    " TIMESTAMPDIFF(MICROSECOND, written_at, CURRENT_TIMESTAMP(6))"
    " FROM ticket_events WHERE id > ? ORDER BY id LIMIT ?";

// The newest event written at least the settle time (µs) ago: walking the
// primary key down from the top, it reads the events of that time only.
inline constexpr char kEventFeedTail[] =
    "SELECT id FROM ticket_events"
    " WHERE written_at <= CURRENT_TIMESTAMP(6) - INTERVAL ? MICROSECOND"
    " ORDER BY id DESC LIMIT 1";

inline constexpr char kSelectClockLevels[] =
    "SELECT target, start_at, escalated FROM sla_clocks WHERE ticket_id = ?";

// Writes a ticket's started clocks in one round trip: kUpsertClocks[n - 1]
// takes n rows of 14 values (a ticket has at most kMaxClockRows targets).
#define STEWARD_CLOCK_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define STEWARD_UPSERT_CLOCKS(rows)                                        \
  "INSERT INTO sla_clocks (ticket_id, target, community_id, ticket_state," \
  " mode, state, length_us, start_at, due_at, handler_warning_at,"         \
  " supervisor_warning_at, stop_at, escalated, next_fire_at) VALUES "      \
  rows                                                                     \
  " ON DUPLICATE KEY UPDATE ticket_state = VALUES(ticket_state),"          \
  " mode = VALUES(mode), state = VALUES(state),"                           \
  " length_us = VALUES(length_us), start_at = VALUES(start_at),"           \
  " due_at = VALUES(due_at),"                                              \
  " handler_warning_at = VALUES(handler_warning_at),"                      \
  " supervisor_warning_at = VALUES(supervisor_warning_at),"                \
  " stop_at = VALUES(stop_at), escalated = VALUES(escalated),"             \
  " next_fire_at = VALUES(next_fire_at)"
#define STEWARD_CLOCK_ROWS_2 STEWARD_CLOCK_ROW ", " STEWARD_CLOCK_ROW
#define STEWARD_CLOCK_ROWS_3 STEWARD_CLOCK_ROWS_2 ", " STEWARD_CLOCK_ROW
#define STEWARD_CLOCK_ROWS_4 STEWARD_CLOCK_ROWS_3 ", " STEWARD_CLOCK_ROW
#define STEWARD_CLOCK_ROWS_5 STEWARD_CLOCK_ROWS_4 ", " STEWARD_CLOCK_ROW
#define STEWARD_CLOCK_ROWS_6 STEWARD_CLOCK_ROWS_5 ", " STEWARD_CLOCK_ROW
inline constexpr int kClockColumns = 14;
inline constexpr int kMaxClockRows = 6;
inline constexpr const char* kUpsertClocks[kMaxClockRows] = {
    STEWARD_UPSERT_CLOCKS(STEWARD_CLOCK_ROW),
    STEWARD_UPSERT_CLOCKS(STEWARD_CLOCK_ROWS_2),
    STEWARD_UPSERT_CLOCKS(STEWARD_CLOCK_ROWS_3),
    STEWARD_UPSERT_CLOCKS(STEWARD_CLOCK_ROWS_4),
    STEWARD_UPSERT_CLOCKS(STEWARD_CLOCK_ROWS_5),
    STEWARD_UPSERT_CLOCKS(STEWARD_CLOCK_ROWS_6)};

inline constexpr char kDeleteClock[] =
    "DELETE FROM sla_clocks WHERE ticket_id = ? AND target = ?";

// Rows another engine instance holds are skipped, not waited for.
inline constexpr char kClaimDueClocks[] =
    "SELECT ticket_id, target, community_id, ticket_state, mode, state,"
    " length_us, start_at, due_at, handler_warning_at, supervisor_warning_at,"
    " stop_at, escalated FROM sla_clocks"
    " WHERE next_fire_at <= ? ORDER BY next_fire_at LIMIT ?"
    " FOR UPDATE SKIP LOCKED";

inline constexpr char kUpdateClockEscalation[] =
    "UPDATE sla_clocks SET escalated = ?, next_fire_at = ?"
    " WHERE ticket_id = ? AND target = ?";

inline constexpr char kNextFireTime[] =
    "SELECT MIN(next_fire_at) FROM sla_clocks";

// Both counts read only ix_tickets_backlog / ix_sla_clocks_risk (V012),
// grouped in index order: 69 ms and 36 ms for 500,000 tickets and their
// 1.36 M clocks, instead of 1.05 s and 0.63 s scanning the tables.
inline constexpr char kCountOpen[] =
    "SELECT kind, priority, state, COUNT(*) FROM tickets"
    " WHERE state NOT IN (8, 9) GROUP BY state, kind, priority";

// Warned (escalated 1 or 2) and still running (state 2): at risk.
inline constexpr char kCountAtRisk[] =
    "SELECT target, COUNT(*) FROM sla_clocks"
    " WHERE state = 2 AND escalated IN (1, 2) GROUP BY target";

// Complaints open at `as_of`, with the latest note of their timeline.
inline constexpr char kListOpenComplaints[] =
    "SELECT " STEWARD_TICKET_COLUMNS ","
    " (SELECT note FROM ticket_timeline tl WHERE tl.ticket_id = tickets.id"
    "  AND tl.note <> '' ORDER BY tl.id DESC LIMIT 1)"
    " FROM tickets WHERE community_id = ? AND kind = 3 AND create_time < ?"
    " AND (closed_at IS NULL OR closed_at >= ?)"
    " AND (cancelled_at IS NULL OR cancelled_at >= ?)"
    " ORDER BY create_time, id LIMIT ?";

// Group complaints: the scope is the building, or the community when the
// complaint names none (building '' matches every building). Households are
// told apart by their lookup hash (NULL: none given; rows not yet sealed by
// SealLegacyRows have none either and are not counted).
inline constexpr char kCountGroupHouseholds[] =
    "SELECT COUNT(DISTINCT household_hash) FROM tickets"
    " WHERE community_id = ? AND kind = 3 AND category = ?"
    " AND (? = '' OR building = ?) AND household_hash IS NOT NULL"
    " AND create_time >= ?";

// Affected rows: 1 when the incident is new, 0 when it was already open;
// LAST_INSERT_ID() is its id either way.
inline constexpr char kUpsertIncident[] =
    "INSERT INTO incidents (community_id, building, category, opened_at,"
    " open_flag) VALUES (?, ?, ?, ?, 1)"
    " ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)";

inline constexpr char kLastInsertId[] = "SELECT LAST_INSERT_ID()";

inline constexpr char kLinkIncidentTickets[] =
    "INSERT IGNORE INTO incident_tickets (incident_id, ticket_id)"
    " SELECT ?, id FROM tickets"
    " WHERE community_id = ? AND kind = 3 AND category = ?"
    " AND (? = '' OR building = ?) AND create_time >= ?";

inline constexpr char kListIncidents[] =
    "SELECT id, building, category, opened_at FROM incidents"
    " WHERE community_id = ? AND open_flag = 1 ORDER BY id DESC LIMIT 100";

inline constexpr char kListIncidentTickets[] =
    "SELECT ticket_id FROM incident_tickets WHERE incident_id = ?"
    " ORDER BY ticket_id";

inline constexpr char kClaimWarrantyReminders[] =
    "SELECT id, community_id, state FROM tickets"
    " WHERE warranty_end IS NOT NULL AND warranty_end <= ?"
    " AND warranty_reminded_at IS NULL AND state NOT IN (8, 9)"
    " ORDER BY warranty_end LIMIT ? FOR UPDATE SKIP LOCKED";

inline constexpr char kMarkWarrantyReminded[] =
    "UPDATE tickets SET warranty_reminded_at = ? WHERE id = ?";

inline constexpr char kListPolicies[] =
    "SELECT id, version, kind, priority, community_id, targets,"
    " handler_warning, supervisor_warning FROM sla_policies ORDER BY id";

inline constexpr char kSeedPolicy[] =
    "INSERT IGNORE INTO sla_policies (id, version, kind, priority,"
    " community_id, targets, handler_warning, supervisor_warning,"
    " update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

inline constexpr char kInsertPolicy[] =
    "INSERT INTO sla_policies (id, version, kind, priority, community_id,"
    " targets, handler_warning, supervisor_warning, update_time)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

inline constexpr char kSelectPolicyForUpdate[] =
    "SELECT version, kind, priority, community_id FROM sla_policies"
    " WHERE id = ? FOR UPDATE";

inline constexpr char kUpdatePolicy[] =
    "UPDATE sla_policies SET version = ?, kind = ?, priority = ?,"
    " community_id = ?, targets = ?, handler_warning = ?,"
    " supervisor_warning = ?, update_time = ? WHERE id = ?";

inline constexpr char kMarkForRecompute[] =
    "UPDATE tickets SET sla_stale = 1 WHERE kind = ? AND priority = ?"
    " AND state NOT IN (8, 9) AND (? = '' OR community_id = ?)";

inline constexpr char kClaimMarked[] =
    "SELECT " STEWARD_TICKET_COLUMNS
    " FROM tickets WHERE sla_stale = 1 LIMIT ? FOR UPDATE SKIP LOCKED";

inline constexpr char kClearRecomputeMark[] =
    "UPDATE tickets SET sla_stale = 0 WHERE id = ?";

inline constexpr char kStoreRecomputed[] =
    "UPDATE tickets SET sla_stale = 0, sla_policy_id = ?,"
    " sla_policy_version = ?, calendar_version = ? WHERE id = ?";

inline constexpr char kGetHolidayTable[] =
    "SELECT content FROM holiday_tables WHERE id = 1";

inline constexpr char kSaveHolidayTable[] =
    "INSERT INTO holiday_tables (id, content, update_time) VALUES (1, ?, ?)"
    " ON DUPLICATE KEY UPDATE content = VALUES(content),"
    " update_time = VALUES(update_time)";

inline constexpr char kMarkAllOpenForRecompute[] =
    "UPDATE tickets SET sla_stale = 1 WHERE state NOT IN (8, 9)";

inline constexpr char kListCommunityCalendars[] =
    "SELECT community_id, time_zone, weekly_hours FROM community_calendars";

inline constexpr char kSaveCommunityCalendar[] =
    "INSERT INTO community_calendars (community_id, time_zone, weekly_hours,"
    " update_time) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
    " time_zone = VALUES(time_zone), weekly_hours = VALUES(weekly_hours),"
    " update_time = VALUES(update_time)";

inline constexpr char kMarkCommunityForRecompute[] =
    "UPDATE tickets SET sla_stale = 1 WHERE community_id = ?"
    " AND state NOT IN (8, 9)";

inline constexpr char kRecordDelivered[] =
    "UPDATE event_feed_progress SET delivered_id = GREATEST(delivered_id, ?)"
    " WHERE id = 1";

inline constexpr char kEventBacklog[] =
    "SELECT (SELECT COALESCE(MAX(id), 0) FROM ticket_events) - delivered_id"
    " FROM event_feed_progress WHERE id = 1";

// Rows written before V010 (plaintext personal data), oldest first. Rows
// another replica is sealing are skipped, not waited for.
inline constexpr char kClaimLegacyRows[] =
    "SELECT id, community_id, room, household, contact_name, contact_phone"
    " FROM tickets WHERE pii_sealed = 0 ORDER BY id LIMIT ?"
    " FOR UPDATE SKIP LOCKED";

inline constexpr char kSealLegacyRow[] =
    "UPDATE tickets SET room = ?, household = ?, contact_name = ?,"
    " contact_phone = ?, household_hash = ?, contact_phone_hash = ?,"
    " pii_sealed = 1 WHERE id = ? AND pii_sealed = 0";

}  // namespace steward::tickets::sql_text

#endif  // STEWARD_SERVICES_TICKETS_STORAGE_TICKET_SQL_H_
