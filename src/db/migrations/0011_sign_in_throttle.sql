-- S1: failed sign-ins are throttled by claims taken before the password is checked, one row per key,
-- so that an INSERT … ON CONFLICT DO UPDATE … WHERE <allowed> serializes racing attempts on the
-- row's lock, across server processes. The log of failures it replaces was counted, then appended
-- to: a burst all counted the same few rows and all went on to check a password.
DROP TABLE sign_in_failures;

-- One e-mail from one address: a few free failures, then growing delays. Keyed by both so that
-- guesses from elsewhere never delay the owner on their own device; a success clears the failures
-- and marks the address as one the owner has used (it then passes the per-e-mail slow-down).
CREATE TABLE sign_in_throttle_pairs (
  email text NOT NULL,
  address text NOT NULL,
  failures integer NOT NULL CHECK (failures >= 0),
  last_failure_at timestamptz,
  last_success_at timestamptz,
  PRIMARY KEY (email, address)
);

-- Leaky buckets of failures: per address across e-mails (password spraying) and per e-mail across
-- addresses (guessing from many addresses). `level` is the failures still counted at `at`.
CREATE TABLE sign_in_throttle_addresses (
  address text PRIMARY KEY,
  level double precision NOT NULL CHECK (level >= 0),
  at timestamptz NOT NULL
);

CREATE TABLE sign_in_throttle_emails (
  email text PRIMARY KEY,
  level double precision NOT NULL CHECK (level >= 0),
  at timestamptz NOT NULL
);
