-- X4 (issue 19): the business-wide liability summary (R1) must not scan every package. It read all
-- of package_lines: ≈40 ms at 30,000 packages, and ten times that for each tenfold. Owed sessions
-- and liability are now kept as running sums per group (location, template, currency) in
-- liability_counters, changed by statement triggers on package_lines with the difference each
-- statement made: every path that changes a line (sale, redemption, booking, refund, expiry sweep,
-- extension, import) is counted, because the database counts it, not each path.
--
-- A counter row belongs to the server connection that wrote it (slot = its backend pid): two
-- connections never wait for one another's row, and one statement writes its rows in group order,
-- so the counters add no lock waits and no deadlocks to the ledger's writes. The summary sums a
-- group's rows; fold_liability_counters() (run by the jobs) folds them into slot 0 now and then.
--
-- What the counters cannot know is the clock: a package whose expiry instant has passed owes
-- nothing from that instant, before the expiry sweep writes it off. Lines carry their package's
-- swept flag (package_expiry_swept, copied like the other package columns of 0006), the counters
-- count unswept lines, and the summary takes off the few lines that expired and are not yet swept
-- (package_lines_expiring finds them). `carnet verify` recomputes every group from the lines and
-- names each that disagrees.
ALTER TABLE package_lines ADD COLUMN package_expiry_swept boolean NOT NULL DEFAULT false;

UPDATE package_lines l SET package_expiry_swept = true
  FROM customer_packages p
 WHERE p.business_id = l.business_id AND p.id = l.package_id AND p.expiry_swept_at IS NOT NULL;

CREATE OR REPLACE FUNCTION carnet_line_copies_package() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.template_id, p.location_id, p.currency, p.expires_at, p.expiry_swept_at IS NOT NULL
    INTO NEW.package_template_id, NEW.package_location_id, NEW.package_currency, NEW.package_expires_at,
         NEW.package_expiry_swept
    FROM customer_packages p
   WHERE p.business_id = NEW.business_id AND p.id = NEW.package_id;
  -- Lines are written at sale; this sees the lines the same statement inserted before this one.
  UPDATE package_lines SET package_multi_line = true
   WHERE business_id = NEW.business_id AND package_id = NEW.package_id AND NOT package_multi_line;
  NEW.package_multi_line := FOUND OR EXISTS (SELECT 1 FROM package_lines
                                              WHERE business_id = NEW.business_id AND package_id = NEW.package_id);
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION carnet_package_to_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE package_lines
     SET package_template_id = NEW.template_id, package_location_id = NEW.location_id,
         package_currency = NEW.currency, package_expires_at = NEW.expires_at,
         package_expiry_swept = NEW.expiry_swept_at IS NOT NULL
   WHERE business_id = NEW.business_id AND package_id = NEW.id;
  RETURN NULL;
END $$;

DROP TRIGGER customer_packages_to_lines ON customer_packages;
CREATE TRIGGER customer_packages_to_lines
  AFTER UPDATE OF template_id, location_id, currency, expires_at, expiry_swept_at ON customer_packages
  FOR EACH ROW
  WHEN ((OLD.template_id, OLD.location_id, OLD.currency, OLD.expires_at, OLD.expiry_swept_at IS NOT NULL)
        IS DISTINCT FROM (NEW.template_id, NEW.location_id, NEW.currency, NEW.expires_at,
                          NEW.expiry_swept_at IS NOT NULL))
  EXECUTE FUNCTION carnet_package_to_lines();
ALTER TABLE customer_packages ENABLE ALWAYS TRIGGER customer_packages_to_lines;

CREATE TABLE liability_counters (
  business_id uuid NOT NULL,
  location_id uuid NOT NULL,
  template_id uuid NOT NULL,
  currency char(3) NOT NULL,
  slot integer NOT NULL, -- the backend that wrote the row; 0 = folded
  single_line_packages bigint NOT NULL,
  sessions_owed bigint NOT NULL,
  unlimited_lines bigint NOT NULL,
  liability_minor bigint NOT NULL,
  PRIMARY KEY (business_id, location_id, template_id, currency, slot)
);

-- The worth of credits a+1 … b of a line sold with `granted` credits worth `value_minor` together
-- (creditRangeValue of src/domain, as src/db/sql-credit-value.ts writes it). One expression, so that
-- the planner inlines it.
CREATE FUNCTION carnet_credit_range_value(value_minor bigint, granted integer, a integer, b integer)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN LEAST(granted, GREATEST(a, b)) <= GREATEST(0, LEAST(a, b)) THEN 0
    WHEN LEAST(granted, GREATEST(a, b)) = granted
      THEN (value_minor / granted) * (granted - GREATEST(0, LEAST(a, b)) - 1)
           + (value_minor - (value_minor / granted) * (granted - 1))
    ELSE (value_minor / granted) * (LEAST(granted, GREATEST(a, b)) - GREATEST(0, LEAST(a, b))) END
$$;

