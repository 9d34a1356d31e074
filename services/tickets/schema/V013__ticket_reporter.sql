-- The owner principal (token subject) who filed a ticket themselves, so that
-- an owner can follow a public-area report (which has no household) as well
-- as their households' tickets. NULL when staff or a system registered it.
-- Re-runnable: DDL is not transactional, so a process killed after the
-- ALTER but before the history row must be able to apply the file again.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS reporter VARCHAR(64) NULL,
  ADD KEY IF NOT EXISTS ix_tickets_reporter (community_id, reporter, id);
