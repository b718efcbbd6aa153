-- O1, O2: a person is an account (one e-mail, one password), and staff is that person's membership
-- of one business (role, home location, active). One person may be staff of several businesses:
-- the e-mail that signs in is the account's, and sign-in asks which business when there are several.
--
-- accounts, password_resets, sign_up_requests and account_request_counts are looked up before any
-- business is known (by e-mail or by a token's hash), like sessions and API tokens by their hash:
-- with a distributed database they become reference tables, and every tenant table keeps its
-- business_id leading its keys.

CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) <= 254),
  -- NULL until the person chooses one: an owner made by `carnet create-business` without a password
  -- sets it through the one-time link the command prints. Such an account cannot sign in.
  password_hash text,
  password_changed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- staff rows copy the e-mail under this key, so the copy can never differ from the account's
  UNIQUE (id, email)
);

-- Every staff e-mail becomes one account, whatever the case of the business it was in. An e-mail in
-- two businesses becomes one account: sign-in refused such an e-mail until now (it could not tell
-- which staff row was meant), so no login of it worked. When its two password hashes differ, the
-- hash of the most recently created staff row is kept (the newer password is the one its person
-- most likely remembers); the other business's password stops working, and "forgot password" sets
-- one for both.
INSERT INTO accounts (email, password_hash, created_at)
SELECT DISTINCT ON (email) email, password_hash,
       min(created_at) OVER (PARTITION BY email)
  FROM staff
 ORDER BY email, created_at DESC, id DESC;

ALTER TABLE staff ADD COLUMN account_id uuid;
UPDATE staff s SET account_id = a.id FROM accounts a WHERE a.email = s.email;
ALTER TABLE staff
  ALTER COLUMN account_id SET NOT NULL,
  ADD UNIQUE (business_id, account_id),
  ADD FOREIGN KEY (account_id, email) REFERENCES accounts (id, email) ON UPDATE CASCADE,
  -- the password is the account's: one person, one password in every business
  DROP COLUMN password_hash;
CREATE INDEX staff_account ON staff (account_id);
-- sign-in finds the account by e-mail now, then its memberships by account
DROP INDEX staff_email;

-- A location's postal address, as the business writes it (shown to staff; optional).
ALTER TABLE locations ADD COLUMN IF NOT EXISTS address text CHECK (length(address) <= 500);

-- The first run (the "Create your business" page of an empty installation) claims this one row in
-- the transaction that creates the business. Two first-run requests racing both try to insert it:
-- the second waits for the first to commit, then finds it taken, and creates nothing. Every other
-- way of creating a business (the command line, sign-up) claims it too, if nobody has.
CREATE TABLE first_run_claims (
  only_one boolean PRIMARY KEY DEFAULT true CHECK (only_one),
  claimed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO first_run_claims (only_one) SELECT true WHERE EXISTS (SELECT 1 FROM businesses);

-- An invitation to join a business as staff, e-mailed as a link. Only a SHA-256 of the link's token
-- is kept; a link works once (accepted_at), until it expires, and not after it was cancelled. A
-- resend gives the same invitation a new token and expiry (the old link stops working). One open
-- invitation per e-mail and business.
CREATE TABLE staff_invitations (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'front_desk', 'practitioner')),
  home_location_id uuid NOT NULL,
  invited_by uuid NOT NULL,
  created_at timestamptz NOT NULL,
  sent_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_staff_id uuid,
  cancelled_at timestamptz,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, home_location_id) REFERENCES locations (business_id, id),
  FOREIGN KEY (business_id, invited_by) REFERENCES staff (business_id, id),
  FOREIGN KEY (business_id, accepted_staff_id) REFERENCES staff (business_id, id),
  CHECK (expires_at > sent_at),
  CHECK (accepted_at IS NULL OR cancelled_at IS NULL),
  CHECK ((accepted_at IS NULL) = (accepted_staff_id IS NULL))
);
CREATE UNIQUE INDEX staff_invitations_open ON staff_invitations (business_id, email)
  WHERE accepted_at IS NULL AND cancelled_at IS NULL;

-- A one-time link that sets an account's password: "forgot password", or the first password of an
-- owner made on the command line. Only a SHA-256 of the token is kept; used once, until it expires;
-- using one (or changing the password) ends every other link of the account.
CREATE TABLE password_resets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id uuid NOT NULL REFERENCES accounts (id),
  token_hash text NOT NULL UNIQUE,
  purpose text NOT NULL CHECK (purpose IN ('reset', 'first_password')),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX password_resets_account ON password_resets (account_id) WHERE used_at IS NULL;

-- A business asked for on the sign-in page (CARNET_SIGNUP=open). It is created only when the link
-- e-mailed to the owner's address is opened: the answer to the request is the same whether the
-- e-mail has an account or not, and nobody can make a business, or an account, on someone else's
-- address. Only a SHA-256 of the token is kept; used once, until it expires.
CREATE TABLE sign_up_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  -- the business, its first location and the owner's name as the form sent them (validated)
  details jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  business_id uuid REFERENCES businesses (id),
  CHECK (expires_at > created_at),
  CHECK ((used_at IS NULL) = (business_id IS NULL))
);

-- Requests counted per fixed window for the public account routes a script could flood (sign-up and
-- "forgot password", per client address and per e-mail address), as public_request_counts counts
-- booking requests, but belonging to no business. The key is a SHA-256.
CREATE TABLE account_request_counts (
  bucket text NOT NULL
    CHECK (bucket IN ('sign_up_address', 'sign_up_email', 'reset_address', 'reset_email')),
  key_hash text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL CHECK (hits >= 1),
  PRIMARY KEY (bucket, key_hash, window_start)
);
