-- The business-wide liability summary (R1) groups owed credits by template, location and currency
-- of active packages. Joining every line to its package made it a 300,000-row hash join plus a sort
-- for count(DISTINCT package), ≈1.3–1.8 s on the benchmark business. Each line now carries the
-- package attributes the summary groups and filters by, so it reads package_lines alone.
-- They are copied by triggers on sale and on a change of the package (extend expiry): the redeem
-- path writes nothing more, and no index covers them, so its updates of the counters stay HOT.
-- Whether a package has expired is still decided at read time, against now (package_expires_at).
-- Packages are counted once each: a line of a one-line package counts directly, and only the lines
-- of packages with several (package_multi_line, set at sale) need count(DISTINCT package_id).
ALTER TABLE package_lines
  ADD COLUMN package_template_id uuid,
  ADD COLUMN package_location_id uuid,
  ADD COLUMN package_currency char(3),
  ADD COLUMN package_expires_at timestamptz,
  ADD COLUMN package_multi_line boolean NOT NULL DEFAULT false;

UPDATE package_lines l
   SET package_template_id = p.template_id, package_location_id = p.location_id,
       package_currency = p.currency, package_expires_at = p.expires_at,
       package_multi_line = EXISTS (SELECT 1 FROM package_lines o
                                     WHERE o.business_id = l.business_id AND o.package_id = l.package_id
                                       AND o.id <> l.id)
  FROM customer_packages p
 WHERE p.business_id = l.business_id AND p.id = l.package_id;

ALTER TABLE package_lines
  ALTER COLUMN package_template_id SET NOT NULL,
  ALTER COLUMN package_location_id SET NOT NULL,
  ALTER COLUMN package_currency SET NOT NULL;

CREATE FUNCTION carnet_line_copies_package() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.template_id, p.location_id, p.currency, p.expires_at
    INTO NEW.package_template_id, NEW.package_location_id, NEW.package_currency, NEW.package_expires_at
    FROM customer_packages p
   WHERE p.business_id = NEW.business_id AND p.id = NEW.package_id;
  -- Lines are written at sale; this sees the lines the same statement inserted before this one.
  UPDATE package_lines SET package_multi_line = true
   WHERE business_id = NEW.business_id AND package_id = NEW.package_id AND NOT package_multi_line;
  NEW.package_multi_line := FOUND OR EXISTS (SELECT 1 FROM package_lines
                                              WHERE business_id = NEW.business_id AND package_id = NEW.package_id);
  RETURN NEW;
END $$;
CREATE TRIGGER package_lines_copy_package BEFORE INSERT ON package_lines
  FOR EACH ROW EXECUTE FUNCTION carnet_line_copies_package();

CREATE FUNCTION carnet_package_to_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE package_lines
     SET package_template_id = NEW.template_id, package_location_id = NEW.location_id,
         package_currency = NEW.currency, package_expires_at = NEW.expires_at
   WHERE business_id = NEW.business_id AND package_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER customer_packages_to_lines AFTER UPDATE OF template_id, location_id, currency, expires_at
  ON customer_packages FOR EACH ROW
  WHEN ((OLD.template_id, OLD.location_id, OLD.currency, OLD.expires_at)
        IS DISTINCT FROM (NEW.template_id, NEW.location_id, NEW.currency, NEW.expires_at))
  EXECUTE FUNCTION carnet_package_to_lines();

-- Bulk loads with session_replication_role = replica (restores, the benchmark generator) still copy.
ALTER TABLE package_lines ENABLE ALWAYS TRIGGER package_lines_copy_package;
ALTER TABLE customer_packages ENABLE ALWAYS TRIGGER customer_packages_to_lines;

-- Lines of packages with several lines, which the summary counts per package (static after sale, so
-- redemptions' updates of the counters stay HOT).
CREATE INDEX package_lines_multi ON package_lines (business_id, package_id) WHERE package_multi_line;

-- The liability summary names each group after the first package name sold under it (R1).
CREATE INDEX customer_packages_template ON customer_packages (business_id, template_id, location_id, currency, name);
