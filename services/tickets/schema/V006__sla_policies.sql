-- SLA policies as data: one row per kind × priority (company defaults,
-- community "") or per community override. Targets are
-- "target:mode:seconds:working_days" items joined by ';'. A saved policy
-- marks the open tickets it may apply to (sla_stale) for recomputation.
CREATE TABLE sla_policies (
  id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  version BIGINT NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  priority TINYINT UNSIGNED NOT NULL,
  community_id VARCHAR(63) NOT NULL DEFAULT '',
  targets VARCHAR(1000) NOT NULL,
  handler_warning DOUBLE NOT NULL,
  supervisor_warning DOUBLE NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE tickets
  ADD COLUMN sla_stale TINYINT NOT NULL DEFAULT 0,
  ADD KEY ix_tickets_sla_stale (sla_stale);
