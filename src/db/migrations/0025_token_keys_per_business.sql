-- X5: every unique key of a business's table leads with business_id, so the schema can be
-- distributed by business (docs/scale-out.md) and a shard can enforce its keys alone. The tokens of
-- links (a customer's balance link, an online booking's confirmation, an invitation, a calendar
-- feed) are looked up by their hash from a URL that names no business: that lookup keeps a plain
-- index, and uniqueness is per business (a token is 256 random bits: two equal hashes do not happen).
ALTER TABLE customers DROP CONSTRAINT customers_balance_token_hash_key;
CREATE UNIQUE INDEX customers_balance_token ON customers (business_id, balance_token_hash);
CREATE INDEX customers_balance_token_lookup ON customers (balance_token_hash);

ALTER TABLE online_booking_requests DROP CONSTRAINT online_booking_requests_token_hash_key;
CREATE UNIQUE INDEX online_booking_requests_token ON online_booking_requests (business_id, token_hash);
CREATE INDEX online_booking_requests_token_lookup ON online_booking_requests (token_hash);

ALTER TABLE staff_invitations DROP CONSTRAINT staff_invitations_token_hash_key;
CREATE UNIQUE INDEX staff_invitations_token ON staff_invitations (business_id, token_hash);
CREATE INDEX staff_invitations_token_lookup ON staff_invitations (token_hash);

ALTER TABLE calendar_feeds DROP CONSTRAINT calendar_feeds_token_hash_key;
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (business_id, token_hash);
CREATE INDEX calendar_feeds_token_lookup ON calendar_feeds (token_hash);

-- A session cookie and an API token name no business either: the same.
DROP INDEX staff_sessions_id;
CREATE INDEX staff_sessions_id ON staff_sessions (id);
DROP INDEX api_tokens_hash;
CREATE UNIQUE INDEX api_tokens_token ON api_tokens (business_id, token_hash);
CREATE INDEX api_tokens_hash ON api_tokens (token_hash);
