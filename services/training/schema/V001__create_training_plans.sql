-- Training plans (培训计划) as scheduled. Later migrations add sessions,
-- attendance, exams, remedial training and certificates.
-- Times are UTC; kind and line hold the proto enum numbers.
CREATE TABLE training_plans (
  id BIGINT NOT NULL AUTO_INCREMENT,
  community_id VARCHAR(63) NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  title VARCHAR(200) NOT NULL,
  line TINYINT UNSIGNED NOT NULL,
  start_time DATETIME(6) NOT NULL,
  end_time DATETIME(6) NOT NULL,
  pass_score TINYINT UNSIGNED NOT NULL,
  version BIGINT NOT NULL,
  -- Binary: request ids are case-sensitive client keys.
  request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_fingerprint CHAR(64) CHARACTER SET ascii NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_training_plans_request (community_id, request_id),
  KEY ix_training_plans_community (community_id, id),
  KEY ix_training_plans_community_line (community_id, line, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
