-- Group classes paid with package credits (C1–C7), and the e-mail outbox (R3, C7).

CREATE TABLE class_sessions (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  location_id uuid NOT NULL,
  item_id uuid NOT NULL, -- the class type
  instructor_id uuid NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
  status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id),
  CHECK (end_at > start_at),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id),
  FOREIGN KEY (business_id, item_id) REFERENCES items (business_id, id),
  FOREIGN KEY (business_id, instructor_id) REFERENCES staff (business_id, id)
);
CREATE INDEX class_sessions_schedule ON class_sessions (business_id, location_id, start_at);

CREATE TABLE class_enrolments (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  channel text NOT NULL DEFAULT 'in_store' CHECK (channel IN ('in_store', 'online')),
  status text NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled', 'cancelled', 'no_show')),
  package_line_id uuid,
  reservation_id uuid,
  consumed_movement_id uuid,
  ticket_id uuid,
  -- set once the end-of-session sweep has dealt with this enrolment (C3: at most once)
  swept_at timestamptz,
  -- no-shows under the staff-review policy wait here until staff consume or release them
  review text CHECK (review IN ('pending', 'consumed', 'released')),
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, session_id) REFERENCES class_sessions (business_id, id),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id)
);
CREATE UNIQUE INDEX class_enrolments_once ON class_enrolments (business_id, session_id, customer_id) WHERE status <> 'cancelled';
CREATE INDEX class_enrolments_session ON class_enrolments (business_id, session_id);
CREATE INDEX class_enrolments_unswept ON class_enrolments (business_id, session_id) WHERE swept_at IS NULL AND status = 'enrolled';

ALTER TABLE ticket_lines ADD COLUMN class_enrolment_id uuid;

-- Transactional outbox: written in the same transaction as its cause, sent after commit, retried
-- with backoff; the dedupe key makes "one e-mail per package per reminder" a database fact.
CREATE TABLE outbox (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  dedupe_key text NOT NULL,
  message_id text NOT NULL,
  to_address text NOT NULL,
  subject text NOT NULL,
  body_text text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (business_id, id),
  UNIQUE (business_id, dedupe_key)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
