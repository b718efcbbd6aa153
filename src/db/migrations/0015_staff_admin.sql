-- O2: staff administration. API tokens expire, can be revoked (by whom is kept), and say when they
-- were last used; working hours per staff member and location, and opening hours per location,
-- shape online booking's free slots.

-- Every token expires. Tokens made before expiry existed keep working for a year from this upgrade,
-- as long as a new token may live, so that no integration stops on the day of the upgrade.
ALTER TABLE api_tokens
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN last_used_at timestamptz,
  ADD COLUMN revoked_by uuid,
  ADD FOREIGN KEY (business_id, revoked_by) REFERENCES staff (business_id, id);
UPDATE api_tokens SET expires_at = now() + interval '365 days' WHERE expires_at IS NULL;
ALTER TABLE api_tokens
  ALTER COLUMN expires_at SET NOT NULL,
  ADD CHECK (expires_at > created_at),
  ADD CHECK (revoked_by IS NULL OR revoked_at IS NOT NULL);
-- the Staff screen lists a business's tokens, newest first
CREATE INDEX api_tokens_business ON api_tokens (business_id, created_at);

-- Hours are minutes after local midnight in the location's zone, [start, end), on an ISO weekday
-- (1 = Monday). Several intervals a day are allowed (a split shift); the application keeps them
-- apart (one writer at a time per staff member or location, under its row's lock).
--
-- A staff member with no working hours anywhere is offered online whenever the location is open;
-- once they have hours at any location, those are the only times they are offered. A location with
-- no opening hours is open 09:00-18:00 every day, as before opening hours existed.
CREATE TABLE staff_working_hours (
  business_id uuid NOT NULL,
  staff_id uuid NOT NULL,
  location_id uuid NOT NULL,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  CHECK (start_minute < end_minute),
  PRIMARY KEY (business_id, staff_id, location_id, weekday, start_minute),
  FOREIGN KEY (business_id, staff_id) REFERENCES staff (business_id, id),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id)
);

CREATE TABLE location_opening_hours (
  business_id uuid NOT NULL,
  location_id uuid NOT NULL,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
  CHECK (start_minute < end_minute),
  PRIMARY KEY (business_id, location_id, weekday, start_minute),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id)
);
