-- Carnet core schema. Every tenant table carries business_id and every key and index leads with
-- it, so the schema can be distributed by business later without a rewrite.
-- Written for PostgreSQL 15 (the server) and PGlite (PostgreSQL 18 inside): nothing newer than 15.

CREATE TABLE businesses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,64}$'),
  allow_refund_used_packages boolean NOT NULL DEFAULT false,
  cover_zero_price_items boolean NOT NULL DEFAULT false,
  redemption_point text NOT NULL DEFAULT 'checkout_or_end'
    CHECK (redemption_point IN ('checkout_or_end', 'checkout_only', 'booking')),
  appointment_no_show_policy text NOT NULL DEFAULT 'consume'
    CHECK (appointment_no_show_policy IN ('consume', 'release', 'review')),
  class_no_show_policy text NOT NULL DEFAULT 'review'
    CHECK (class_no_show_policy IN ('consume', 'release', 'review')),
  reminder_days_before_expiry integer CHECK (reminder_days_before_expiry BETWEEN 1 AND 365),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE locations (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  time_zone text NOT NULL,
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id)
);

CREATE TABLE staff (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'front_desk', 'practitioner')),
  home_location_id uuid NOT NULL,
  password_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id),
  UNIQUE (business_id, email),
  FOREIGN KEY (business_id, home_location_id) REFERENCES locations (business_id, id)
);
-- Sign-in looks a person up by e-mail before it knows the business.
CREATE INDEX staff_email ON staff (email);

CREATE TABLE staff_sessions (
  business_id uuid NOT NULL,
  id text NOT NULL, -- sha256 of the cookie value: a database leak gives no usable session
  staff_id uuid NOT NULL,
  location_id uuid NOT NULL,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, staff_id) REFERENCES staff (business_id, id),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id)
);
CREATE UNIQUE INDEX staff_sessions_id ON staff_sessions (id);

CREATE TABLE api_tokens (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  token_hash text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  staff_id uuid NOT NULL,
  location_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, staff_id) REFERENCES staff (business_id, id),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id)
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE sign_in_failures (
  email text NOT NULL,
  ip text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_email_at ON sign_in_failures (email, at);

CREATE TABLE customers (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text CHECK (length(email) <= 254),
  phone text CHECK (length(phone) <= 40),
  -- R4: the customer's own read-only balance link; unguessable, looked up before the business is known.
  balance_token text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id)
);
CREATE INDEX customers_name ON customers (business_id, lower(name) text_pattern_ops);

-- Services, products and class types share one table: they are what a package line gives credits for.
CREATE TABLE items (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('service', 'product', 'class_type')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- retail price per currency, in minor units: {"HUF": 1200000, "USD": 4500}
  prices jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(prices) = 'object'),
  tax_rate_bp integer NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  duration_minutes integer CHECK (duration_minutes BETWEEN 1 AND 1440),
  sell_to_clients boolean NOT NULL DEFAULT true,
  commission_eligible boolean NOT NULL DEFAULT true,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id)
);

CREATE TABLE package_templates (
  business_id uuid NOT NULL REFERENCES businesses (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('course', 'package')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  prices jsonb NOT NULL CHECK (jsonb_typeof(prices) = 'object'),
  validity_kind text NOT NULL CHECK (validity_kind IN ('days', 'months', 'fixed_date', 'one_day', 'none')),
  validity_count integer CHECK (validity_count BETWEEN 1 AND 3650),
  validity_date date,
  commission_basis text NOT NULL DEFAULT 'item_retail_price'
    CHECK (commission_basis IN ('item_retail_price', 'package_price_per_credit')),
  online_bookable boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id),
  CHECK ((validity_kind IN ('days', 'months')) = (validity_count IS NOT NULL)),
  CHECK ((validity_kind = 'fixed_date') = (validity_date IS NOT NULL))
);

CREATE TABLE template_items (
  business_id uuid NOT NULL,
  template_id uuid NOT NULL,
  item_id uuid NOT NULL,
  position integer NOT NULL,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 100000),
  PRIMARY KEY (business_id, template_id, item_id),
  FOREIGN KEY (business_id, template_id) REFERENCES package_templates (business_id, id),
  FOREIGN KEY (business_id, item_id) REFERENCES items (business_id, id)
);

