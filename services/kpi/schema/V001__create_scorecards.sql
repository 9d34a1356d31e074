-- Scorecards as opened: one per subject and month in a community. Later
-- migrations add KPI lines, weights, reviews, appeals and locking.
--
-- Identifiers the API checks against [A-Za-z0-9_.:-] are stored as binary
-- ASCII, so uniqueness is exact and case-sensitive, as the API treats them.
CREATE TABLE scorecards (
  id BIGINT NOT NULL AUTO_INCREMENT,
  community_id VARCHAR(63) NOT NULL,
  subject_type TINYINT UNSIGNED NOT NULL,
  subject_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- The month appraised, as its first day.
  period DATE NOT NULL,
  state TINYINT UNSIGNED NOT NULL,
  total_score DECIMAL(5, 2) NOT NULL DEFAULT 0,
  version BIGINT NOT NULL,
  request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_fingerprint CHAR(64) CHARACTER SET ascii NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_scorecards_request (community_id, request_id),
  UNIQUE KEY uk_scorecards_subject_period
    (community_id, subject_type, subject_id, period),
  KEY ix_scorecards_community (community_id, id),
  KEY ix_scorecards_community_period (community_id, period, id),
  CONSTRAINT ck_scorecards_period_first_day CHECK (DAYOFMONTH(period) = 1),
  CONSTRAINT ck_scorecards_total_score CHECK (total_score BETWEEN 0 AND 100)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
