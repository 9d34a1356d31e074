// Every SQL statement of the communication service's notices, as named
// constants. Prepared statements only: values are always bound through ?
// placeholders.
#ifndef STEWARD_SERVICES_COMMUNICATION_STORAGE_NOTICE_SQL_H_
#define STEWARD_SERVICES_COMMUNICATION_STORAGE_NOTICE_SQL_H_

namespace steward::communication::sql_text {

inline constexpr char kInsertNotice[] =
    "INSERT INTO notices (community_id, kind, title, body, event_time, state,"
    " version, request_id, request_fingerprint, create_time, update_time)"
    " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id";

// The notice columns in the order ReadNotice expects, then the fingerprint.
inline constexpr char kSelectByRequest[] =
    "SELECT id, community_id, kind, title, body, event_time, state, version,"
    " create_time, update_time, request_fingerprint"
    " FROM notices WHERE community_id = ? AND request_id = ?";

inline constexpr char kSelectNotice[] =
    "SELECT id, community_id, kind, title, body, event_time, state, version,"
    " create_time, update_time"
    " FROM notices WHERE community_id = ? AND id = ?";

// The kind filter is optional: 0 means "any".
inline constexpr char kListNotices[] =
    "SELECT id, community_id, kind, title, body, event_time, state, version,"
    " create_time, update_time FROM notices"
    " WHERE community_id = ? AND id < ? AND (? = 0 OR kind = ?)"
    " ORDER BY id DESC LIMIT ?";

}  // namespace steward::communication::sql_text

#endif  // STEWARD_SERVICES_COMMUNICATION_STORAGE_NOTICE_SQL_H_
