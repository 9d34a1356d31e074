-- Notices as drafted. Later migrations add publishing, withdrawal and the
-- lead-time policy rows.
CREATE TABLE notices (
  id BIGINT NOT NULL AUTO_INCREMENT,
  community_id VARCHAR(63) NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  title VARCHAR(200) NOT NULL,
  -- Up to 10000 code points: at most 40000 bytes in utf8mb4, within TEXT.
  body TEXT NOT NULL,
  -- UTC; NULL for kinds that announce no particular time.
  event_time DATETIME(6) NULL,
  state TINYINT UNSIGNED NOT NULL,
  version BIGINT NOT NULL,
  -- Compared byte for byte: "Abc" and "abc" are different requests.
  request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_fingerprint CHAR(64) CHARACTER SET ascii NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_notices_request (community_id, request_id),
  KEY ix_notices_community (community_id, id),
  KEY ix_notices_community_kind (community_id, kind, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