-- Where a template can be redeemed; no rows = every location of the business.
CREATE TABLE template_locations (
  business_id uuid NOT NULL,
  template_id uuid NOT NULL,
  location_id uuid NOT NULL,
  PRIMARY KEY (business_id, template_id, location_id),
  FOREIGN KEY (business_id, template_id) REFERENCES package_templates (business_id, id),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id)
);

-- One purchase. Everything the template said at the time of sale is copied here and into the
-- lines, so that editing or retiring the template never changes a package already sold.
CREATE TABLE customer_packages (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id uuid NOT NULL,
  template_id uuid NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  location_id uuid NOT NULL,
  time_zone text NOT NULL,
  currency char(3) NOT NULL,
  price_minor bigint NOT NULL CHECK (price_minor >= 0),
  commission_basis text NOT NULL,
  online_bookable boolean NOT NULL,
  redeemable_location_ids uuid[], -- NULL = every location
  validity jsonb NOT NULL,
  purchased_at timestamptz NOT NULL,
  expires_on date, -- the last local date on which it can be used; NULL = never expires
  expires_at timestamptz, -- 23:59:59.999 of expires_on in time_zone
  expiry_swept_at timestamptz, -- when the expiry sweep wrote its expire movements
  refunded_at timestamptz,
  refund_kind text CHECK (refund_kind IN ('money', 'store_credit')),
  refund_minor bigint CHECK (refund_minor >= 0),
  sold_by uuid,
  sold_on_ticket_line_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id),
  CHECK ((expires_on IS NULL) = (expires_at IS NULL)),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id),
  FOREIGN KEY (business_id, template_id) REFERENCES package_templates (business_id, id),
  FOREIGN KEY (business_id, location_id) REFERENCES locations (business_id, id)
);
CREATE INDEX customer_packages_customer ON customer_packages (business_id, customer_id, purchased_at);
CREATE INDEX customer_packages_expiry ON customer_packages (business_id, expires_at)
  WHERE expiry_swept_at IS NULL AND refunded_at IS NULL AND expires_at IS NOT NULL;

-- One line per item. total/used/booked are a cache of the ledger, written in the same statement or
-- transaction as the movement, and the database refuses any state the ledger could not produce.
CREATE TABLE package_lines (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  package_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  position integer NOT NULL,
  item_id uuid NOT NULL,
  item_kind text NOT NULL,
  item_name text NOT NULL,
  retail_price_minor bigint NOT NULL CHECK (retail_price_minor >= 0),
  granted integer NOT NULL CHECK (granted > 0), -- credits sold; added credits are worth 0
  value_minor bigint NOT NULL CHECK (value_minor >= 0), -- this line's share of the package price
  total integer NOT NULL DEFAULT 0,
  used integer NOT NULL DEFAULT 0,
  booked integer NOT NULL DEFAULT 0,
  expired integer NOT NULL DEFAULT 0, -- written off at expiry, for reports only
  -- Set when the package is refunded. It lives on the line, not only on the package, so that a
  -- redemption racing a refund re-checks it on the very row it updates, and loses.
  refunded boolean NOT NULL DEFAULT false,
  PRIMARY KEY (business_id, id),
  UNIQUE (business_id, package_id, item_id),
  FOREIGN KEY (business_id, package_id) REFERENCES customer_packages (business_id, id),
  FOREIGN KEY (business_id, item_id) REFERENCES items (business_id, id),
  CONSTRAINT counters_non_negative CHECK (total >= 0 AND used >= 0 AND booked >= 0 AND expired >= 0),
  CONSTRAINT remaining_non_negative CHECK (used + booked <= total)
);
CREATE INDEX package_lines_customer ON package_lines (business_id, customer_id, item_id);

