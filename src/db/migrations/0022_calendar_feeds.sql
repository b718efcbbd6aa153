-- W4: private calendar feeds. A staff member subscribes to their own appointments and the classes
-- they teach, a customer to their own bookings, through an unguessable link that a calendar program
-- fetches now and then. The link's token is a key to the bookings: only a SHA-256 of it is kept (a
-- copy of the database opens no feed), and each person has at most one link, so making a new one
-- (rotating) ends the previous one at once.
CREATE TABLE calendar_feeds (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  -- whose bookings the feed holds: one staff member's or one customer's
  staff_id uuid,
  customer_id uuid,
  created_at timestamptz NOT NULL,
  created_by uuid,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, staff_id) REFERENCES staff (business_id, id),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id),
  FOREIGN KEY (business_id, created_by) REFERENCES staff (business_id, id),
  CHECK ((staff_id IS NULL) <> (customer_id IS NULL)),
  -- one link per person (NULLs are distinct, so each column holds its own people only)
  UNIQUE (business_id, staff_id),
  UNIQUE (business_id, customer_id)
);

-- RFC 5545's SEQUENCE: a subscribed calendar takes an event with a higher SEQUENCE as a revision of
-- the one it has. It rises when what the feed shows of a booking changes: its time, its place, who
-- gives it, or whether it is cancelled. A check-in, a checkout, a note or a ticket changes nothing a
-- calendar shows and leaves it alone. The counter is kept by triggers rather than by each use case
-- so that every way a booking moves (staff, online bookings, sweeps, ones still to come) raises it,
-- and nothing else can set it.
ALTER TABLE appointments ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0;
ALTER TABLE class_sessions ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0;
ALTER TABLE class_enrolments ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0;

CREATE FUNCTION carnet_appointment_calendar_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.start_at, NEW.end_at, NEW.staff_id, NEW.location_id, NEW.status = 'cancelled')
     IS DISTINCT FROM (OLD.start_at, OLD.end_at, OLD.staff_id, OLD.location_id, OLD.status = 'cancelled') THEN
    NEW.calendar_sequence := OLD.calendar_sequence + 1;
  ELSE
    NEW.calendar_sequence := OLD.calendar_sequence;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER appointments_calendar_sequence BEFORE UPDATE ON appointments
  FOR EACH ROW EXECUTE FUNCTION carnet_appointment_calendar_sequence();

CREATE FUNCTION carnet_class_session_calendar_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.start_at, NEW.end_at, NEW.instructor_id, NEW.location_id, NEW.status)
     IS DISTINCT FROM (OLD.start_at, OLD.end_at, OLD.instructor_id, OLD.location_id, OLD.status) THEN
    NEW.calendar_sequence := OLD.calendar_sequence + 1;
  ELSE
    NEW.calendar_sequence := OLD.calendar_sequence;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER class_sessions_calendar_sequence BEFORE UPDATE ON class_sessions
  FOR EACH ROW EXECUTE FUNCTION carnet_class_session_calendar_sequence();

-- A customer's class booking shows the session's time with the enrolment's own state: its SEQUENCE
-- is the session's counter plus this one (both only rise, so their sum only rises).
CREATE FUNCTION carnet_class_enrolment_calendar_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.status = 'cancelled') IS DISTINCT FROM (OLD.status = 'cancelled') THEN
    NEW.calendar_sequence := OLD.calendar_sequence + 1;
  ELSE
    NEW.calendar_sequence := OLD.calendar_sequence;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER class_enrolments_calendar_sequence BEFORE UPDATE ON class_enrolments
  FOR EACH ROW EXECUTE FUNCTION carnet_class_enrolment_calendar_sequence();

-- A feed is read with one query: a staff member's classes by instructor, a customer's enrolments by
-- customer (appointments already have both indexes).
CREATE INDEX class_sessions_instructor ON class_sessions (business_id, instructor_id, start_at);
CREATE INDEX class_enrolments_customer ON class_enrolments (business_id, customer_id);
