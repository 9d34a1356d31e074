-- ListTickets' contact_phone filter (the hotline desk finding a caller's
-- tickets by number) reads a community's tickets with one phone's lookup
-- hash newest first: the index leads with the community, and replaces the
-- phone-only one, which no query used.
-- Re-runnable: DDL is not transactional, so a process killed after the
-- ALTER but before the history row must be able to apply the file again.
ALTER TABLE tickets
  DROP KEY IF EXISTS ix_tickets_contact_phone_hash,
  ADD KEY IF NOT EXISTS ix_tickets_community_phone
    (community_id, contact_phone_hash, id);