CREATE TABLE movements (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  package_id uuid NOT NULL,
  line_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN
    ('grant', 'add', 'deduct', 'reserve', 'release', 'consume', 'redeem', 'restore', 'expire', 'unexpire')),
  quantity integer NOT NULL CHECK (quantity > 0),
  value_minor bigint NOT NULL DEFAULT 0 CHECK (value_minor >= 0), -- credit value earned or returned (R5)
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_staff_id uuid, -- NULL = the system (a sweep)
  location_id uuid,
  reason text CHECK (length(reason) <= 500),
  reservation_id uuid, -- consume/release: the reserve movement they resolve
  reverses_id uuid, -- restore: the movement it undoes; unexpire: the expire it reverses
  appointment_id uuid,
  ticket_line_id uuid,
  class_enrolment_id uuid,
  -- the line's counters right after this movement: a running balance an auditor can read
  total_after integer NOT NULL,
  used_after integer NOT NULL,
  booked_after integer NOT NULL,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, line_id) REFERENCES package_lines (business_id, id),
  FOREIGN KEY (business_id, reservation_id) REFERENCES movements (business_id, id),
  FOREIGN KEY (business_id, reverses_id) REFERENCES movements (business_id, id),
  CHECK ((kind IN ('consume', 'release')) = (reservation_id IS NOT NULL)),
  CHECK ((kind IN ('restore', 'unexpire')) = (reverses_id IS NOT NULL))
);
CREATE INDEX movements_line ON movements (business_id, line_id, seq);
CREATE INDEX movements_package ON movements (business_id, package_id, seq);
CREATE INDEX movements_occurred ON movements (business_id, occurred_at);
-- One resolution per reservation, one undo per movement: enforced here, not by hope.
CREATE UNIQUE INDEX movements_one_resolution ON movements (business_id, reservation_id)
  WHERE reservation_id IS NOT NULL;
CREATE UNIQUE INDEX movements_one_reversal ON movements (business_id, reverses_id)
  WHERE reverses_id IS NOT NULL;

CREATE TABLE activity_log (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_staff_id uuid,
  location_id uuid,
  action text NOT NULL,
  customer_id uuid,
  package_id uuid,
  movement_id uuid,
  reason text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (business_id, id)
);
CREATE INDEX activity_log_occurred ON activity_log (business_id, occurred_at DESC);
CREATE INDEX activity_log_customer ON activity_log (business_id, customer_id, occurred_at DESC);
CREATE INDEX activity_log_package ON activity_log (business_id, package_id, occurred_at DESC);

-- Store credit, per customer and currency: a ledger of its own with a checked cached balance.
CREATE TABLE store_credit_accounts (
  business_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  currency char(3) NOT NULL,
  balance_minor bigint NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
  PRIMARY KEY (business_id, customer_id, currency),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id)
);

CREATE TABLE store_credit_movements (
  business_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  customer_id uuid NOT NULL,
  currency char(3) NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor <> 0), -- positive = credited, negative = spent
  kind text NOT NULL CHECK (kind IN ('package_refund', 'tender', 'tender_refund', 'adjustment')),
  package_id uuid,
  ticket_id uuid,
  actor_staff_id uuid,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  reason text,
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, customer_id, currency)
    REFERENCES store_credit_accounts (business_id, customer_id, currency)
);

CREATE TABLE idempotency_keys (
  business_id uuid NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  response_status integer NOT NULL,
  response_body text NOT NULL, -- the exact JSON sent, so a replay is byte for byte the same
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- History is append-only: the database itself refuses to edit or delete it.
CREATE FUNCTION carnet_refuse_history_edit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'P0001', HINT = 'append_only';
END;
$$;

CREATE TRIGGER movements_append_only BEFORE UPDATE OR DELETE ON movements
  FOR EACH ROW EXECUTE FUNCTION carnet_refuse_history_edit();
CREATE TRIGGER movements_no_truncate BEFORE TRUNCATE ON movements
  FOR EACH STATEMENT EXECUTE FUNCTION carnet_refuse_history_edit();
CREATE TRIGGER activity_log_append_only BEFORE UPDATE OR DELETE ON activity_log
  FOR EACH ROW EXECUTE FUNCTION carnet_refuse_history_edit();
CREATE TRIGGER activity_log_no_truncate BEFORE TRUNCATE ON activity_log
  FOR EACH STATEMENT EXECUTE FUNCTION carnet_refuse_history_edit();
CREATE TRIGGER store_credit_movements_append_only BEFORE UPDATE OR DELETE ON store_credit_movements
  FOR EACH ROW EXECUTE FUNCTION carnet_refuse_history_edit();
