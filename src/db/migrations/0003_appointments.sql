-- Appointments on the calendar, booked from packages (A1–A11).

CREATE TABLE appointments (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  location_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  staff_id uuid NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  channel text NOT NULL DEFAULT 'in_store' CHECK (channel IN ('in_store', 'online')),
  status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'checked_in', 'completed', 'cancelled', 'no_show')),
  allow_overlap boolean NOT NULL DEFAULT false,
  notes text CHECK (length(notes) <= 1000),
  ticket_id uuid,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  PRIMARY KEY (business_id, id),
  CHECK (end_at > start_at),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id),
  FOREIGN KEY (business_id, staff_id) REFERENCES staff (business_id, id)
);
CREATE INDEX appointments_calendar ON appointments (business_id, location_id, start_at);
CREATE INDEX appointments_staff ON appointments (business_id, staff_id, start_at);
CREATE INDEX appointments_customer ON appointments (business_id, customer_id, start_at);
-- The redemption-point sweep looks for appointments whose end has passed.
CREATE INDEX appointments_ending ON appointments (end_at) WHERE status IN ('booked', 'checked_in');

CREATE TABLE appointment_services (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  appointment_id uuid NOT NULL,
  position integer NOT NULL,
  item_id uuid NOT NULL,
  name text NOT NULL,
  price_minor bigint NOT NULL CHECK (price_minor >= 0),
  package_line_id uuid, -- booked from this package line (price 0, Package badge)
  reservation_id uuid,
  consumed_movement_id uuid,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, appointment_id) REFERENCES appointments (business_id, id),
  FOREIGN KEY (business_id, item_id) REFERENCES items (business_id, id)
);
CREATE INDEX appointment_services_appointment ON appointment_services (business_id, appointment_id, position);

ALTER TABLE ticket_lines ADD COLUMN appointment_service_id uuid;
