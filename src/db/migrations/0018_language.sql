-- U1, U2: the language people read Carnet in, and the locale a location formats dates, clocks and
-- money in.
--
-- A language is a folder of locales/ ('en', 'hu'); which folders exist is the application's to
-- check (adding a language is adding a folder, not a migration), the shape is the database's. The
-- business has one (its staff's and customers' default); a staff member or a customer has their own
-- or none (NULL: the business's).
--
-- A location's locale is a BCP 47 tag, language and region ('hu-HU', 'en-US'): its region decides
-- how dates and clocks read there (24-hour in Budapest, 12-hour in New York). Existing locations, and
-- a new one that names none, take it from their time zone; staff may choose another.
ALTER TABLE businesses
  ADD COLUMN language text NOT NULL DEFAULT 'en'
    CONSTRAINT business_language_shape CHECK (language ~ '^[a-z]{2,3}$');
ALTER TABLE staff
  ADD COLUMN language text CONSTRAINT staff_language_shape CHECK (language ~ '^[a-z]{2,3}$');
ALTER TABLE customers
  ADD COLUMN language text CONSTRAINT customer_language_shape CHECK (language ~ '^[a-z]{2,3}$');

CREATE FUNCTION carnet_locale_for_zone(zone text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN zone = 'Europe/Budapest' THEN 'hu-HU'
    WHEN zone LIKE 'America/%' THEN 'en-US'
    ELSE 'en-GB'
  END
$$;

ALTER TABLE locations ADD COLUMN locale text
  CONSTRAINT location_locale_shape CHECK (locale ~ '^[a-z]{2,3}-[A-Z]{2}$');
UPDATE locations SET locale = carnet_locale_for_zone(time_zone);
ALTER TABLE locations ALTER COLUMN locale SET NOT NULL;

-- Every way a location is made (the API, a first business, a script) gets the zone's locale unless it
-- names one: one rule, here, rather than one per caller.
CREATE FUNCTION carnet_location_default_locale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.locale IS NULL THEN
    NEW.locale := carnet_locale_for_zone(NEW.time_zone);
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER locations_default_locale BEFORE INSERT ON locations
  FOR EACH ROW EXECUTE FUNCTION carnet_location_default_locale();

-- A10: the language an online booking's e-mail was written in, for the page its link opens: the
-- language of the customer with that e-mail address, or the business's (NULL before this migration).
ALTER TABLE online_booking_requests
  ADD COLUMN language text CONSTRAINT booking_request_language_shape CHECK (language ~ '^[a-z]{2,3}$');
