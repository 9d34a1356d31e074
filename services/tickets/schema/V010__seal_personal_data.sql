-- Personal information at rest (PIPL): household, room, contact name and
-- contact phone hold blobs sealed by crypto::DataKeyRing::Seal (AES-256-GCM,
-- 0x01 | key id length | key id of at most 16 | 12-byte nonce | ciphertext |
-- 16-byte tag, so 46 bytes of overhead; the key id travels in the blob for
-- rotation). Each column fits the domain's character limit x 4 bytes of
-- UTF-8 plus the overhead, rounded up to a multiple of 16. Exact lookups and
-- group-complaint counting use keyed hashes (DataKeyRing::LookupHash, 32
-- bytes, NULL when the value is empty).
--
-- The type change keeps the bytes, so rows written before this migration
-- stay readable as plaintext with pii_sealed = 0 until the repository seals
-- them (MysqlTicketRepository::SealLegacyRows, which claims them through
-- ix_tickets_pii_sealed). Rows written from now on have pii_sealed = 1.
ALTER TABLE tickets
  -- 32 characters: 32 x 4 + 46 = 174
  MODIFY COLUMN room VARBINARY(176) NOT NULL DEFAULT '',
  -- 64 characters: 64 x 4 + 46 = 302
  MODIFY COLUMN household VARBINARY(304) NOT NULL DEFAULT '',
  -- 50 characters: 50 x 4 + 46 = 246
  MODIFY COLUMN contact_name VARBINARY(256) NOT NULL DEFAULT '',
  -- 20 characters: 20 x 4 + 46 = 126
  MODIFY COLUMN contact_phone VARBINARY(128) NOT NULL DEFAULT '',
  -- LookupHash("tickets.household", community_id + "/" + household)
  ADD COLUMN household_hash BINARY(32) NULL,
  -- LookupHash("tickets.contact_phone", NormalizePhone(contact_phone))
  ADD COLUMN contact_phone_hash BINARY(32) NULL,
  ADD COLUMN pii_sealed TINYINT NOT NULL DEFAULT 0,
  ADD KEY ix_tickets_household_hash (community_id, household_hash, id),
  ADD KEY ix_tickets_contact_phone_hash (contact_phone_hash),
  ADD KEY ix_tickets_pii_sealed (pii_sealed, id);
