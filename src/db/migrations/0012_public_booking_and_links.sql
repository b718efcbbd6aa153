-- A10: online bookings a business can trust, and R4: balance links that are keys, kept as hashes.

-- The online booking window: the public page offers slots from this many minutes after now up to
-- the end of the local day this many days ahead, and accepts nothing else.
ALTER TABLE businesses
  ADD COLUMN online_booking_days_ahead integer NOT NULL DEFAULT 60
    CHECK (online_booking_days_ahead BETWEEN 1 AND 365),
  ADD COLUMN online_booking_min_notice_minutes integer NOT NULL DEFAULT 120
    CHECK (online_booking_min_notice_minutes BETWEEN 0 AND 20160);

-- A booking asked for on the public page. It becomes an appointment only when the customer opens
-- the link e-mailed to the address given: an e-mail address proves nothing until then. It holds no
-- slot; the slot is checked again when the link is opened. Only a SHA-256 of the link's token is
-- kept, and a request is confirmed at most once.
CREATE TABLE online_booking_requests (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  location_id uuid NOT NULL,
  staff_id uuid NOT NULL,
  item_id uuid NOT NULL,
  start_at timestamptz NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  phone text CHECK (length(phone) <= 40),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  -- no foreign key: staff may delete an appointment that has no package credit in it
  appointment_id uuid,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id),
  FOREIGN KEY (business_id, staff_id) REFERENCES staff (business_id, id),
  FOREIGN KEY (business_id, item_id) REFERENCES items (business_id, id),
  CHECK (expires_at > created_at)
);
CREATE INDEX online_booking_requests_expiry ON online_booking_requests (business_id, expires_at);

-- Requests counted per fixed window, per business, for the public routes that a script could
-- flood (booking requests per client address, per e-mail address). In the database so that every
-- server process counts the same requests. The key is a SHA-256: the count needs no address.
CREATE TABLE public_request_counts (
  business_id uuid NOT NULL REFERENCES businesses (id),
  bucket text NOT NULL CHECK (bucket IN ('booking_address', 'booking_email')),
  key_hash text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL CHECK (hits >= 1),
  PRIMARY KEY (business_id, bucket, key_hash, window_start)
);

-- R4: the balance link's token becomes a SHA-256 of it (lookups by hash), so a copy of the database
-- opens no customer's page. Links made before keep working: their tokens are hashed here. A new
-- customer has no link until staff make one; making one replaces the previous one.
ALTER TABLE customers
  ADD COLUMN balance_token_hash text UNIQUE,
  ADD COLUMN balance_link_created_at timestamptz,
  ADD COLUMN balance_link_created_by uuid,
  ADD FOREIGN KEY (business_id, balance_link_created_by) REFERENCES staff (business_id, id);
UPDATE customers
   SET balance_token_hash = encode(sha256(convert_to(balance_token, 'UTF8')), 'hex'),
       balance_link_created_at = created_at;
ALTER TABLE customers DROP COLUMN balance_token;

-- A message whose body holds a one-time link (a booking confirmation) keeps it only until it is
-- sent or given up: then the body is replaced, and the link lives only in the customer's mailbox.
ALTER TABLE outbox ADD COLUMN body_has_secret boolean NOT NULL DEFAULT false;
