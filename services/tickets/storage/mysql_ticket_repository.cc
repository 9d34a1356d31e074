#include "services/tickets/storage/mysql_ticket_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/crypto/personal_data.h"
#include "common/db/fetch.h"
#include "common/db/insert_once.h"
#include "common/db/sql_values.h"
#include "common/rpc/errors.h"
#include "common/util/log.h"
#include "common/util/status_macros.h"
#include "services/tickets/domain/event_feed.h"
#include "services/tickets/storage/ticket_sql.h"

namespace steward::tickets {
namespace {

using OptionalTime = std::optional<absl::Time>;

// --- Personal data ----------------------------------------------------------

// The Seal/Open context of each sealed column, so a blob cannot be moved to
// another column. Stored with the data: never change them.
constexpr char kRoomContext[] = "tickets.room";
constexpr char kHouseholdContext[] = "tickets.household";
constexpr char kContactNameContext[] = "tickets.contact_name";
constexpr char kContactPhoneContext[] = "tickets.contact_phone";

// The lookup hash of a household, which is unique within its community;
// nullopt (NULL) when there is none.
std::optional<std::string> HouseholdHash(const crypto::DataKeyRing& keys,
                                         absl::string_view community,
                                         absl::string_view household) {
  if (household.empty()) return std::nullopt;
  return keys.LookupHash(kHouseholdContext,
                         absl::StrCat(community, "/", household));
}

// The lookup hash of a phone number as NormalizePhone writes it; nullopt
// (NULL) when there is none.
std::optional<std::string> PhoneHash(const crypto::DataKeyRing& keys,
                                     absl::string_view phone) {
  const std::string normalized = crypto::NormalizePhone(phone);
  if (normalized.empty()) return std::nullopt;
  return keys.LookupHash(kContactPhoneContext, normalized);
}

void SetHash(sql::PreparedStatement& s, int i,
             const std::optional<std::string>& hash) {
  if (hash.has_value()) {
    s.setString(i, *hash);
  } else {
    s.setNull(i, sql::DataType::BINARY);
  }
}

// The value of a personal-data column. `sealed` is the row's pii_sealed:
// rows not sealed yet hold plaintext (see SealLegacyRows). A blob that does
// not open reads as empty, logged by ticket id and column only.
std::string ReadPersonal(sql::ResultSet& r, int column, bool sealed,
                         const crypto::DataKeyRing& keys, int64_t ticket_id,
                         absl::string_view context) {
  std::string stored = r.getString(column);
  if (!sealed) return stored;
  absl::StatusOr<std::string> opened = keys.Open(stored, context);
  if (opened.ok()) return *std::move(opened);
  log::Error("sealed personal data does not open; returned empty",
             {{"ticket_id", absl::StrCat(ticket_id)},
              {"column", std::string(context)},
              {"code", absl::StatusCodeToString(opened.status().code())},
              {"cause", std::string(opened.status().message())}});
  return "";
}

// --- Column helpers -------------------------------------------------------

void SetTime(sql::PreparedStatement& s, int i, const OptionalTime& t) {
  if (t.has_value()) {
    s.setDateTime(i, db::ToSqlDateTime(*t));
  } else {
    s.setNull(i, sql::DataType::TIMESTAMP);
  }
}

template <typename Enum>
void SetEnum(sql::PreparedStatement& s, int i, const std::optional<Enum>& e) {
  if (e.has_value()) {
    s.setInt(i, static_cast<int>(*e));
  } else {
    s.setNull(i, sql::DataType::TINYINT);
  }
}

OptionalTime GetTime(sql::ResultSet& r, int i) {
  if (r.isNull(i)) return std::nullopt;
  return db::FromSqlDateTime(std::string(r.getString(i)));
}

absl::Time GetRequiredTime(sql::ResultSet& r, int i) {
  return db::FromSqlDateTime(std::string(r.getString(i)));
}

template <typename Enum>
std::optional<Enum> GetEnum(sql::ResultSet& r, int i) {
  if (r.isNull(i)) return std::nullopt;
  return static_cast<Enum>(r.getInt(i));
}

// Finished pauses as "start_us:end_us;..." (the column is opaque to SQL).
std::string FormatPauses(const std::vector<PauseInterval>& pauses) {
  std::string out;
  for (const PauseInterval& p : pauses) {
    absl::StrAppend(&out, out.empty() ? "" : ";", absl::ToUnixMicros(p.start),
                    ":", absl::ToUnixMicros(p.end));
  }
  return out;
}

std::vector<PauseInterval> ParsePauses(absl::string_view text) {
  std::vector<PauseInterval> pauses;
  for (absl::string_view item : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(item, absl::MaxSplits(':', 1));
    int64_t start = 0, end = 0;
    if (absl::SimpleAtoi(parts.first, &start) &&
        absl::SimpleAtoi(parts.second, &end)) {
      pauses.push_back(
          {absl::FromUnixMicros(start), absl::FromUnixMicros(end)});
    }
  }
  return pauses;
}

// Binds the 22 lifecycle columns (STEWARD_TICKET_LIFECYCLE_COLUMNS) from
// index `i`.
void BindLifecycle(sql::PreparedStatement& s, int i, const Ticket& t) {
  s.setString(i++, t.assignee);
  s.setString(i++, t.first_responder);
  SetTime(s, i++, t.responded_at);
  SetTime(s, i++, t.work_started_at);
  SetTime(s, i++, t.resolved_at);
  SetTime(s, i++, t.called_back_at);
  SetTime(s, i++, t.closed_at);
  SetTime(s, i++, t.cancelled_at);
  SetTime(s, i++, t.last_progress_at);
  SetTime(s, i++, t.reworked_at);
  SetEnum(s, i++, t.paused_from);
  SetTime(s, i++, t.paused_at);
  SetEnum(s, i++, t.pause_reason);
  s.setString(i++, FormatPauses(t.pauses));
  s.setInt(i++, t.rework_count);
  s.setString(i++, t.resolution);
  s.setInt64(i++, t.charges_minor);
  s.setInt(i++, t.satisfaction);
  if (t.satisfied.has_value()) {
    s.setInt(i++, *t.satisfied ? 1 : 0);
  } else {
    s.setNull(i++, sql::DataType::TINYINT);
  }
  s.setString(i++, t.callback_comment);
  SetEnum(s, i++, t.cancel_reason);
  s.setString(i++, t.summary);
}

// The pii_sealed column of STEWARD_TICKET_COLUMNS.
constexpr int kPiiSealedColumn = 46;

// Reads the STEWARD_TICKET_COLUMNS of the current row, opening the sealed
// columns with `keys`.
Ticket ReadTicket(sql::ResultSet& r, const crypto::DataKeyRing& keys) {
  Ticket t;
  t.id = r.getInt64(1);
  const bool sealed = r.getInt(kPiiSealedColumn) != 0;
  auto personal = [&](int column, absl::string_view context) {
    return ReadPersonal(r, column, sealed, keys, t.id, context);
  };
  t.draft.community = r.getString(2);
  t.draft.kind = static_cast<TicketKind>(r.getInt(3));
  t.draft.priority = static_cast<Priority>(r.getInt(4));
  t.draft.channel = static_cast<Channel>(r.getInt(5));
  t.draft.line = static_cast<Line>(r.getInt(6));
  t.draft.location.building = r.getString(7);
  t.draft.location.unit = r.getString(8);
  t.draft.location.room = personal(9, kRoomContext);
  t.draft.location.detail = r.getString(10);
  t.draft.description = r.getString(11);
  t.state = static_cast<TicketState>(r.getInt(12));
  t.version = r.getInt64(13);
  t.create_time = GetRequiredTime(r, 14);
  t.update_time = GetRequiredTime(r, 15);
  t.draft.received_by = r.getString(16);
  int i = 17;
  t.assignee = r.getString(i++);
  t.first_responder = r.getString(i++);
  t.responded_at = GetTime(r, i++);
  t.work_started_at = GetTime(r, i++);
  t.resolved_at = GetTime(r, i++);
  t.called_back_at = GetTime(r, i++);
  t.closed_at = GetTime(r, i++);
  t.cancelled_at = GetTime(r, i++);
  t.last_progress_at = GetTime(r, i++);
  t.reworked_at = GetTime(r, i++);
  t.paused_from = GetEnum<TicketState>(r, i++);
  t.paused_at = GetTime(r, i++);
  t.pause_reason = GetEnum<PauseReason>(r, i++);
  t.pauses = ParsePauses(std::string(r.getString(i++)));
  t.rework_count = r.getInt(i++);
  t.resolution = r.getString(i++);
  t.charges_minor = r.getInt64(i++);
  t.satisfaction = r.getInt(i++);
  if (!r.isNull(i)) t.satisfied = r.getInt(i) != 0;
  ++i;
  t.callback_comment = r.getString(i++);
  t.cancel_reason = GetEnum<CancelReason>(r, i++);
  t.summary = r.getString(i++);
  t.draft.category = r.getString(i++);
  t.draft.district = r.getString(i++);
  t.draft.household = personal(i++, kHouseholdContext);
  t.draft.contact_name = personal(i++, kContactNameContext);
  t.draft.contact_phone = personal(i++, kContactPhoneContext);
  t.draft.photo_refs =
      absl::StrSplit(std::string(r.getString(i++)), '\n', absl::SkipEmpty());
  if (!r.isNull(i)) {
    absl::CivilDay day;
    if (absl::ParseCivilTime(std::string(r.getString(i)), &day)) {
      t.draft.warranty_end = day;
    }
  }
  ++i;
  ++i;  // pii_sealed, read first
  if (!r.isNull(i)) t.draft.reporter = r.getString(i);
  ++i;
  return t;
}

// The first column after the 47 ticket columns (the request fingerprint, or
// a stock-take's latest note).
constexpr int kFingerprintColumn = 48;

// Binds the 7 detail columns (STEWARD_TICKET_DETAIL_COLUMNS) from `i`, then
// household_hash and contact_phone_hash: the personal ones sealed with
// `keys`.
void BindDetails(sql::PreparedStatement& s, int i, const TicketDraft& d,
                 const crypto::DataKeyRing& keys) {
  s.setString(i++, d.category);
  s.setString(i++, d.district);
  s.setString(i++, keys.Seal(d.household, kHouseholdContext));
  s.setString(i++, keys.Seal(d.contact_name, kContactNameContext));
  s.setString(i++, keys.Seal(d.contact_phone, kContactPhoneContext));
  s.setString(i++, absl::StrJoin(d.photo_refs, "\n"));
  if (d.warranty_end.has_value()) {
    s.setString(i++, absl::FormatCivilTime(*d.warranty_end));
  } else {
    s.setNull(i++, sql::DataType::DATE);
  }
  SetHash(s, i++, HouseholdHash(keys, d.community, d.household));
  SetHash(s, i++, PhoneHash(keys, d.contact_phone));
}

// A policy's targets as "target:mode:seconds:working_days;..." and back.
std::string FormatTargets(const std::map<SlaTarget, SlaClockSpec>& targets) {
  std::string out;
  for (const auto& [target, spec] : targets) {
    absl::StrAppend(&out, out.empty() ? "" : ";", static_cast<int>(target), ":",
                    static_cast<int>(spec.mode), ":",
                    absl::ToInt64Seconds(spec.target), ":", spec.working_days);
  }
  return out;
}

std::map<SlaTarget, SlaClockSpec> ParseTargets(absl::string_view text) {
  std::map<SlaTarget, SlaClockSpec> targets;
  for (absl::string_view item : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(item, ':');
    int target = 0, mode = 0, days = 0;
    int64_t seconds = 0;
    if (f.size() != 4 || !absl::SimpleAtoi(f[0], &target) ||
        !absl::SimpleAtoi(f[1], &mode) || !absl::SimpleAtoi(f[2], &seconds) ||
        !absl::SimpleAtoi(f[3], &days)) {
      continue;  // a row written by this code always parses
    }
    SlaClockSpec spec;
    spec.mode = static_cast<calendar::ClockMode>(mode);
    spec.target = absl::Seconds(seconds);
    spec.working_days = days;
    targets[static_cast<SlaTarget>(target)] = spec;
  }
  return targets;
}

// Binds id, version, kind, priority, community, targets, warnings and the
// update time: the parameter order of kSeedPolicy and kInsertPolicy.
void BindPolicy(sql::PreparedStatement& s, const SlaPolicy& p, absl::Time now) {
  s.setString(1, p.id);
  s.setInt64(2, p.version);
  s.setInt(3, static_cast<int>(p.kind));
  s.setInt(4, static_cast<int>(p.priority));
  s.setString(5, p.community);
  s.setString(6, FormatTargets(p.targets));
  s.setDouble(7, p.warnings.handler);
  s.setDouble(8, p.warnings.supervisor);
  s.setDateTime(9, db::ToSqlDateTime(now));
}

void MarkForRecompute(db::Connection& conn, TicketKind kind, Priority priority,
                      const std::string& community) {
  sql::PreparedStatement& mark = conn.Prepare(sql_text::kMarkForRecompute);
  mark.setInt(1, static_cast<int>(kind));
  mark.setInt(2, static_cast<int>(priority));
  mark.setString(3, community);
  mark.setString(4, community);
  mark.executeUpdate();
}

// Weekly hours as eight '|'-separated fields (Monday..Sunday, make-up days),
// each a ','-separated list of "open-close" minutes; see V008.
std::string FormatIntervals(const std::vector<calendar::OfficeInterval>& list) {
  return absl::StrJoin(
      list, ",", [](std::string* out, const calendar::OfficeInterval& i) {
        absl::StrAppend(out, i.open_minute, "-", i.close_minute);
      });
}

std::vector<calendar::OfficeInterval> ParseIntervals(absl::string_view text) {
  std::vector<calendar::OfficeInterval> list;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(item, absl::MaxSplits('-', 1));
    calendar::OfficeInterval i;
    if (absl::SimpleAtoi(parts.first, &i.open_minute) &&
        absl::SimpleAtoi(parts.second, &i.close_minute)) {
      list.push_back(i);
    }
  }
  return list;
}

std::string FormatWeeklyHours(const calendar::WeeklyHours& hours) {
  std::vector<std::string> fields;
  for (const auto& day : hours.days) fields.push_back(FormatIntervals(day));
  fields.push_back(hours.makeup_day.has_value()
                       ? absl::StrCat("=", FormatIntervals(*hours.makeup_day))
                       : "");
  return absl::StrJoin(fields, "|");
}

calendar::WeeklyHours ParseWeeklyHours(absl::string_view text) {
  calendar::WeeklyHours hours;
  std::vector<absl::string_view> fields = absl::StrSplit(text, '|');
  for (size_t d = 0; d < 7 && d < fields.size(); ++d) {
    hours.days[d] = ParseIntervals(fields[d]);
  }
  if (fields.size() > 7 && absl::ConsumePrefix(&fields[7], "=")) {
    hours.makeup_day = ParseIntervals(fields[7]);
  }
  return hours;
}

// --- Writers shared by Create and Mutate ----------------------------------

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

void InsertTimeline(db::Connection& conn, int64_t ticket_id,
                    const TimelineEntry& e) {
  sql::PreparedStatement& insert = conn.Prepare(sql_text::kInsertTimeline);
  insert.setInt64(1, ticket_id);
  insert.setDateTime(2, db::ToSqlDateTime(e.time));
  insert.setInt(3, static_cast<int>(e.actor.kind));
  insert.setString(4, e.actor.id);
  insert.setInt(5, static_cast<int>(e.action));
  insert.setInt(6, static_cast<int>(e.from_state));
  insert.setInt(7, static_cast<int>(e.to_state));
  insert.setString(8, e.note);
  insert.setString(9, e.detail);
  insert.executeUpdate();
}

// Writes the ticket's clocks: started ones are upserted with the level
// already fired for the same run (a clock that restarted starts again from
// none) and their next escalation time; clocks not started are removed.
// `fresh`: the ticket was inserted in this transaction, so it has no clock
// rows to read first.
void WriteClocks(db::Connection& conn, const Ticket& ticket,
                 const TicketDeadlines& deadlines, absl::Time now,
                 bool fresh = false) {
  std::map<int, std::pair<absl::Time, int>> previous;  // target → start, level
  if (!fresh) {
    sql::PreparedStatement& select = conn.Prepare(sql_text::kSelectClockLevels);
    select.setInt64(1, ticket.id);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    while (rows->next()) {
      previous[rows->getInt(1)] = {GetRequiredTime(*rows, 2), rows->getInt(3)};
    }
  }
  struct Row {
    const ClockStatus* clock;
    EscalationLevel escalated;
    std::optional<absl::Time> next_fire_at;
  };
  std::vector<Row> rows;
  for (const ClockStatus& clock : deadlines.clocks) {
    const int target = static_cast<int>(clock.target);
    if (clock.state == ClockState::kNotStarted) {
      if (previous.contains(target)) {
        sql::PreparedStatement& remove = conn.Prepare(sql_text::kDeleteClock);
        remove.setInt64(1, ticket.id);
        remove.setInt(2, target);
        remove.executeUpdate();
      }
      continue;
    }
    EscalationLevel escalated = EscalationLevel::kNone;
    if (auto it = previous.find(target);
        it != previous.end() && db::TruncateToMicros(it->second.first) ==
                                    db::TruncateToMicros(clock.start)) {
      escalated = static_cast<EscalationLevel>(it->second.second);
    }
    const std::optional<EscalationStep> next =
        NextEscalation(clock, escalated, now);
    rows.push_back({&clock, escalated,
                    next.has_value() ? OptionalTime(next->fire_at) : std::nullopt});
  }
  // One statement for all of them (at most kMaxClockRows per statement).
  for (size_t from = 0; from < rows.size(); from += sql_text::kMaxClockRows) {
    const size_t count =
        std::min(rows.size() - from, static_cast<size_t>(sql_text::kMaxClockRows));
    sql::PreparedStatement& upsert =
        conn.Prepare(sql_text::kUpsertClocks[count - 1]);
    for (size_t r = 0; r < count; ++r) {
      const ClockStatus& clock = *rows[from + r].clock;
      const int i = static_cast<int>(r) * sql_text::kClockColumns;
      upsert.setInt64(i + 1, ticket.id);
      upsert.setInt(i + 2, static_cast<int>(clock.target));
      upsert.setString(i + 3, ticket.draft.community);
      upsert.setInt(i + 4, static_cast<int>(ticket.state));
      upsert.setInt(i + 5, static_cast<int>(clock.mode));
      upsert.setInt(i + 6, static_cast<int>(clock.state));
      upsert.setInt64(i + 7, absl::ToInt64Microseconds(clock.length));
      upsert.setDateTime(i + 8, db::ToSqlDateTime(clock.start));
      upsert.setDateTime(i + 9, db::ToSqlDateTime(clock.due));
      upsert.setDateTime(i + 10, db::ToSqlDateTime(clock.handler_warning_at));
      upsert.setDateTime(i + 11, db::ToSqlDateTime(clock.supervisor_warning_at));
      SetTime(upsert, i + 12, clock.stop);
      upsert.setInt(i + 13, static_cast<int>(rows[from + r].escalated));
      SetTime(upsert, i + 14, rows[from + r].next_fire_at);
    }
    upsert.executeUpdate();
  }
}

// Applies the group-complaint rule for a just-inserted complaint, in its
// transaction: counts distinct households with the same category in the
// same building (or community) within the window; at the threshold, opens
// the incident (once: the unique key arbitrates between concurrent
// complaints), links every complaint in the window to it and, when this
// complaint opened it, writes the warning event. Returns the incident id
// when this complaint opened it.
std::optional<int64_t> CheckGroupComplaint(db::Connection& conn,
                                           const Ticket& ticket,
                                           const GroupComplaintRule& rule) {
  const TicketDraft& d = ticket.draft;
  const std::string since = db::ToSqlDateTime(ticket.create_time - rule.window);
  auto bind_scope = [&](sql::PreparedStatement& s, int i) {
    s.setString(i, d.community);
    s.setString(i + 1, d.category);
    s.setString(i + 2, d.location.building);
    s.setString(i + 3, d.location.building);
    s.setDateTime(i + 4, since);
  };
  sql::PreparedStatement& count = conn.Prepare(sql_text::kCountGroupHouseholds);
  bind_scope(count, 1);
  std::unique_ptr<sql::ResultSet> counted(count.executeQuery());
  if (!counted->next() || counted->getInt(1) < rule.households) {
    return std::nullopt;
  }
  sql::PreparedStatement& upsert = conn.Prepare(sql_text::kUpsertIncident);
  upsert.setString(1, d.community);
  upsert.setString(2, d.location.building);
  upsert.setString(3, d.category);
  upsert.setDateTime(4, db::ToSqlDateTime(ticket.create_time));
  const bool opened = upsert.executeUpdate() == 1;
  std::unique_ptr<sql::ResultSet> id_row(
      conn.Prepare(sql_text::kLastInsertId).executeQuery());
  id_row->next();
  const int64_t incident = id_row->getInt64(1);
  sql::PreparedStatement& link = conn.Prepare(sql_text::kLinkIncidentTickets);
  link.setInt64(1, incident);
  bind_scope(link, 2);
  link.executeUpdate();
  if (!opened) return std::nullopt;
  InsertEvent(conn, {.ticket_id = ticket.id,
                     .community = d.community,
                     .type = TicketEventType::kGroupComplaintWarning,
                     .state = ticket.state,
                     .time = ticket.create_time});
  return incident;
}

// Events, timeline and clocks of a change to ticket `ticket`.
void WriteChange(db::Connection& conn, const Ticket& ticket,
                 const TicketChange& change, bool fresh = false) {
  InsertTimeline(conn, ticket.id, change.entry);
  for (TicketEvent event : change.events) {
    event.ticket_id = ticket.id;
    event.community = ticket.draft.community;
    InsertEvent(conn, event);
  }
  WriteClocks(conn, ticket, change.deadlines, change.entry.time, fresh);
}

}  // namespace

