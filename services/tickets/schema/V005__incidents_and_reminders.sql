-- Group-complaint incidents (群诉预警) linking the complaints that raised
-- them, and the warranty reminder mark of legacy defects.
CREATE TABLE incidents (
  id BIGINT NOT NULL AUTO_INCREMENT,
  community_id VARCHAR(63) NOT NULL,
  building VARCHAR(32) NOT NULL,
  category VARCHAR(64) NOT NULL,
  opened_at DATETIME(6) NOT NULL,
  -- 1 while open, NULL once closed: one open incident per place and category.
  open_flag TINYINT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_incidents_open (community_id, building, category, open_flag)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE incident_tickets (
  incident_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL,
  PRIMARY KEY (incident_id, ticket_id)
) ENGINE = InnoDB;

ALTER TABLE tickets ADD COLUMN warranty_reminded_at DATETIME(6) NULL;
