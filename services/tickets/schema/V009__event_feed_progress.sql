-- How far the event feed has been handed out (the highest event id any
-- ListTicketEvents/WatchTicketEvents call delivered), so every replica can
-- report the same outbox backlog.
CREATE TABLE event_feed_progress (
  id TINYINT NOT NULL,
  delivered_id BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB;

INSERT INTO event_feed_progress (id, delivered_id) VALUES (1, 0);