MysqlTicketRepository::MysqlTicketRepository(db::ConnectionPool& pool,
                                             const crypto::DataKeyRing& keys,
                                             absl::Duration event_settle)
    : create_(pool, "tickets_create"),
      mutate_(pool, "tickets_mutate"),
      get_(pool, "tickets_get"),
      list_(pool, "tickets_list"),
      timeline_(pool, "tickets_timeline"),
      list_events_(pool, "tickets_list_events"),
      fire_(pool, "tickets_fire_escalations"),
      next_fire_(pool, "tickets_next_escalation"),
      count_(pool, "tickets_count_backlog"),
      incidents_(pool, "tickets_list_incidents"),
      stock_take_(pool, "tickets_stock_take"),
      warranty_(pool, "tickets_warranty_reminders"),
      policies_(pool, "tickets_sla_policies"),
      recompute_(pool, "tickets_recompute_deadlines"),
      seal_(pool, "tickets_seal_legacy_rows"),
      keys_(keys),
      event_settle_(event_settle) {}

absl::StatusOr<int> MysqlTicketRepository::SealLegacyRows() {
  struct Legacy {
    int64_t id;
    std::string community, room, household, contact_name, contact_phone;
  };
  int total = 0;
  for (;;) {
    int claimed = 0;
    absl::Status status = seal_.Run([&](db::Connection& conn) {
      db::Transaction transaction(conn);
      std::vector<Legacy> rows;
      {
        sql::PreparedStatement& claim =
            conn.Prepare(sql_text::kClaimLegacyRows);
        claim.setInt(1, kSealBatch);
        std::unique_ptr<sql::ResultSet> r(claim.executeQuery());
        while (r->next()) {
          rows.push_back({r->getInt64(1), r->getString(2), r->getString(3),
                          r->getString(4), r->getString(5), r->getString(6)});
        }
      }
      for (const Legacy& row : rows) {
        sql::PreparedStatement& seal = conn.Prepare(sql_text::kSealLegacyRow);
        seal.setString(1, keys_.Seal(row.room, kRoomContext));
        seal.setString(2, keys_.Seal(row.household, kHouseholdContext));
        seal.setString(3, keys_.Seal(row.contact_name, kContactNameContext));
        seal.setString(4, keys_.Seal(row.contact_phone, kContactPhoneContext));
        SetHash(seal, 5, HouseholdHash(keys_, row.community, row.household));
        SetHash(seal, 6, PhoneHash(keys_, row.contact_phone));
        seal.setInt64(7, row.id);
        seal.executeUpdate();
      }
      transaction.Commit();
      claimed = static_cast<int>(rows.size());
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    total += claimed;
    if (claimed < kSealBatch) break;
  }
  if (total > 0) {
    log::Info("sealed personal data of tickets written before V010",
              {{"rows", absl::StrCat(total)}});
  }
  return total;
}

absl::Status MysqlTicketRepository::EnsureLegacyRowsSealed() {
  if (legacy_sealed_.load(std::memory_order_acquire)) return absl::OkStatus();
  absl::MutexLock lock(&seal_mu_);
  if (legacy_sealed_.load(std::memory_order_relaxed)) return absl::OkStatus();
  STEWARD_RETURN_IF_ERROR(SealLegacyRows().status());
  legacy_sealed_.store(true, std::memory_order_release);
  return absl::OkStatus();
}

absl::StatusOr<CreateOutcome> MysqlTicketRepository::Create(
    const TicketChange& initial, const std::string& request_id,
    const std::string& fingerprint, const GroupComplaintRule& group_rule) {
  STEWARD_RETURN_IF_ERROR(EnsureLegacyRowsSealed());
  CreateOutcome outcome;
  Ticket& ticket = outcome.ticket;
  ticket = initial.ticket;
  ticket.version = 1;
  ticket.create_time = db::TruncateToMicros(ticket.create_time);
  ticket.update_time = db::TruncateToMicros(ticket.update_time);
  absl::Status status = create_.Run([&](db::Connection& conn) -> absl::Status {
    db::Transaction transaction(conn);
    const TicketDraft& draft = ticket.draft;
    sql::PreparedStatement& insert = conn.Prepare(sql_text::kInsertTicket);
    insert.setString(1, draft.community);
    insert.setInt(2, static_cast<int>(draft.kind));
    insert.setInt(3, static_cast<int>(draft.priority));
    insert.setInt(4, static_cast<int>(draft.channel));
    insert.setInt(5, static_cast<int>(draft.line));
    insert.setString(6, draft.location.building);
    insert.setString(7, draft.location.unit);
    insert.setString(8, keys_.Seal(draft.location.room, kRoomContext));
    insert.setString(9, draft.location.detail);
    insert.setString(10, draft.description);
    insert.setString(11, draft.received_by);
    insert.setInt(12, static_cast<int>(ticket.state));
    insert.setString(13, request_id);
    insert.setString(14, fingerprint);
    insert.setDateTime(15, db::ToSqlDateTime(ticket.create_time));
    insert.setDateTime(16, db::ToSqlDateTime(ticket.update_time));
    insert.setString(17, initial.deadlines.policy_id);
    insert.setInt64(18, initial.deadlines.policy_version);
    insert.setString(19, initial.deadlines.calendar_fingerprint);
    BindLifecycle(insert, 20, ticket);
    BindDetails(insert, 42, draft, keys_);
    if (draft.reporter.empty()) {
      insert.setNull(51, sql::DataType::VARCHAR);
    } else {
      insert.setString(51, draft.reporter);
    }
    STEWARD_ASSIGN_OR_RETURN(
        const int64_t id,
        db::InsertOnce(
            conn, insert,
            {sql_text::kSelectByRequest, draft.community, request_id,
             kFingerprintColumn,
             [&](sql::ResultSet& row) { ticket = ReadTicket(row, keys_); }},
            fingerprint, "ticket", "concurrent create conflict; retry"));
    outcome.replayed = id == 0;
    if (id > 0) {
      ticket.id = id;
      WriteChange(conn, ticket, initial, /*fresh=*/true);
      if (ticket.draft.kind == TicketKind::kComplaint &&
          !ticket.draft.category.empty()) {
        outcome.opened_incident = CheckGroupComplaint(conn, ticket, group_rule);
      }
    }
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return outcome;
}

absl::StatusOr<Ticket> MysqlTicketRepository::Mutate(
    const std::string& community, int64_t id, int64_t expected_version,
    const std::string& request_id, const std::string& fingerprint,
    const ChangeFn& change) {
  Ticket result;
  absl::Status status = mutate_.Run([&](db::Connection& conn) -> absl::Status {
    db::Transaction transaction(conn);
    Ticket current;
    {
      sql::PreparedStatement& select =
          conn.Prepare(sql_text::kSelectTicketForUpdate);
      select.setString(1, community);
      select.setInt64(2, id);
      std::unique_ptr<sql::ResultSet> row(select.executeQuery());
      if (!row->next()) {
        return absl::NotFoundError("ticket not found in this community");
      }
      current = ReadTicket(*row, keys_);
    }
    {
      sql::PreparedStatement& seen = conn.Prepare(sql_text::kSelectMutation);
      seen.setInt64(1, id);
      seen.setString(2, request_id);
      std::unique_ptr<sql::ResultSet> row(seen.executeQuery());
      if (row->next()) {
        if (row->getString(1) != fingerprint) {
          return rpc::InvalidField(
              "header.request_id",
              "already used for a different change; use a new request_id");
        }
        result = current;  // a retry: answer with the ticket as it is now
        return absl::OkStatus();
      }
    }
    if (current.version != expected_version) {
      return absl::AbortedError(absl::StrCat(
          "the ticket changed since you read it (etag W/", expected_version,
          ", now W/", current.version, "); read it again and retry"));
    }
    STEWARD_ASSIGN_OR_RETURN(TicketChange next, change(current));
    Ticket& t = next.ticket;
    t.id = current.id;
    t.version = current.version + 1;
    t.update_time = db::TruncateToMicros(t.update_time);
    sql::PreparedStatement& update = conn.Prepare(sql_text::kUpdateTicket);
    update.setInt(1, static_cast<int>(t.draft.priority));
    update.setInt(2, static_cast<int>(t.state));
    update.setDateTime(3, db::ToSqlDateTime(t.update_time));
    update.setString(4, next.deadlines.policy_id);
    update.setInt64(5, next.deadlines.policy_version);
    update.setString(6, next.deadlines.calendar_fingerprint);
    BindLifecycle(update, 7, t);
    update.setInt64(29, id);
    update.setInt64(30, expected_version);
    if (update.executeUpdate() != 1) {
      return absl::AbortedError("the ticket changed concurrently; retry");
    }
    WriteChange(conn, t, next);
    sql::PreparedStatement& record = conn.Prepare(sql_text::kInsertMutation);
    record.setInt64(1, id);
    record.setString(2, request_id);
    record.setString(3, fingerprint);
    record.setDateTime(4, db::ToSqlDateTime(t.update_time));
    record.executeUpdate();
    transaction.Commit();
    result = std::move(t);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Ticket> MysqlTicketRepository::Get(const std::string& community,
                                                  int64_t id) {
  return db::FetchInCommunity<Ticket>(
      get_, sql_text::kSelectTicket, community, id,
      [this](sql::ResultSet& row) { return ReadTicket(row, keys_); },
      "ticket not found in this community");
}

absl::StatusOr<TicketPage> MysqlTicketRepository::List(
    const std::string& community, const TicketFilter& filter, int64_t before_id,
    int limit) {
  const int households = static_cast<int>(filter.households.size());
  if (households > kMaxFilterHouseholds) {
    return rpc::InvalidField(
        "households",
        absl::StrCat("at most ", kMaxFilterHouseholds, " households"));
  }
  STEWARD_RETURN_IF_ERROR(EnsureLegacyRowsSealed());
  std::vector<std::string> hashes;
  for (const std::string& household : filter.households) {
    // An empty household matches nothing (it has no hash).
    hashes.push_back(HouseholdHash(keys_, community, household)
                         .value_or(std::string(32, '\0')));
  }
  std::optional<std::string> phone_hash;
  if (!filter.contact_phone.empty()) {
    phone_hash = PhoneHash(keys_, filter.contact_phone);
    if (!phone_hash.has_value()) {
      return rpc::InvalidField("contact_phone", "holds no digits");
    }
  }
  TicketPage page;
  absl::Status status = list_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(
        phone_hash ? sql_text::kListTicketsByPhone : sql_text::kListTickets);
    const int state = filter.state ? static_cast<int>(*filter.state) : 0;
    const int kind = filter.kind ? static_cast<int>(*filter.kind) : 0;
    const int priority =
        filter.priority ? static_cast<int>(*filter.priority) : 0;
    const int line = filter.line ? static_cast<int>(*filter.line) : 0;
    int i = 1;
    select.setString(i++, community);
    if (phone_hash) select.setString(i++, *phone_hash);
    select.setInt64(
        i++, before_id > 0 ? before_id : std::numeric_limits<int64_t>::max());
    select.setInt(i++, state);
    select.setInt(i++, state);
    select.setInt(i++, kind);
    select.setInt(i++, kind);
    select.setInt(i++, priority);
    select.setInt(i++, priority);
    select.setInt(i++, line);
    select.setInt(i++, line);
    select.setString(i++, filter.assignee);
    select.setString(i++, filter.assignee);
    select.setString(i++, filter.district);
    select.setString(i++, filter.district);
    const bool restricted = households > 0 || !filter.or_reported_by.empty();
    select.setInt(i++, restricted ? 1 : 0);
    for (int slot = 0; slot < kMaxFilterHouseholds; ++slot) {
      // Unused slots repeat the first hash (or hold an empty one when no
      // household is asked for and the slots are not looked at).
      select.setString(i++, slot < households ? hashes[slot]
                            : households > 0  ? hashes[0]
                                              : std::string());
    }
    if (filter.or_reported_by.empty()) {
      select.setNull(i++, sql::DataType::VARCHAR);
    } else {
      select.setString(i++, filter.or_reported_by);
    }
    select.setDateTime(
        i++,
        db::ToSqlDateTime(filter.created_after.value_or(absl::InfinitePast())));
    select.setDateTime(i++, db::ToSqlDateTime(filter.created_before.value_or(
                                absl::InfiniteFuture())));
    select.setInt(i++, filter.overdue_only ? 1 : 0);
    select.setInt(i++, filter.at_risk_only ? 1 : 0);
    // One extra row tells whether another page follows.
    select.setInt(i++, limit + 1);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    page.tickets.clear();
    while (rows->next()) page.tickets.push_back(ReadTicket(*rows, keys_));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  page.next_after_id =
      db::TrimPage(page.tickets, limit, [](const auto& row) { return row.id; });
  return page;
}

absl::StatusOr<std::vector<TimelineEntry>> MysqlTicketRepository::ListTimeline(
    const std::string& community, int64_t id) {
  // The ticket must exist in this community (tenancy), then its entries.
  STEWARD_RETURN_IF_ERROR(Get(community, id).status());
  std::vector<TimelineEntry> entries;
  absl::Status status = timeline_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(sql_text::kListTimeline);
    select.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    entries.clear();
    while (rows->next()) {
      TimelineEntry e;
      e.time = GetRequiredTime(*rows, 1);
      e.actor.kind = static_cast<ActorKind>(rows->getInt(2));
      e.actor.id = rows->getString(3);
      e.action = static_cast<TicketAction>(rows->getInt(4));
      e.from_state = static_cast<TicketState>(rows->getInt(5));
      e.to_state = static_cast<TicketState>(rows->getInt(6));
      e.note = rows->getString(7);
      e.detail = rows->getString(8);
      entries.push_back(std::move(e));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return entries;
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
      e.time = GetRequiredTime(*rows, 8);
      feed.push_back({e.id, now - absl::Microseconds(rows->getInt64(9))});
      events.push_back(std::move(e));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  events.resize(DeliverablePrefix(after_id, feed, absl::Now(), event_settle_));
  return events;
}

absl::StatusOr<int64_t> MysqlTicketRepository::EventFeedTail() {
  int64_t tail = 0;
  absl::Status status = list_events_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select = conn.Prepare(sql_text::kEventFeedTail);
    select.setInt64(1, absl::ToInt64Microseconds(event_settle_));
    std::unique_ptr<sql::ResultSet> row(select.executeQuery());
    tail = row->next() ? row->getInt64(1) : 0;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return tail;
}

absl::StatusOr<std::vector<TicketEvent>>
MysqlTicketRepository::FireDueEscalations(
    absl::Time now, int limit,
    const std::function<EscalationDecision(const DueEscalation&)>& decide) {
  std::vector<TicketEvent> fired;
  absl::Status status = fire_.Run([&](db::Connection& conn) -> absl::Status {
    fired.clear();
    db::Transaction transaction(conn);
    std::vector<DueEscalation> due;
    {
      sql::PreparedStatement& claim = conn.Prepare(sql_text::kClaimDueClocks);
      claim.setDateTime(1, db::ToSqlDateTime(now));
      claim.setInt(2, limit);
      std::unique_ptr<sql::ResultSet> rows(claim.executeQuery());
      while (rows->next()) {
        DueEscalation d;
        d.ticket_id = rows->getInt64(1);
        d.target = static_cast<SlaTarget>(rows->getInt(2));
        d.community = rows->getString(3);
        d.state = static_cast<TicketState>(rows->getInt(4));
        d.clock.target = d.target;
        d.clock.mode = static_cast<calendar::ClockMode>(rows->getInt(5));
        d.clock.state = static_cast<ClockState>(rows->getInt(6));
        d.clock.length = absl::Microseconds(rows->getInt64(7));
        d.clock.start = GetRequiredTime(*rows, 8);
        d.clock.due = GetRequiredTime(*rows, 9);
        d.clock.handler_warning_at = GetRequiredTime(*rows, 10);
        d.clock.supervisor_warning_at = GetRequiredTime(*rows, 11);
        d.clock.stop = GetTime(*rows, 12);
        d.escalated = static_cast<EscalationLevel>(rows->getInt(13));
        due.push_back(std::move(d));
      }
    }
    for (const DueEscalation& d : due) {
      const EscalationDecision decision = decide(d);
      const EscalationLevel level = decision.fired != EscalationLevel::kNone
                                        ? decision.fired
                                        : d.escalated;
      sql::PreparedStatement& update =
          conn.Prepare(sql_text::kUpdateClockEscalation);
      update.setInt(1, static_cast<int>(level));
      SetTime(update, 2, decision.next_fire_at);
      update.setInt64(3, d.ticket_id);
      update.setInt(4, static_cast<int>(d.target));
      update.executeUpdate();
      if (decision.fired == EscalationLevel::kNone) continue;
      TicketEvent event{.ticket_id = d.ticket_id,
                        .community = d.community,
                        .type = decision.fired == EscalationLevel::kManager
                                    ? TicketEventType::kSlaBreached
                                    : TicketEventType::kSlaWarning,
                        .state = d.state,
                        .sla_target = static_cast<int>(d.target),
                        .escalation_level = static_cast<int>(decision.fired),
                        .time = now,
                        .due = decision.fired_due_at};
      InsertEvent(conn, event);
      fired.push_back(std::move(event));
    }
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return fired;
}

absl::StatusOr<std::optional<absl::Time>>
MysqlTicketRepository::NextEscalationTime() {
  std::optional<absl::Time> next;
  absl::Status status = next_fire_.Run([&](db::Connection& conn) {
    std::unique_ptr<sql::ResultSet> row(
        conn.Prepare(sql_text::kNextFireTime).executeQuery());
    next.reset();
    if (row->next()) next = GetTime(*row, 1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return next;
}

absl::StatusOr<std::vector<SlaPolicy>> MysqlTicketRepository::ListPolicies() {
  std::vector<SlaPolicy> policies;
  absl::Status status = policies_.Run([&](db::Connection& conn) {
    std::unique_ptr<sql::ResultSet> rows(
        conn.Prepare(sql_text::kListPolicies).executeQuery());
    policies.clear();
    while (rows->next()) {
      SlaPolicy p;
      p.id = rows->getString(1);
      p.version = rows->getInt64(2);
      p.kind = static_cast<TicketKind>(rows->getInt(3));
      p.priority = static_cast<Priority>(rows->getInt(4));
      p.community = rows->getString(5);
      p.targets = ParseTargets(std::string(rows->getString(6)));
      p.warnings.handler = rows->getDouble(7);
      p.warnings.supervisor = rows->getDouble(8);
      policies.push_back(std::move(p));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return policies;
}

absl::StatusOr<int> MysqlTicketRepository::SeedPolicies(
    const std::vector<SlaPolicy>& defaults) {
  // The first call comes from TicketDesk::LoadPolicies at start-up, before
  // serving: the time to seal rows written before V010.
  STEWARD_RETURN_IF_ERROR(EnsureLegacyRowsSealed());
  int inserted = 0;
  absl::Status status = policies_.Run([&](db::Connection& conn) {
    db::Transaction transaction(conn);
    inserted = 0;
    for (const SlaPolicy& p : defaults) {
      sql::PreparedStatement& seed = conn.Prepare(sql_text::kSeedPolicy);
      BindPolicy(seed, p, absl::Now());
      inserted += seed.executeUpdate();
    }
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return inserted;
}

absl::StatusOr<SlaPolicy> MysqlTicketRepository::SavePolicy(
    const SlaPolicy& policy, std::optional<int64_t> expected_version) {
  SlaPolicy stored = policy;
  absl::Status status =
      policies_.Run([&](db::Connection& conn) -> absl::Status {
        db::Transaction transaction(conn);
        const absl::Time now = absl::Now();
        if (!expected_version.has_value()) {
          stored.version = 1;
          sql::PreparedStatement& insert =
              conn.Prepare(sql_text::kInsertPolicy);
          BindPolicy(insert, stored, now);
          insert.executeUpdate();  // duplicate id → ALREADY_EXISTS (1062)
        } else {
          sql::PreparedStatement& select =
              conn.Prepare(sql_text::kSelectPolicyForUpdate);
          select.setString(1, policy.id);
          std::unique_ptr<sql::ResultSet> row(select.executeQuery());
          if (!row->next()) return absl::NotFoundError("no such SLA policy");
          if (row->getInt64(1) != *expected_version) {
            return absl::AbortedError(
                absl::StrCat("the policy changed since you read it (now W/",
                             row->getInt64(1), "); read it again and retry"));
          }
          // Tickets the old row applied to are recomputed too.
          MarkForRecompute(conn, static_cast<TicketKind>(row->getInt(2)),
                           static_cast<Priority>(row->getInt(3)),
                           std::string(row->getString(4)));
          stored.version = *expected_version + 1;
          sql::PreparedStatement& update =
              conn.Prepare(sql_text::kUpdatePolicy);
          update.setInt64(1, stored.version);
          update.setInt(2, static_cast<int>(stored.kind));
          update.setInt(3, static_cast<int>(stored.priority));
          update.setString(4, stored.community);
          update.setString(5, FormatTargets(stored.targets));
          update.setDouble(6, stored.warnings.handler);
          update.setDouble(7, stored.warnings.supervisor);
          update.setDateTime(8, db::ToSqlDateTime(now));
          update.setString(9, stored.id);
          update.executeUpdate();
        }
        MarkForRecompute(conn, stored.kind, stored.priority, stored.community);
        transaction.Commit();
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return stored;
}

absl::StatusOr<int> MysqlTicketRepository::RecomputeMarked(
    const std::function<std::optional<TicketDeadlines>(const Ticket&)>&
        recompute,
    absl::Time now, int limit) {
  int done = 0;
  absl::Status status = recompute_.Run([&](db::Connection& conn) {
    db::Transaction transaction(conn);
    std::vector<Ticket> marked;
    {
      sql::PreparedStatement& claim = conn.Prepare(sql_text::kClaimMarked);
      claim.setInt(1, limit);
      std::unique_ptr<sql::ResultSet> rows(claim.executeQuery());
      while (rows->next()) marked.push_back(ReadTicket(*rows, keys_));
    }
    done = 0;
    for (const Ticket& ticket : marked) {
      const std::optional<TicketDeadlines> deadlines = recompute(ticket);
      if (deadlines.has_value()) {
        WriteClocks(conn, ticket, *deadlines, now);
        sql::PreparedStatement& store =
            conn.Prepare(sql_text::kStoreRecomputed);
        store.setString(1, deadlines->policy_id);
        store.setInt64(2, deadlines->policy_version);
        store.setString(3, deadlines->calendar_fingerprint);
        store.setInt64(4, ticket.id);
        store.executeUpdate();
      } else {
        // Closed meanwhile: its recorded deadlines stay as they were.
        sql::PreparedStatement& clear =
            conn.Prepare(sql_text::kClearRecomputeMark);
        clear.setInt64(1, ticket.id);
        clear.executeUpdate();
      }
      ++done;
    }
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return done;
}

absl::StatusOr<std::optional<std::string>>
MysqlTicketRepository::GetHolidayTable() {
  std::optional<std::string> text;
  absl::Status status = policies_.Run([&](db::Connection& conn) {
    std::unique_ptr<sql::ResultSet> row(
        conn.Prepare(sql_text::kGetHolidayTable).executeQuery());
    text.reset();
    if (row->next()) text = std::string(row->getString(1));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return text;
}

absl::Status MysqlTicketRepository::SaveHolidayTable(const std::string& text) {
  return policies_.Run([&](db::Connection& conn) {
    db::Transaction transaction(conn);
    sql::PreparedStatement& save = conn.Prepare(sql_text::kSaveHolidayTable);
    save.setString(1, text);
    save.setDateTime(2, db::ToSqlDateTime(absl::Now()));
    save.executeUpdate();
    conn.Prepare(sql_text::kMarkAllOpenForRecompute).executeUpdate();
    transaction.Commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<CommunityCalendar>>
MysqlTicketRepository::ListCommunityCalendars() {
  std::vector<CommunityCalendar> calendars;
  absl::Status status = policies_.Run([&](db::Connection& conn) {
    std::unique_ptr<sql::ResultSet> rows(
        conn.Prepare(sql_text::kListCommunityCalendars).executeQuery());
    calendars.clear();
    while (rows->next()) {
      calendars.push_back(
          {.community = rows->getString(1),
           .time_zone = rows->getString(2),
           .hours = ParseWeeklyHours(std::string(rows->getString(3)))});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return calendars;
}

absl::Status MysqlTicketRepository::SaveCommunityCalendar(
    const CommunityCalendar& settings) {
  return policies_.Run([&](db::Connection& conn) {
    db::Transaction transaction(conn);
    sql::PreparedStatement& save =
        conn.Prepare(sql_text::kSaveCommunityCalendar);
    save.setString(1, settings.community);
    save.setString(2, settings.time_zone);
    save.setString(3, FormatWeeklyHours(settings.hours));
    save.setDateTime(4, db::ToSqlDateTime(absl::Now()));
    save.executeUpdate();
    sql::PreparedStatement& mark =
        conn.Prepare(sql_text::kMarkCommunityForRecompute);
    mark.setString(1, settings.community);
    mark.executeUpdate();
    transaction.Commit();
    return absl::OkStatus();
  });
}

absl::Status MysqlTicketRepository::RecordDelivered(int64_t id) {
  return list_events_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& record = conn.Prepare(sql_text::kRecordDelivered);
    record.setInt64(1, id);
    record.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> MysqlTicketRepository::EventBacklog() {
  int64_t backlog = 0;
  absl::Status status = count_.Run([&](db::Connection& conn) {
    std::unique_ptr<sql::ResultSet> row(
        conn.Prepare(sql_text::kEventBacklog).executeQuery());
    backlog = row->next() ? row->getInt64(1) : 0;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return backlog;
}

absl::StatusOr<std::vector<OpenCount>> MysqlTicketRepository::CountOpen() {
  std::vector<OpenCount> counts;
  absl::Status status = count_.Run([&](db::Connection& conn) {
    std::unique_ptr<sql::ResultSet> rows(
        conn.Prepare(sql_text::kCountOpen).executeQuery());
    counts.clear();
    while (rows->next()) {
      counts.push_back({static_cast<TicketKind>(rows->getInt(1)),
                        static_cast<Priority>(rows->getInt(2)),
                        static_cast<TicketState>(rows->getInt(3)),
                        rows->getInt64(4)});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return counts;
}

absl::StatusOr<std::map<SlaTarget, int64_t>>
MysqlTicketRepository::CountAtRisk() {
  std::map<SlaTarget, int64_t> counts;
  absl::Status status = count_.Run([&](db::Connection& conn) {
    std::unique_ptr<sql::ResultSet> rows(
        conn.Prepare(sql_text::kCountAtRisk).executeQuery());
    counts.clear();
    while (rows->next()) {
      counts[static_cast<SlaTarget>(rows->getInt(1))] = rows->getInt64(2);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return counts;
}

absl::StatusOr<std::vector<Incident>> MysqlTicketRepository::ListIncidents(
    const std::string& community) {
  std::vector<Incident> incidents;
  absl::Status status = incidents_.Run([&](db::Connection& conn) {
    incidents.clear();
    {
      sql::PreparedStatement& select = conn.Prepare(sql_text::kListIncidents);
      select.setString(1, community);
      std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
      while (rows->next()) {
        incidents.push_back({.id = rows->getInt64(1),
                             .community = community,
                             .building = rows->getString(2),
                             .category = rows->getString(3),
                             .opened_at = GetRequiredTime(*rows, 4)});
      }
    }
    for (Incident& incident : incidents) {
      sql::PreparedStatement& select =
          conn.Prepare(sql_text::kListIncidentTickets);
      select.setInt64(1, incident.id);
      std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
      while (rows->next()) incident.ticket_ids.push_back(rows->getInt64(1));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return incidents;
}

absl::StatusOr<std::vector<OpenComplaint>>
MysqlTicketRepository::ListOpenComplaints(const std::string& community,
                                          absl::Time as_of, int limit) {
  std::vector<OpenComplaint> complaints;
  absl::Status status = stock_take_.Run([&](db::Connection& conn) {
    sql::PreparedStatement& select =
        conn.Prepare(sql_text::kListOpenComplaints);
    const std::string at = db::ToSqlDateTime(as_of);
    select.setString(1, community);
    select.setDateTime(2, at);
    select.setDateTime(3, at);
    select.setDateTime(4, at);
    select.setInt(5, limit);
    std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
    complaints.clear();
    while (rows->next()) {
      OpenComplaint c;
      c.ticket = ReadTicket(*rows, keys_);
      if (!rows->isNull(kFingerprintColumn)) {
        c.latest_note = rows->getString(kFingerprintColumn);
      }
      complaints.push_back(std::move(c));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return complaints;
}

absl::StatusOr<std::vector<TicketEvent>>
MysqlTicketRepository::FireWarrantyReminders(absl::CivilDay ends_by,
                                             absl::Time now, int limit) {
  std::vector<TicketEvent> events;
  absl::Status status = warranty_.Run([&](db::Connection& conn) {
    events.clear();
    db::Transaction transaction(conn);
    {
      sql::PreparedStatement& claim =
          conn.Prepare(sql_text::kClaimWarrantyReminders);
      claim.setString(1, absl::FormatCivilTime(ends_by));
      claim.setInt(2, limit);
      std::unique_ptr<sql::ResultSet> rows(claim.executeQuery());
      while (rows->next()) {
        events.push_back({.ticket_id = rows->getInt64(1),
                          .community = rows->getString(2),
                          .type = TicketEventType::kWarrantyReminder,
                          .state = static_cast<TicketState>(rows->getInt(3)),
                          .time = now});
      }
    }
    for (const TicketEvent& event : events) {
      InsertEvent(conn, event);
      sql::PreparedStatement& mark =
          conn.Prepare(sql_text::kMarkWarrantyReminded);
      mark.setDateTime(1, db::ToSqlDateTime(now));
      mark.setInt64(2, event.ticket_id);
      mark.executeUpdate();
    }
    transaction.Commit();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

}  // namespace steward::tickets
