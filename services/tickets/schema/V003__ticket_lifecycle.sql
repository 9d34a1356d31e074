-- The lifecycle: handler and accountable first responder, milestones, pauses,
-- resolution, callback, summary; the SLA policy and calendar version that
-- produced the deadlines; the timeline; mutation idempotency; and the SLA
-- clocks the escalation engine indexes by their next fire time.
ALTER TABLE tickets
  ADD COLUMN received_by VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN assignee VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN first_responder VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN responded_at DATETIME(6) NULL,
  ADD COLUMN work_started_at DATETIME(6) NULL,
  ADD COLUMN resolved_at DATETIME(6) NULL,
  ADD COLUMN called_back_at DATETIME(6) NULL,
  ADD COLUMN closed_at DATETIME(6) NULL,
  ADD COLUMN cancelled_at DATETIME(6) NULL,
  ADD COLUMN last_progress_at DATETIME(6) NULL,
  ADD COLUMN reworked_at DATETIME(6) NULL,
  ADD COLUMN paused_from TINYINT UNSIGNED NULL,
  ADD COLUMN paused_at DATETIME(6) NULL,
  ADD COLUMN pause_reason TINYINT UNSIGNED NULL,
  -- Finished pauses as "start_us:end_us;..." (epoch microseconds).
  ADD COLUMN pauses TEXT NOT NULL DEFAULT '',
  ADD COLUMN rework_count INT NOT NULL DEFAULT 0,
  ADD COLUMN resolution TEXT NOT NULL DEFAULT '',
  ADD COLUMN charges_minor BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN satisfaction TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN satisfied TINYINT NULL,
  ADD COLUMN callback_comment TEXT NOT NULL DEFAULT '',
  ADD COLUMN cancel_reason TINYINT UNSIGNED NULL,
  ADD COLUMN summary TEXT NOT NULL DEFAULT '',
  ADD COLUMN sla_policy_id VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN sla_policy_version BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN calendar_version VARCHAR(64) NOT NULL DEFAULT '',
  ADD KEY ix_tickets_assignee (community_id, assignee, id);

CREATE TABLE ticket_timeline (
  id BIGINT NOT NULL AUTO_INCREMENT,
  ticket_id BIGINT NOT NULL,
  entry_time DATETIME(6) NOT NULL,
  actor_kind TINYINT UNSIGNED NOT NULL,
  actor_id VARCHAR(64) NOT NULL,
  action TINYINT UNSIGNED NOT NULL,
  from_state TINYINT UNSIGNED NOT NULL,
  to_state TINYINT UNSIGNED NOT NULL,
  note TEXT NOT NULL,
  detail VARCHAR(1000) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_ticket_timeline_ticket (ticket_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Request ids of lifecycle mutations, so a retry is answered, not re-applied.
CREATE TABLE ticket_mutations (
  ticket_id BIGINT NOT NULL,
  request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_fingerprint CHAR(64) CHARACTER SET ascii NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (ticket_id, request_id)
) ENGINE = InnoDB;

CREATE TABLE sla_clocks (
  ticket_id BIGINT NOT NULL,
  target TINYINT UNSIGNED NOT NULL,
  community_id VARCHAR(63) NOT NULL,
  ticket_state TINYINT UNSIGNED NOT NULL,
  mode TINYINT UNSIGNED NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  length_us BIGINT NOT NULL,
  start_at DATETIME(6) NOT NULL,
  due_at DATETIME(6) NOT NULL,
  handler_warning_at DATETIME(6) NOT NULL,
  supervisor_warning_at DATETIME(6) NOT NULL,
  stop_at DATETIME(6) NULL,
  -- The highest escalation level already fired for this run of the clock.
  escalated TINYINT UNSIGNED NOT NULL DEFAULT 0,
  -- When the next escalation step falls due; NULL when none remains.
  next_fire_at DATETIME(6) NULL,
  PRIMARY KEY (ticket_id, target),
  KEY ix_sla_clocks_next_fire (next_fire_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
