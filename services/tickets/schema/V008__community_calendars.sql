-- A community's own time zone and office hours. weekly_hours holds eight
-- '|'-separated fields (Monday..Sunday, then make-up working days, empty =
-- Monday's hours), each a ','-separated list of "open-close" minutes after
-- midnight; an empty weekday field is a closed day.
CREATE TABLE community_calendars (
  community_id VARCHAR(63) NOT NULL,
  time_zone VARCHAR(64) NOT NULL,
  weekly_hours VARCHAR(1000) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (community_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
