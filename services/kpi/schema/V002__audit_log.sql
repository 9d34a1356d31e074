-- The audit trail (common/db/audit_trail.h): one row per mutating call,
-- allowed or denied, written in the same transaction as the change. The
-- same table exists in every Steward schema. Append-only: the triggers
-- refuse updates and deletes, whoever asks.
CREATE TABLE audit_log (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL,
  principal VARCHAR(160) NOT NULL,
  role VARCHAR(16) NOT NULL,
  method VARCHAR(128) NOT NULL,
  resource VARCHAR(255) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  decision ENUM('allowed', 'denied') NOT NULL,
  status_code TINYINT UNSIGNED NOT NULL,
  KEY audit_log_at (at),
  KEY audit_log_principal (principal, id),
  KEY audit_log_resource (resource, id),
  KEY audit_log_method (method, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