-- What one line adds to its group while it owes (R1 and P10, as src/app/reports.ts reads them):
-- owed = total − used (free and booked), an unlimited pass (more than 100 free) owes no sessions,
-- and the liability is the worth of credits used+1 … total. The triggers below write the same
-- sums inline (a function call per row cost a tenth of a bare redemption's rate); `carnet verify`
-- compares the two.
CREATE FUNCTION carnet_line_liability(
  refunded boolean, swept boolean, multi boolean, total integer, used integer, booked integer,
  granted integer, value_minor bigint,
  OUT single_line_packages integer, OUT sessions_owed integer, OUT unlimited_lines integer,
  OUT liability_minor bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN NOT owes THEN 0 WHEN multi THEN 0 ELSE 1 END,
         CASE WHEN NOT owes OR unlimited THEN 0 ELSE total - used END,
         CASE WHEN owes AND unlimited THEN 1 ELSE 0 END,
         CASE WHEN owes THEN carnet_credit_range_value(value_minor, granted, used, total) ELSE 0 END
    FROM (SELECT NOT refunded AND NOT swept AND total > used AS owes, total - used - booked > 100 AS unlimited) x
$$;

-- Each statement that changes lines adds its new rows and takes off its old ones, in group order,
-- into this connection's rows. (A statement's rows arrive as transition tables, which only a
-- trigger of that event may name: hence one function per event.)
CREATE FUNCTION carnet_lines_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO liability_counters AS c (business_id, location_id, template_id, currency, slot,
         single_line_packages, sessions_owed, unlimited_lines, liability_minor)
  SELECT * FROM (
  SELECT d.business_id, d.package_location_id, d.package_template_id, d.package_currency, pg_backend_pid(),
         sum(d.sign * CASE WHEN d.package_multi_line THEN 0 ELSE 1 END) AS s,
         sum(d.sign * CASE WHEN d.total - d.used - d.booked > 100 THEN 0 ELSE d.total - d.used END) AS o,
         sum(d.sign * CASE WHEN d.total - d.used - d.booked > 100 THEN 1 ELSE 0 END) AS u,
         sum(d.sign * carnet_credit_range_value(d.value_minor, d.granted, d.used, d.total)) AS v
    FROM (SELECT 1 AS sign, * FROM new_lines) d
   WHERE NOT d.refunded AND NOT d.package_expiry_swept AND d.total > d.used
   GROUP BY 1, 2, 3, 4) g
   WHERE (s, o, u, v) <> (0, 0, 0, 0)
   ORDER BY 1, 2, 3, 4
  ON CONFLICT (business_id, location_id, template_id, currency, slot) DO UPDATE
     SET single_line_packages = c.single_line_packages + EXCLUDED.single_line_packages,
         sessions_owed = c.sessions_owed + EXCLUDED.sessions_owed,
         unlimited_lines = c.unlimited_lines + EXCLUDED.unlimited_lines,
         liability_minor = c.liability_minor + EXCLUDED.liability_minor;
  RETURN NULL;
END $$;
CREATE FUNCTION carnet_lines_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO liability_counters AS c (business_id, location_id, template_id, currency, slot,
         single_line_packages, sessions_owed, unlimited_lines, liability_minor)
  SELECT * FROM (
  SELECT d.business_id, d.package_location_id, d.package_template_id, d.package_currency, pg_backend_pid(),
         sum(d.sign * CASE WHEN d.package_multi_line THEN 0 ELSE 1 END) AS s,
         sum(d.sign * CASE WHEN d.total - d.used - d.booked > 100 THEN 0 ELSE d.total - d.used END) AS o,
         sum(d.sign * CASE WHEN d.total - d.used - d.booked > 100 THEN 1 ELSE 0 END) AS u,
         sum(d.sign * carnet_credit_range_value(d.value_minor, d.granted, d.used, d.total)) AS v
    FROM (SELECT 1 AS sign, * FROM new_lines UNION ALL SELECT -1, * FROM old_lines) d
   WHERE NOT d.refunded AND NOT d.package_expiry_swept AND d.total > d.used
   GROUP BY 1, 2, 3, 4) g
   WHERE (s, o, u, v) <> (0, 0, 0, 0)
   ORDER BY 1, 2, 3, 4
  ON CONFLICT (business_id, location_id, template_id, currency, slot) DO UPDATE
     SET single_line_packages = c.single_line_packages + EXCLUDED.single_line_packages,
         sessions_owed = c.sessions_owed + EXCLUDED.sessions_owed,
         unlimited_lines = c.unlimited_lines + EXCLUDED.unlimited_lines,
         liability_minor = c.liability_minor + EXCLUDED.liability_minor;
  RETURN NULL;
END $$;
CREATE FUNCTION carnet_lines_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO liability_counters AS c (business_id, location_id, template_id, currency, slot,
         single_line_packages, sessions_owed, unlimited_lines, liability_minor)
  SELECT * FROM (
  SELECT d.business_id, d.package_location_id, d.package_template_id, d.package_currency, pg_backend_pid(),
         sum(d.sign * CASE WHEN d.package_multi_line THEN 0 ELSE 1 END) AS s,
         sum(d.sign * CASE WHEN d.total - d.used - d.booked > 100 THEN 0 ELSE d.total - d.used END) AS o,
         sum(d.sign * CASE WHEN d.total - d.used - d.booked > 100 THEN 1 ELSE 0 END) AS u,
         sum(d.sign * carnet_credit_range_value(d.value_minor, d.granted, d.used, d.total)) AS v
    FROM (SELECT -1 AS sign, * FROM old_lines) d
   WHERE NOT d.refunded AND NOT d.package_expiry_swept AND d.total > d.used
   GROUP BY 1, 2, 3, 4) g
   WHERE (s, o, u, v) <> (0, 0, 0, 0)
   ORDER BY 1, 2, 3, 4
  ON CONFLICT (business_id, location_id, template_id, currency, slot) DO UPDATE
     SET single_line_packages = c.single_line_packages + EXCLUDED.single_line_packages,
         sessions_owed = c.sessions_owed + EXCLUDED.sessions_owed,
         unlimited_lines = c.unlimited_lines + EXCLUDED.unlimited_lines,
         liability_minor = c.liability_minor + EXCLUDED.liability_minor;
  RETURN NULL;
END $$;

CREATE TRIGGER package_lines_count_inserted AFTER INSERT ON package_lines
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION carnet_lines_inserted();
CREATE TRIGGER package_lines_count_updated AFTER UPDATE ON package_lines
  REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines FOR EACH STATEMENT
  EXECUTE FUNCTION carnet_lines_updated();
CREATE TRIGGER package_lines_count_deleted AFTER DELETE ON package_lines
  REFERENCING OLD TABLE AS old_lines FOR EACH STATEMENT EXECUTE FUNCTION carnet_lines_deleted();
-- Bulk loads with session_replication_role = replica (the benchmark generator) are counted too.
ALTER TABLE package_lines ENABLE ALWAYS TRIGGER package_lines_count_inserted;
ALTER TABLE package_lines ENABLE ALWAYS TRIGGER package_lines_count_updated;
ALTER TABLE package_lines ENABLE ALWAYS TRIGGER package_lines_count_deleted;

-- Folds every connection's rows of a business into slot 0, skipping a row a connection is writing
-- (it is folded next time). Returns the rows folded.
CREATE FUNCTION fold_liability_counters(business uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  WITH taken AS (
    DELETE FROM liability_counters c
     WHERE (c.business_id, c.location_id, c.template_id, c.currency, c.slot) IN (
           SELECT business_id, location_id, template_id, currency, slot FROM liability_counters
            WHERE business_id = business AND slot <> 0
            ORDER BY location_id, template_id, currency, slot
              FOR UPDATE SKIP LOCKED)
    RETURNING c.*
  ), sums AS (
    SELECT business_id, location_id, template_id, currency, sum(single_line_packages) AS s,
           sum(sessions_owed) AS o, sum(unlimited_lines) AS u, sum(liability_minor) AS v, count(*) AS n
      FROM taken GROUP BY 1, 2, 3, 4
  ), added AS (
    INSERT INTO liability_counters AS c (business_id, location_id, template_id, currency, slot,
           single_line_packages, sessions_owed, unlimited_lines, liability_minor)
    SELECT business_id, location_id, template_id, currency, 0, s, o, u, v FROM sums
     ORDER BY location_id, template_id, currency
    ON CONFLICT (business_id, location_id, template_id, currency, slot) DO UPDATE
       SET single_line_packages = c.single_line_packages + EXCLUDED.single_line_packages,
           sessions_owed = c.sessions_owed + EXCLUDED.sessions_owed,
           unlimited_lines = c.unlimited_lines + EXCLUDED.unlimited_lines,
           liability_minor = c.liability_minor + EXCLUDED.liability_minor
  )
  SELECT coalesce(sum(n), 0)::int INTO folded FROM sums;
  DELETE FROM liability_counters
   WHERE business_id = business AND slot = 0 AND single_line_packages = 0 AND sessions_owed = 0
     AND unlimited_lines = 0 AND liability_minor = 0;
  RETURN folded;
END $$;

-- The counters of the lines already sold.
INSERT INTO liability_counters (business_id, location_id, template_id, currency, slot,
       single_line_packages, sessions_owed, unlimited_lines, liability_minor)
SELECT l.business_id, l.package_location_id, l.package_template_id, l.package_currency, 0,
       sum(v.single_line_packages), sum(v.sessions_owed), sum(v.unlimited_lines), sum(v.liability_minor)
  FROM package_lines l,
       LATERAL carnet_line_liability(l.refunded, l.package_expiry_swept, l.package_multi_line, l.total, l.used,
                                     l.booked, l.granted, l.value_minor) v
 WHERE NOT l.refunded AND NOT l.package_expiry_swept AND l.total > l.used
 GROUP BY 1, 2, 3, 4;

-- Lines that owe until an expiry instant the sweep has not yet passed: those past it are taken off
-- the counters at read time. Neither column changes when credits are redeemed (updates stay HOT).
CREATE INDEX package_lines_expiring ON package_lines (business_id, package_expires_at)
  WHERE NOT package_expiry_swept AND package_expires_at IS NOT NULL AND NOT refunded;
