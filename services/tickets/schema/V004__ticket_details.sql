-- Ticket details: category, district, household, reporter contact, photos
-- and the warranty end of legacy defects; indexes for the district filter,
-- group-complaint detection and warranty reminders.
ALTER TABLE tickets
  ADD COLUMN category VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN district VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN household VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN contact_name VARCHAR(50) NOT NULL DEFAULT '',
  ADD COLUMN contact_phone VARCHAR(20) NOT NULL DEFAULT '',
  -- One object-store key per line.
  ADD COLUMN photo_refs TEXT NOT NULL DEFAULT '',
  ADD COLUMN warranty_end DATE NULL,
  ADD KEY ix_tickets_district (community_id, district, id),
  ADD KEY ix_tickets_category (community_id, category, create_time),
  ADD KEY ix_tickets_warranty (warranty_end);
