-- China's statutory holiday table as replaced through the API when the next
-- year's schedule is announced (one row; absent: the shipped file applies).
CREATE TABLE holiday_tables (
  id TINYINT NOT NULL,
  content MEDIUMTEXT NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
