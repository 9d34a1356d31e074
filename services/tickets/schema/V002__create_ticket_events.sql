-- The outbox: one row per state change or escalation, written in the same
-- transaction as the change. Ids are the feed cursor. written_at is the
-- server's clock, so readers can tell a settled gap (rolled back) from an
-- uncommitted one.
CREATE TABLE ticket_events (
  id BIGINT NOT NULL AUTO_INCREMENT,
  ticket_id BIGINT NOT NULL,
  community_id VARCHAR(63) NOT NULL,
  type TINYINT UNSIGNED NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  sla_target TINYINT UNSIGNED NOT NULL DEFAULT 0,
  escalation_level TINYINT UNSIGNED NOT NULL DEFAULT 0,
  event_time DATETIME(6) NOT NULL,
  written_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  KEY ix_ticket_events_ticket (ticket_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
