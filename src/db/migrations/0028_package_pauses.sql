-- G4 (issue 20): a manager pauses a package from a date to a date (holiday, injury, pregnancy). No
-- credit is taken for a service inside a pause: the ledger's statement refuses it, as it refuses an
-- expired package, and the FIFO choice passes the package over. The expiry moves later by the
-- paused days when the pause is set, and back by the days not paused when it is cut short, so that
-- the expiry sweep and the reminders, which read the expiry, respect pauses without knowing them.
--
-- A package's pauses live on it, as its expiry does: a small array of
-- {id, startsOn, endsOn, startsAt, endsAt, days, reason}, the instants being the start of the first
-- day and the end of the last in the package's zone. The ledger's guard reads them only when there
-- are any.
ALTER TABLE customer_packages ADD COLUMN pauses jsonb NOT NULL DEFAULT '[]'
  CHECK (jsonb_typeof(pauses) = 'array');
